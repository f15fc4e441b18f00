"""The map as Chromium draws it: every located incident a separate marker on screen, inside the map, none overlapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents import charts, dataset

ROOT = Path(__file__).resolve().parents[2]

JS_MARKERS = """() => {
  const geo = document.querySelector('.js-plotly-plot .geo');
  const bg = geo.querySelector('.bglayer rect, rect.bg') || geo;
  const box = bg.getBoundingClientRect();
  const pts = [...geo.querySelectorAll('.scatterlayer path.point')].map(p => {
      const r = p.getBoundingClientRect();
      return [r.x + r.width / 2, r.y + r.height / 2, Math.max(r.width, r.height)]; });
  return {pts, box: [box.x, box.y, box.width, box.height]};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("border, size", [(None, (1300, 560)), ("AFG-TKM", (1300, 560)), (None, (1200, 480)),
                                          ("AFG-TJK", (1200, 480))])
def test_markers_on_screen_are_distinct_inside_and_apart(browser, tmp_path, border, size):
    df = dataset.load(ROOT / "data").incidents
    df = df if border is None else df[df["border"] == border]
    fig = charts.map_figure(df, height=size[1], width=size[0])
    path = tmp_path / "map.html"
    fig.write_html(path, include_plotlyjs=True, config={"scrollZoom": False})
    page = browser.new_page(viewport={"width": size[0] + 40, "height": size[1] + 60})
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".geo .scatterlayer path.point", timeout=20_000)
        got = page.evaluate(JS_MARKERS)
    finally:
        page.close()
    located = int(charts.mappable(df).sum())
    pts, (bx, by, bw, bh) = got["pts"], got["box"]
    assert len(pts) == located
    assert len({(round(x), round(y)) for x, y, _ in pts}) == located  # as many places on screen as incidents
    for x, y, _ in pts:
        assert bx - 1 <= x <= bx + bw + 1 and by - 1 <= y <= by + bh + 1, (x, y, got["box"])
    for i, (x, y, s) in enumerate(pts):
        for u, v, t in pts[i + 1:]:
            assert ((x - u) ** 2 + (y - v) ** 2) ** 0.5 >= (s + t) / 2 - 2, ((x, y, s), (u, v, t))
