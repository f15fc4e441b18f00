"""Review extracted candidates: evidence highlighted in the article, then accept / reject / attach.

A plain Streamlit script (usable as an st.Page). Logic lives in incidents.curate.review; article text is
shown as escaped markdown, never rendered as HTML.
"""

from __future__ import annotations

import streamlit as st

from incidents.curate import review
from incidents.store import FileStore, articles
from incidents.text import markdown as escape_md

FIELD_COLOURS = {"evidence": "gray", "date": "blue", "place": "green", "killed": "red", "injured": "orange", "type": "violet"}


def render_article(text: str, spans: str, start: int | None, end: int | None) -> str:
    pieces = []
    for segment, label in review.highlight_segments(text, spans, start, end):
        lines = segment.split("\n")
        esc = [escape_md(line) for line in lines]
        if label and label in FIELD_COLOURS:
            esc = [f":{FIELD_COLOURS[label]}-background[{line}]" if line.strip() else line for line in esc]
        pieces.append("  \n".join(esc))
    return "".join(pieces)


store = FileStore()
data_dir = store.directory
path = store.candidates_path
st.title("Review extracted incidents")
st.caption("Candidates read by machine from news articles. **Extracted records are unreviewed until a curator "
           "accepts, attaches or rejects them.** Colours: " + ", ".join(f":{c}-background[{k}]" for k, c in FIELD_COLOURS.items()))

if not path.exists():
    st.info(f"No extraction file at {path}. Run `incidents extract` first.")
    st.stop()

frame = review.load_candidates(path)
show_all = st.toggle("Show reviewed and rejected candidates too", value=False)
queue = frame if show_all else review.pending(frame)
st.write(f"{len(review.pending(frame))} unreviewed of {len(frame)} extracted candidates")
if queue.empty:
    st.success("Nothing left to review.")
    st.stop()


def _label(r) -> str:
    flag = "⚠ UNREVIEWED · extracted" if r["review_status"] in ("unreviewed", "") else r["review_status"]
    return f"[{flag}] {r['source_file']} · {r['event_type']} · {r['event_date'] or 'date?'} · {r['location'] or r['country']}"


choice = st.selectbox("Candidate", list(queue["incident_id"]), format_func=lambda i: _label(queue[queue["incident_id"] == i].iloc[0]),
                      key="candidate")
row = queue[queue["incident_id"] == choice].iloc[0].to_dict()

if row["review_status"] in ("unreviewed", ""):
    st.warning(f"UNREVIEWED extracted record · confidence {row['confidence']}" +
               (f" · needs review: {row['review_reason']}" if row.get("review_reason") else ""))
fields = ["event_type", "event_date", "end_date", "date_precision", "location", "admin1", "country", "geo_precision",
          "latitude", "longitude", "killed", "injured", "actor1", "actor2", "cluster_id", "matched_incident_id",
          "match_differences"]
st.dataframe([{"field": f, "value": row.get(f, ""), "evidence": row.get(f.split("_")[0] + "_evidence", "")}
              for f in fields], hide_index=True)

article_file = review.article_file(row, store.article_roots())
with st.expander("Article text with evidence highlighted", expanded=True):
    if article_file is None:
        st.text(row.get("evidence", ""))
    else:
        text = articles.read_text(article_file)
        start, end = int(float(row.get("char_start") or 0)), int(float(row.get("char_end") or 0))
        lo, hi = max(0, start - 1500), min(len(text), end + 1500)
        shifted = ";".join(f"{k}={int(a) - lo}:{int(b) - lo}" for k, _, r in
                           (p.partition("=") for p in str(row.get("evidence_spans", "")).split(";") if "=" in p)
                           for a, b in [r.split(":")])
        st.markdown(("… " if lo else "") + render_article(text[lo:hi], shifted, start - lo, end - lo) + (" …" if hi < len(text) else ""))

st.subheader("Decision")
with st.form("decision"):
    event_date = st.text_input("event_date (YYYY-MM-DD; required to accept)", value=row.get("event_date", ""))
    precision = st.selectbox("date_precision", ["day", "week", "month", "year"],
                             index=["day", "week", "month", "year"].index(row["date_precision"]) if row.get("date_precision") in ("day", "week", "month", "year") else 0)
    url = st.text_input("source url (required)", value=row.get("source_url", ""))
    outlet = st.text_input("source name (required)", value=row.get("source_outlet", ""))
    attach_to = st.text_input("attach to curated incident_id", value=row.get("matched_incident_id", ""))
    c1, c2, c3 = st.columns(3)
    do_accept = c1.form_submit_button("Accept as new incident")
    do_attach = c2.form_submit_button("Attach to existing incident")
    do_reject = c3.form_submit_button("Reject")

overrides = {"event_date": event_date, "date_precision": precision, "url": url, "source_name": outlet}
try:
    if do_accept:
        d = review.accept(path, choice, data_dir, overrides)
        st.success(f"Added incident {d.incident_id}")
        for w in d.warnings:
            st.warning(w)
    elif do_attach:
        d = review.attach(path, choice, attach_to, data_dir, {"url": url, "source_name": outlet})
        st.success(f"Attached as another claim on {d.incident_id}")
    elif do_reject:
        review.reject(path, choice)
        st.success("Rejected")
except review.ReviewError as exc:
    st.error(str(exc))
