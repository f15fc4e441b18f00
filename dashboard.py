"""borderwatch dashboard: the Streamlit entry point (`streamlit run dashboard.py`).

Thin on purpose: page setup and navigation. Each page is a script in app_pages/; all logic lives in
incidents/ (filters.py, aggregate.py, charts.py, method.py).
"""

from __future__ import annotations

from pathlib import Path

import plotly.express as px
import streamlit as st

# Importing streamlit switches plotly's default template to placeholder colours; pin ours first.
px.defaults.template = "plotly_white"

HERE = Path(__file__).resolve().parent
PAGES = HERE / "app_pages"

st.set_page_config(page_title="borderwatch", page_icon="🛂", layout="wide", initial_sidebar_state="expanded")

pages = [
    st.Page(PAGES / "overview.py", title="Incidents", icon=":material/map:", default=True),
    st.Page(PAGES / "method.py", title="Method", icon=":material/menu_book:", url_path="method"),
]

# Maintainer pages: review machine-extracted records; upload and check a CSV (saving into data/
# only when BORDERWATCH_ALLOW_SAVE=1). Pages share the cached dataset via `app_pages.common.load`.
pages += [
    st.Page(PAGES / "review.py", title="Review extracted", icon=":material/rule:", url_path="review"),
    st.Page(PAGES / "maintain.py", title="Upload CSV", icon=":material/upload_file:", url_path="maintain"),
]

st.navigation(pages, position="top").run()
