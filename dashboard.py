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

# --- Extra pages register here. ---------------------------------------------------------------
# The review page for machine-extracted records lives in app_pages/review.py (owned by the
# extraction work); it is added automatically once the file exists. Pages can share the cached
# dataset with `from app_pages.common import load`.
REVIEW_PAGE = PAGES / "review.py"
if REVIEW_PAGE.exists():
    pages.append(st.Page(REVIEW_PAGE, title="Review extracted", icon=":material/rule:", url_path="review"))

st.navigation(pages, position="top").run()
