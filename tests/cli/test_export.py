"""`incidents export chart|data` and `incidents brief`: real files, same filters as the dashboard."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from incidents import cli, dataset
from incidents.cli import export as export_cli
from incidents.schema import REVIEWED
from incidents.view import filters, query
from incidents.export import figures as fe
from incidents.export import words

HERE = Path(__file__).resolve().parents[1]
ROOT = HERE.parent
DASH = HERE / "fixtures" / "dashboard"
FILTERS = ["--from", "2025-11-01", "--to", "2026-11-30", "--border", "AFG-TJK", "--type", "remote_violence"]


@pytest.fixture(scope="module")
def ds():
    return dataset.load(DASH)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([*argv, "--data", str(DASH)])
    out = capsys.readouterr()
    return code, out.out, out.err


def expected(ds, params) -> pd.DataFrame:
    shown = filters.apply(ds.incidents, query.from_query(params, filters.options(ds.incidents)), date.today(),
                          ds.sources)
    return shown[shown["review_status"].isin(REVIEWED)]  # exports of a view carry its reviewed records


def args_for(*argv):
    return cli.build_parser().parse_args(["export", "data", "--out", "x.csv", *argv])


def test_options_are_the_dashboards_query_parameters(ds):
    a = args_for(*FILTERS, "--border", "KGZ-TJK", "--min-killed", "1", "--q", "drone strike", "--agg", "week")
    q = export_cli.query_from_args(a)
    assert q == {"from": ["2025-11-01"], "to": ["2026-11-30"], "preset": ["custom"],
                 "border": ["AFG-TJK", "KGZ-TJK"], "type": ["remote_violence"], "min_killed": ["1"],
                 "q": ["drone strike"], "agg": ["week"]}
    state = export_cli.state_from_args(a, ds)
    # the dashboard writes exactly these parameters for this state, and reads them back to it
    assert query.query_equal(query.to_query(state), q)
    assert query.from_query(query.to_query(state)) == state
    assert export_cli.state_from_args(args_for("--border", "all"), ds).borders == ()
    # no option: the dashboard's default view, but every date (the command line's documented default)
    assert export_cli.state_from_args(args_for(), ds) == filters.FilterState(preset="all")
    # a link without a period is the view that link opens on the dashboard: the last 365 days
    assert export_cli.state_from_args(args_for("--link", "/?border=all"), ds).preset == filters.DEFAULT_PRESET


def test_a_pasted_dashboard_link_is_a_view(ds):
    link = "http://127.0.0.1:8501/?border=all&type=armed_clash&type=remote_violence&preset=365"
    state = export_cli.state_from_args(args_for("--link", link), ds)
    assert state.borders == () and state.event_types == ("armed_clash", "remote_violence") and state.preset == "365"
    over = export_cli.state_from_args(args_for("--link", link, "--type", "border_tension"), ds)
    assert over.event_types == ("border_tension",) and over.borders == ()


def test_unknown_filter_value_is_an_error(capsys, tmp_path):
    code, out, err = run(capsys, "export", "data", "--out", str(tmp_path / "x.csv"), "--type", "armed_clsh")
    assert code == 1 and "armed_clsh" in err and "armed_clash" in err
    assert not (tmp_path / "x.csv").exists()
    with pytest.raises(SystemExit):
        cli.main(["export", "data", "--out", str(tmp_path / "x.csv"), "--from", "01.11.2025"])


def test_export_data_csv_respects_filters(capsys, tmp_path, ds):
    out_file = tmp_path / "view.csv"
    code, out, _ = run(capsys, "export", "data", "--format", "csv", "--out", str(out_file), *FILTERS)
    assert code == 0 and str(out_file) in out
    back = pd.read_csv(out_file, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    want = expected(ds, {"from": "2025-11-01", "to": "2026-11-30", "border": "AFG-TJK", "type": "remote_violence"})
    assert 0 < len(back) < len(ds.incidents)
    assert sorted(back["incident_id"]) == sorted(want["incident_id"])
    assert set(back["event_type"]) == {"remote_violence"} and set(back["border"]) == {"AFG-TJK"}


def test_export_data_geojson_and_xlsx(capsys, tmp_path, ds):
    gj_file, xl_file = tmp_path / "view.geojson", tmp_path / "view.xlsx"
    assert run(capsys, "export", "data", "--out", str(gj_file), "--border", "all")[0] == 0
    gj = json.loads(gj_file.read_text(encoding="utf-8"))
    assert gj["type"] == "FeatureCollection"
    records = ds.incidents[ds.incidents["review_status"].isin(REVIEWED)]  # no unreviewed candidate by default
    assert len(gj["features"]) == records["latitude"].notna().sum()
    assert {f["properties"]["review_status"] for f in gj["features"]} <= set(REVIEWED)
    assert all(f["geometry"]["type"] == "Point" and len(f["geometry"]["coordinates"]) == 2 for f in gj["features"])
    assert run(capsys, "export", "data", "--out", str(xl_file), *FILTERS)[0] == 0
    wb = openpyxl.load_workbook(xl_file)
    assert wb.sheetnames == ["incidents", "sources", "columns"]
    ids = {r[0] for r in wb["incidents"].iter_rows(min_row=2, values_only=True)}
    assert ids and {r[0] for r in wb["sources"].iter_rows(min_row=2, values_only=True)} <= ids


@pytest.mark.browser  # renders with Chromium (kaleido, print to PDF)
@pytest.mark.parametrize("chart,fmt", [("timeline", "png"), ("map", "svg"), ("aggregate", "pdf")])
def test_export_chart_writes_valid_files(capsys, tmp_path, chart, fmt):
    target = tmp_path / f"{chart}.{fmt}"
    code, out, err = run(capsys, "export", "chart", "--chart", chart, "--format", fmt, "--out", str(target), *FILTERS)
    assert code == 0, err
    data = target.read_bytes()
    if fmt == "png":
        w, h = fe.SIZES[chart]
        assert Image.open(io.BytesIO(data)).size == (2 * w, 2 * h)
        assert f"{2 * w}×{2 * h} px" in out
    elif fmt == "svg":
        text = " ".join(ET.fromstring(data).itertext())
        assert "Where security incidents happened" in text and "Type: remote violence" in text
    else:
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert "per month" in text and "Type: remote violence" in text
    assert "Type: remote violence" in out  # the command says what it exported


@pytest.mark.browser  # renders with Chromium (kaleido, print to PDF)
def test_format_from_suffix_width_and_title(capsys, tmp_path):
    target = tmp_path / "slide.png"
    code, _, _ = run(capsys, "export", "chart", "--chart", "map", "--out", str(target), "--width", "900",
                     "--scale", "1", "--title", "Custom title")
    assert code == 0 and Image.open(target).size[0] == 900
    code, _, err = run(capsys, "export", "chart", "--chart", "map", "--out", str(tmp_path / "x.gif"))
    assert code == 1 and "--format" in err


@pytest.mark.browser  # renders with Chromium (kaleido, print to PDF)
def test_brief_pdf_and_html(capsys, tmp_path, ds):
    pdf, page = tmp_path / "brief.pdf", tmp_path / "brief.html"
    code, out, err = run(capsys, "brief", "--out", str(pdf), "--paper", "letter", *FILTERS)
    assert code == 0, err
    reader = PdfReader(pdf)
    assert round(float(reader.pages[0].mediabox.height)) == 792
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Headline figures" in text and "example.org/fixture" in text
    assert "reopen in the dashboard: http://127.0.0.1:8501/?" in out
    code, out, _ = run(capsys, "brief", "--out", str(page), "--base-url", "https://bw.example.net/", *FILTERS)
    document = page.read_text(encoding="utf-8")
    assert code == 0 and "<svg" in document and "https://bw.example.net/?preset=custom" in document


def _subprocess(*argv, env=None):
    return subprocess.run([sys.executable, "-m", "incidents", *argv, "--data", str(DASH)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.slow
def test_missing_chromium_says_so_plainly(tmp_path):
    env = {"BROWSER_PATH": "/nonexistent"}
    for argv in (["export", "chart", "--chart", "map", "--out", str(tmp_path / "m.png")],
                 ["brief", "--out", str(tmp_path / "b.pdf")],
                 ["brief", "--out", str(tmp_path / "b.html")]):
        p = _subprocess(*argv, env=env)
        assert p.returncode == 1, p.stderr
        assert p.stderr.startswith("error: ") and "Chromium" in p.stderr and "apt-get install chromium" in p.stderr
        assert "Traceback" not in p.stderr
    assert not list(tmp_path.iterdir())
    # data exports and the chart-less HTML brief still work
    assert _subprocess("export", "data", "--out", str(tmp_path / "d.csv"), env=env).returncode == 0
    p = _subprocess("brief", "--out", str(tmp_path / "b.html"), "--no-charts", env=env)
    assert p.returncode == 0 and "Sources (" in (tmp_path / "b.html").read_text(encoding="utf-8")


def test_a_bad_link_is_a_plain_error_not_a_traceback(capsys, tmp_path):
    code, out, err = run(capsys, "export", "data", "--out", str(tmp_path / "x.csv"),
                         "--link", "http://127.0.0.1:8501/?min_killed=%C2%B2&from=2026-02-30")
    assert code == 1 and "Traceback" not in out + err
    assert "min_killed='²' is not a whole number" in err and "from='2026-02-30' is not a date" in err
    code, out, err = run(capsys, "export", "data", "--out", str(tmp_path / "x.csv"),
                         "--link", "http://127.0.0.1:8501/?from=0001-01-01")
    assert code == 1 and "from='0001-01-01' is before 1991-01-01" in err
    assert " used" not in err  # the export refuses: it must not claim another date was used


def test_bbox_option_is_the_maps_area_filter(ds, capsys, tmp_path):
    assert export_cli.state_from_args(args_for("--bbox", "69,37,71,38.5"), ds).bbox == (69.0, 37.0, 71.0, 38.5)
    with pytest.raises(Exception, match="bbox='69,37,71' is not four numbers"):
        export_cli.state_from_args(args_for("--bbox", "69,37,71"), ds)
    out = tmp_path / "box.csv"
    assert run(capsys, "export", "data", "--out", str(out), "--border", "all", "--bbox", "69,37,71,38.5")[0] == 0
    import pandas as pd
    rows = pd.read_csv(out)
    assert len(rows) and rows["longitude"].between(69, 71).all() and rows["latitude"].between(37, 38.5).all()
