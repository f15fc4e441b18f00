"""The brief: self-contained HTML (no external requests) and a PDF printed by headless Chromium."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from incidents.view.views import make_view
from incidents import dataset
from incidents.export import brief, render
from incidents.view import filters, query
from incidents.export import figures as fe
from incidents.export import words

HERE = Path(__file__).resolve().parents[1]
DASH = HERE / "fixtures" / "dashboard"
HOSTILE = DASH / "hostile"
TODAY = date(2026, 11, 21)
QUERY = {"from": "2026-06-01", "to": "2026-11-30"}


class Tags(HTMLParser):
    """Every start tag with its attributes, and the document's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(document: str) -> Tags:
    p = Tags()
    p.feed(document)
    return p


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def ds():
    return dataset.load(DASH)


@pytest.fixture(scope="module")
def view(ds):
    return make_view(ds, query.from_query(QUERY), TODAY)


@pytest.fixture(scope="module")
def document(view):
    return brief.build_html(view, made=TODAY)


@pytest.fixture(scope="module")
def pdf_a4(view):
    return brief.build_pdf(view, "a4")


@pytest.mark.browser  # charts drawn and PDF printed by Chromium
def test_html_makes_no_external_requests(document, view):
    tags = parse(document)
    names = {t for t, _ in tags.tags}
    assert "script" not in names and "link" not in names and "iframe" not in names and "img" not in names
    assert "<script" not in document.lower() and "@import" not in document
    assert not re.findall(r"url\((?!['\"]?#)", document)  # only in-document references (SVG clip paths)
    # the only URLs are plain anchors: the reopen link and the sources
    allowed = {words.dashboard_link(view.state)} | set(view.sources["url"])
    for tag, attrs in tags.tags:
        for attr, value in attrs.items():
            if attr in ("src", "srcset", "data", "poster", "action", "background", "xlink:href") and value:
                assert not re.match(r"(?i)\s*(https?:)?//", value), f"<{tag} {attr}={value}>"
            if attr == "href" and re.match(r"(?i)\s*(https?:)?//", value or ""):
                assert tag == "a" and value in allowed, value
    csp = [a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]


@pytest.mark.browser  # charts drawn and PDF printed by Chromium
def test_html_has_every_part_of_the_brief(document, view):
    text = "".join(parse(document).text)
    h = view.headline
    assert "Security incidents on the Afghanistan–Tajikistan border" in text
    assert "Period: 1 Jun 2026 – 30 Nov 2026" in text and "border: AFG–TJK" in text
    assert f"Killed{h.killed.total}" in text.replace(",", "")  # the best estimate, then what it covers
    assert f"sources' range {h.killed_low}–{h.killed_high}" in text
    injured = "unknown" if h.injured.total is None else f"{h.injured.total:,}"
    assert f"Injured{injured}" in text
    assert h.change is not None and f"{h.change.delta:+d}" in text
    assert "Data through: 2026-11-15" in text
    assert text.count("GeoNames, geonames.org, licensed CC BY 4.0") == 1 and "Natural Earth" in text  # credits once
    assert document.count("<svg") >= 2 and "Chart not included" not in document  # timeline and map, inline
    ids = re.findall(r'\bid="([^"]+)"', document)
    assert len(ids) == len(set(ids))  # two inline plotly SVGs never share an id


@pytest.mark.browser  # charts drawn and PDF printed by Chromium
def test_incident_table_cites_numbered_sources_with_urls(document, view):
    tags = parse(document)
    refs = re.findall(r"\[(\d+)\]", " ".join(tags.text))
    sources, numbers = brief.numbered_sources(view, view.shown.sort_values(["event_date", "incident_id"]))
    assert len(sources) == len(view.sources) == 17  # reviewed records only: the fixture's candidates add none
    assert sorted({int(r) for r in refs}) == list(range(1, 18))
    anchors = [a["href"] for t, a in tags.tags if t == "a"]
    for n, iid, url in zip(sources["n"], sources["incident_id"], sources["url"]):
        assert url in anchors
        assert n in numbers[iid]
    # each incident's references point at its own ledger rows
    for iid, ns in numbers.items():
        assert set(sources.loc[sources["n"].isin(ns), "incident_id"]) == {iid}


def test_reopen_link_reproduces_the_view(view):
    document = brief.build_html(view, base_url="https://dash.example.org/bw", with_charts=False)
    link = words.dashboard_link(view.state, "https://dash.example.org/bw")
    assert link.startswith("https://dash.example.org/bw/?") and f'href="{link.replace("&", "&amp;")}"' in document
    again = query.from_query(parse_qs(urlsplit(link).query))
    assert again == view.state
    default = brief.build_html(view, with_charts=False)
    assert "http://127.0.0.1:8501/?preset=custom&amp;from=2026-06-01&amp;to=2026-11-30" in default
    assert "not reachable from elsewhere" in default and "not reachable from elsewhere" not in document


def test_configured_public_address_is_the_reopen_link(view, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DASHBOARD_URL", "https://borderwatch.example.org/")
    document = brief.build_html(view, with_charts=False)
    assert 'href="https://borderwatch.example.org/?preset=custom' in document
    assert "127.0.0.1" not in document and "not reachable from elsewhere" not in document


def test_brief_lists_reviewed_records_only_and_says_where_sources_disagree(ds):
    all_view = make_view(ds, query.from_query({"border": "all", "preset": "all"}), TODAY)
    document = brief.build_html(all_view, with_charts=False)
    unreviewed = ds.incidents[ds.incidents["review_status"] == "unreviewed"]["incident_id"]
    assert len(unreviewed) and not any(f">{iid} ·" in document or f"({iid})" in document for iid in unreviewed)
    with_candidates = make_view(ds, query.from_query({"border": "all", "preset": "all", "cand": "1"}), TODAY)
    assert len(with_candidates.candidates) == len(unreviewed)
    noted = brief.build_html(with_candidates, with_charts=False)
    assert f"{len(unreviewed)} unreviewed machine-extracted candidates in the view are left out" in noted
    disputed = all_view.reviewed[all_view.reviewed["disputed"]]
    assert len(disputed) and document.count("Sources disagree:") == len(disputed)


def test_paper_sizes_and_grayscale_styles(view):
    a4 = brief.build_html(view, "a4", with_charts=False)
    letter = brief.build_html(view, "letter", with_charts=False)
    assert "size: A4" in a4 and "size: Letter" in letter
    with pytest.raises(ValueError):
        brief.build_html(view, "a3")
    css = a4.split("<style>", 1)[1].split("</style>", 1)[0]
    # text and rules in black/greys only: nothing in the brief's own styling relies on hue
    for colour in re.findall(r"#[0-9a-fA-F]{3,6}\b", css):
        h = colour.lstrip("#")
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
        assert r == g == b, colour


def test_hostile_text_stays_text():
    hostile = dataset.load(HOSTILE)
    v = make_view(hostile, query.from_query({"border": "all", "preset": "all"}), TODAY)
    document = brief.build_html(v, with_charts=False)
    assert "<script" not in document.lower() and "<img" not in document.lower()
    assert "&lt;script&gt;" in document
    hrefs = [a.get("href", "") for t, a in parse(document).tags if t == "a"]
    assert all(h.startswith(("http://", "https://")) for h in hrefs)


def test_without_chromium_html_keeps_everything_but_the_charts(view, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    document = brief.build_html(view)
    assert "<svg" not in document and "Chart not included" in document and "Chromium" in document
    assert "Sources (17)" in document
    with pytest.raises(render.ExportUnavailable, match="Chromium"):
        brief.build_pdf(view)


@pytest.mark.browser  # charts drawn and PDF printed by Chromium
def test_pdf_a4_has_selectable_headline_figures_and_sources(pdf_a4, view):
    assert pdf_a4.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf_a4))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = squash("\n".join(p.extract_text() for p in reader.pages))
    h = view.headline
    assert squash("Security incidents on the Afghanistan–Tajikistan border") in text
    assert squash(f"Incidents {h.incidents}") in text
    assert squash(f"sources' range {h.killed_low}–{h.killed_high}") in text
    assert squash("Injured " + ("unknown" if h.injured.total is None else f"{h.injured.total:,}")) in text
    assert squash("Change on previous period") in text and f"{h.change.delta:+d}" in text
    assert squash(view.sources["url"].iloc[0]) in text
    assert "Datathrough" in text and squash("GeoNames, geonames.org, licensed CC BY 4.0") in text
    assert len(reader.pages) >= 2


@pytest.mark.browser  # charts drawn and PDF printed by Chromium
def test_pdf_letter(view):
    reader = PdfReader(io.BytesIO(brief.build_pdf(view, "letter")))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
