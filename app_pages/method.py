"""Method page: event types, precision codes, how killed low/best/high are derived, attribution.

Codes and meanings are imported from incidents.schema (via incidents.view.method), never retyped.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import as_of_text, load
from incidents import charts
from incidents.charts.legend import legend_svg
from incidents.geo import ATTRIBUTION
from incidents.view.method import (COUNTING_METHOD, KILLED_METHOD, date_precision_table, event_types_table,
                                   fields_table, geo_precision_table, origins_text)

ds = load()

st.markdown("### Method")
st.markdown("How borderwatch records, counts and draws incidents. Data through "
            f"{as_of_text(ds)}; {len(ds.incidents)} incidents and {len(ds.sources)} source reports loaded.")

st.markdown("#### Event types")
st.image(legend_svg(columns=4, width=760))
st.dataframe(event_types_table(), hide_index=True, width="stretch")

st.markdown("#### Date precision")
st.dataframe(date_precision_table(), hide_index=True, width="stretch")

st.markdown("#### Place precision")
st.dataframe(geo_precision_table(charts.HALO_KM, charts.PRECISE, charts.NOT_MAPPED), hide_index=True, width="stretch")

st.markdown("#### Killed: low, best, high")
st.markdown(KILLED_METHOD)

st.markdown("#### Counting, dates and borders")
st.markdown(COUNTING_METHOD)
st.markdown(f"Origins: {origins_text()}.")

st.markdown("#### Colours")
st.markdown("One colour per event type everywhere (Okabe–Ito palette, readable with the common colour-vision "
            "deficiencies), doubled by a marker shape so no meaning depends on colour alone.")

with st.expander("Every column of the incidents table"):
    st.dataframe(fields_table(), hide_index=True, width="stretch")

st.markdown("#### Sources of the geography")
st.markdown(ATTRIBUTION + " The map is drawn only from these bundled files: no tile server, no CDN, "
            "nothing is fetched from the internet.")
