"""News intake: outlets' feeds and pages to stored articles (<data>/articles) and review-queue candidates."""

#     from incidents.intake import Options, Intake
#     summary = Intake(Options(data_dir=Path("data"), feeds=["https://.../rss"])).run()
#     print(summary.line())
#
# Modules: sources (data/feeds.toml), http (polite cached fetching), feeds (feedparser), page (trafilatura,
# htmldate, language), archive (article files, duplicate keys), prefilter (which articles go to extraction),
# extraction (the extractor on stored articles), queue (appending to data/extracted.csv; `new_since`,
# `article_info` for the review page), run (one run), schedule (`--every`). Nothing here is imported by
# `import incidents`; nothing fetches unless `incidents fetch` is run.

from __future__ import annotations

__all__ = ["Intake", "Options", "Summary"]


def __getattr__(name: str):
    if name in __all__:
        from . import run

        return getattr(run, name)
    raise AttributeError(name)
