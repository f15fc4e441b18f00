"""What a dashboard view shows: filter state (and its URL form), the filtered incidents, aggregates,
headline figures, and the method page's text. Pure pandas; no streamlit, no files."""
