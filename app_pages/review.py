"""Review extracted candidates: evidence highlighted in the article, then attach, accept or reject.

A plain Streamlit script (usable as an st.Page). Logic lives in incidents.curate.review; every piece of
text from a candidate or an article is shown escaped (markdown) or as plain text, never as markup.
A decision is taken on the candidate the reviewer saw (its id is kept from the run that drew it), so a
second tab, a double click or another maintainer can never make it land on another candidate.
"""

from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

from incidents.curate import review
from incidents.intake.queue import new_since
from incidents.errors import IncidentsError
from incidents.store import FileStore
from incidents.text import markdown as escape_md

FIELD_COLOURS = {"evidence": "gray", "date": "blue", "place": "green", "killed": "red", "injured": "orange", "type": "violet"}
SHOWN = "_review_shown"  # the candidate id drawn by the previous run (the one the reviewer saw)
DONE = "_review_done"  # the message of the last decision, shown once after the rerun


def render_article(segments: list[tuple[str, str]]) -> str:
    pieces = []
    for segment, label in segments:
        lines = [escape_md(line) for line in segment.split("\n")]
        if label and label in FIELD_COLOURS:
            lines = [f":{FIELD_COLOURS[label]}-background[{line}]" if line.strip() else line for line in lines]
        pieces.append("  \n".join(lines))
    return "".join(pieces)


store = FileStore()
data_dir = store.directory
path = store.candidates_path
st.title("Review extracted incidents")
st.caption("Candidates read by machine from news articles. **Extracted records are unreviewed until a curator "
           "attaches, accepts or rejects them;** until then they are counted in no figure. Colours: "
           + ", ".join(f":{c}-background[{k}]" for k, c in FIELD_COLOURS.items()))

ss = st.session_state
for kind, message in ss.pop(DONE, []):
    getattr(st, kind)(message)

if not path.exists():
    st.info(f"No extraction file at {escape_md(str(path))}. Run `incidents extract` or `incidents fetch` first.")
    st.stop()

frame = review.load_candidates(path)
queue_all = review.pending(frame)
if "_review_since" not in ss:  # once per session: what came in since the page was last opened
    ss["_review_since"] = store.last_review_visit()
    store.mark_review_visit(datetime.now(timezone.utc).isoformat(timespec="seconds"))
since = ss["_review_since"]
fresh = new_since(queue_all, since, store.article_roots()) if since else queue_all.iloc[0:0]
if since:
    st.info(f"{len(fresh)} new candidates fetched since the review page was last opened ({escape_md(since)})"
            + (": " + ", ".join(escape_md(f"{r['source_outlet'] or r['source_file']} ({r['source_published'] or 'undated'})")
                               for _, r in fresh.head(8).iterrows()) + (" …" if len(fresh) > 8 else "")
               if len(fresh) else "."))
show_all = st.toggle("Show reviewed and rejected candidates too", value=False)
queue = frame if show_all else queue_all
st.write(f"{len(queue_all)} unreviewed of {len(frame)} extracted candidates")
if queue.empty:
    st.success("Nothing left to review.")
    st.stop()


def _label(r) -> str:
    flag = "UNREVIEWED" if r["review_status"] in review.PENDING else r["review_status"]
    flag = ("NEW · " if r["incident_id"] in set(fresh["incident_id"]) else "") + flag
    match = f" · matches {r['matched_incident_id']}" if r.get("matched_incident_id") and flag == "UNREVIEWED" else ""
    return (f"[{flag}] {r['source_outlet'] or r['source_file']} · {r['event_type']} · {r['event_date'] or 'date?'} · "
            f"{r['location'] or r['country']}{match}")


labels = {r["incident_id"]: _label(r) for _, r in queue.iterrows()}
choice = st.selectbox("Candidate", list(labels), format_func=labels.get, key="candidate")
row = queue[queue["incident_id"] == choice].iloc[0].to_dict()
# The decision below acts on the candidate drawn on the previous run, i.e. the one the reviewer looked at.
acting_on = ss.get(SHOWN) or choice

pending = row["review_status"] in review.PENDING
if pending:
    st.warning("UNREVIEWED extracted record · confidence " + escape_md(row.get("confidence", ""))
               + (" · needs review: " + escape_md(row["review_reason"]) if row.get("review_reason") else ""))
st.caption("Article: " + escape_md(row.get("source_outlet") or "outlet not recorded") + " · published "
           + escape_md(row.get("source_published") or "date not recorded") + " · "
           + escape_md(row.get("source_url") or row.get("source_file") or ""))
fields = ["event_type", "event_date", "end_date", "date_precision", "location", "admin1", "country", "geo_precision",
          "latitude", "longitude", "killed", "injured", "actor1", "actor2", "cluster_id", "matched_incident_id",
          "match_differences"]
st.dataframe([{"field": f, "value": row.get(f, ""), "evidence": row.get(f.split("_")[0] + "_evidence", "")}
              for f in fields], hide_index=True)

article = review.article_file(row, store.article_roots())
with st.expander("Article text with evidence highlighted", expanded=True):
    if article is None:
        st.text(row.get("evidence", ""))
    else:
        segments, before, after = review.article_segments(article, row)
        st.markdown(("… " if before else "") + render_article(segments) + (" …" if after else ""))

if not pending:
    st.info(f"This candidate was {row['review_status']}" + (f" (incident {row['matched_incident_id']})"
                                                            if row.get("matched_incident_id") else "") + ".")
    ss[SHOWN] = choice
    st.stop()

st.subheader("Decision")
matched = row.get("matched_incident_id") or ""
if matched:
    st.info(f"The extractor matched this candidate to curated incident **{escape_md(matched)}**. Attaching adds the "
            "article as another source of that incident (the usual choice); accepting it as a new incident needs "
            "the confirmation box.")
with st.form("decision"):
    attach_to = st.text_input("Curated incident to attach to", value=matched)
    url = st.text_input("Source address (URL, or the article file)", value=review.article_ref(row, data_dir))
    outlet = st.text_input("Source name", value=row.get("source_outlet") or f"article {row.get('source_file', '')}")
    event_date = st.text_input("event_date (YYYY-MM-DD; required to accept)", value=row.get("event_date", ""))
    precisions = ["day", "week", "month", "year"]
    precision = st.selectbox("date_precision", precisions,
                             index=precisions.index(row["date_precision"]) if row.get("date_precision") in precisions else 0)
    confirm_new = st.checkbox("Yes, this is a new incident, not one already curated (needed to accept a matched or "
                              "likely duplicate candidate)")
    c1, c2, c3 = st.columns(3)
    do_attach = c1.form_submit_button("Attach to existing incident", type="primary" if matched else "secondary")
    do_accept = c2.form_submit_button("Accept as new incident", type="secondary" if matched else "primary")
    do_reject = c3.form_submit_button("Reject")

ss[SHOWN] = choice
decided = None
try:
    if do_attach:
        d = review.attach(path, acting_on, attach_to, data_dir, {"url": url, "source_name": outlet})
        decided = ("success", f"Candidate {acting_on}: already recorded in incident {d.incident_id}'s ledger; closed."
                   if d.action == "already recorded" else f"Attached {acting_on} as another claim on {d.incident_id}.")
    elif do_accept:
        d = review.accept(path, acting_on, data_dir, {"event_date": event_date, "date_precision": precision,
                                                      "url": url, "source_name": outlet}, confirm_new=confirm_new)
        decided = ("success", f"Added incident {d.incident_id} from candidate {acting_on}.")
    elif do_reject:
        review.reject(path, acting_on, data_dir=data_dir)
        decided = ("success", f"Rejected candidate {acting_on}.")
except review.NeedsConfirmation as exc:
    st.warning(escape_md(str(exc)))
except IncidentsError as exc:
    st.error(escape_md(str(exc)))
if decided:
    ss[DONE] = [decided]
    ss.pop(SHOWN, None)
    st.rerun()  # counters and the queue show the new state at once
