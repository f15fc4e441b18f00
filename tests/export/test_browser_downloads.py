"""Real browser: `streamlit run dashboard.py` in Debian's Chromium; click download buttons, get valid files.

The buttons' data is deferred (rendered on click, in Streamlit's download handler thread), so these
tests exercise the whole path: button -> kaleido / headless Chromium -> file in the browser.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from browser_support import open_dashboard, streamlit_server, wait_idle
from incidents.export import figures as fe
from incidents.export import words

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parents[1]
DASH = HERE / "fixtures" / "dashboard"


@pytest.fixture(scope="module")
def page(browser):
    with streamlit_server(DASH) as url:
        pg, log, _ = open_dashboard(browser, url + "/?type=remote_violence")
        wait_idle(pg)
        yield pg
        pg.close()
        assert log.external == [], f"requests left the machine: {log.external[:5]}"


def download(page, key: str, tmp_path: Path, timeout_ms: int = 90_000) -> tuple[bytes, str, float]:
    button = page.locator(f".st-key-{key} button").first
    button.scroll_into_view_if_needed()
    t0 = time.perf_counter()
    with page.expect_download(timeout=timeout_ms) as info:
        button.click()
    d = info.value
    target = tmp_path / d.suggested_filename
    d.save_as(target)
    return target.read_bytes(), d.suggested_filename, time.perf_counter() - t0


def test_map_png_button_downloads_a_2x_png(page, tmp_path):
    data, name, secs = download(page, "dl-map-png", tmp_path)
    assert name.startswith("borderwatch_map_AFG-TJK") and name.endswith(".png")
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.width == 2 * fe.SIZES["map"][0]
    print(f"map PNG download: {secs:.2f} s")


def test_timeline_svg_button_carries_the_filters(page, tmp_path):
    data, name, _ = download(page, "dl-timeline-svg", tmp_path)
    assert name.endswith(".svg") and data.lstrip().startswith(b"<svg")
    assert b"Type: remote violence" in data


def test_brief_button_downloads_a_pdf_of_the_view(page, tmp_path):
    data, name, secs = download(page, "dl-brief-pdf", tmp_path)
    assert name.endswith(".pdf") and data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Headline figures" in text and "type: remote violence" in text
    assert "example.org/fixture" in text and "type=remote_violence" in text.replace("\n", "")
    print(f"brief PDF download: {secs:.2f} s")


def test_csv_button_downloads_the_filtered_rows(page, tmp_path):
    data, name, _ = download(page, "dl-data-csv", tmp_path)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert len(back) > 0 and set(back["event_type"]) == {"remote_violence"}
