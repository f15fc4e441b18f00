"""Figures for the dashboard and the exports (timeline, border map, province table, labels, colours): the names pages and exports use."""

# Pure plotly: nothing here imports streamlit or opens a file. Each name lives in one module (style,
# labels, timeline, timeaxis, frame, spread, places, basemap, map, provinces, palette, legend).

from .labels import (border_label, date_text, date_texts, hover_text, killed_text, killed_texts, marker_size,
                     place_text, place_texts, wrap, wraps)
from .frame import Frame
from .spread import COUNT_ABOVE, MapCounts, Placement
from .map import (FOCUS_LAT, FOCUS_LON, GRID_DEG, HALO_KM, LEGEND_PX, NOT_MAPPED, PRECISE, density_traces, grid_cells,
                  incident_traces, is_extracted, map_counts, map_figure, map_frame, mappable, placement, selected_ids)
from .basemap import base_layers, base_traces, circle, circles
from .provinces import province_table, province_traces
from .style import DENSITY_SCALE, DETAIL_LIMIT, FONT, TEMPLATE, is_aggregated
from .timeline import (LANE_TYPES, aggregate_traces, heat_traces, is_span, lane_order, lane_values,
                       strategic_annotations, timeline_figure, timeline_traces)

__all__ = ["COUNT_ABOVE", "DENSITY_SCALE", "DETAIL_LIMIT", "FOCUS_LAT", "FOCUS_LON", "FONT", "GRID_DEG", "HALO_KM",
           "LANE_TYPES", "LEGEND_PX", "NOT_MAPPED", "PRECISE", "TEMPLATE", "Frame", "MapCounts", "Placement", "aggregate_traces",
           "base_layers", "base_traces", "border_label", "circle", "circles", "date_text", "date_texts",
           "density_traces", "grid_cells", "heat_traces", "hover_text", "incident_traces", "is_aggregated",
           "is_extracted", "is_span", "killed_text", "killed_texts", "lane_order", "lane_values", "map_counts",
           "map_figure", "map_frame", "mappable", "marker_size", "place_text", "place_texts", "placement",
           "province_table", "province_traces", "selected_ids", "strategic_annotations", "timeline_figure",
           "timeline_traces", "wrap", "wraps"]
