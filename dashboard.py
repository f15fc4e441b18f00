"""borderwatch dashboard: the Streamlit entry point. Widgets only; logic lives in `incidents/`."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

# Importing streamlit switches plotly's default template to placeholder colours; pin ours first.
px.defaults.template = "plotly_white"

from incidents import dataset, store  # noqa: E402
from incidents.schema import INCIDENTS  # noqa: E402

st.set_page_config(page_title="borderwatch", layout="wide")


@st.cache_data(show_spinner="Loading incidents…")
def load_dataset(directory: str, fingerprint: tuple) -> dataset.Dataset:
    """Load and validate; `fingerprint` (file sizes and mtimes) makes an edited CSV reload without a restart."""
    return dataset.load(directory)


directory = str(store.data_dir())
ds = load_dataset(directory, store.file_fingerprint(store.data_dir()))

st.title("borderwatch — Central Asian border incidents")
as_of = ds.as_of.date().isoformat() if ds.as_of is not None else "n/a"
st.caption(f"{len(ds.incidents)} incidents · {len(ds.sources)} source reports · data as of {as_of}")
if ds.errors:
    with st.expander(f"{len(ds.errors)} data problems — rows with errors are not shown"):
        st.code("\n".join(str(p) for p in ds.problems), language=None)

st.dataframe(ds.incidents[INCIDENTS.names + ["source_count", "killed_low", "killed_high", "disputed",
                                             "distance_to_border_km"]],
             hide_index=True, width="stretch")

st.caption("Boundaries: Natural Earth (public domain), naturalearthdata.com. Place names: GeoNames, geonames.org, "
           "licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); filtered and modified for this project.")
