"""Russian place names through natasha: location spans (NER) and normal forms for the gazetteer.

natasha's news NER model (slovnet, shipped inside the PyPI package; nothing is downloaded at run time) proposes
the spans a Russian text names as locations («участке Росровут района Деваштич Согдийской области» -> «Росровут
района», «Деваштич», «Согдийской области»); pymorphy3 (natasha's own morphology wrapper needs pymorphy2, which does
not run on Python 3.11+) gives their normal forms («Дарвазского района» -> «Дарвазский район», «Термезе» ->
«Термез»). Both feed `places.find_places`, which still decides through the one gazetteer index what a span names.
The models load on first use (about a second); the NER runs only on sentences that may report an event and where
the capitalised-name scan found no place, which keeps extraction above 50 articles a second.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

GENERIC = {  # generic words after a Russian place name: the gender its adjective takes in the normal form
    "район": "masc", "района": "masc", "районе": "masc", "районом": "masc",
    "область": "femn", "области": "femn", "областью": "femn",
    "провинция": "femn", "провинции": "femn", "провинцией": "femn",
    "уезд": "masc", "уезда": "masc", "уезде": "masc",
    "город": "masc", "города": "masc", "городе": "masc",
    "село": "neut", "села": "neut", "селе": "neut",
}

CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё-]+")


@cache
def _ner():
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding())


@cache
def _one_thread():
    """Numpy's BLAS limited to one thread while the NER runs: its matrices are small, and OpenBLAS threads waking for
    each of them made a sentence take 70 ms instead of 3 (threadpoolctl; no effect without it)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


@cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def available() -> bool:
    """Are natasha and pymorphy3 installed (both are dependencies; a stripped install falls back to the scan)?"""
    try:
        import natasha  # noqa: F401
        import pymorphy3  # noqa: F401
    except ImportError:
        return False
    return True


def warm_up() -> None:
    """Load the NER model and the morphology dictionaries (and run them once, so the first article is not slow)."""
    if available():
        location_spans("Пограничники Таджикистана задержали нарушителей в Дарвазском районе.")
        normal_forms("Дарвазского района")


def location_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every span natasha's NER tags as a location in `text` (one sentence)."""
    if not available():
        return []
    controller = _one_thread()
    if controller is None:
        markup = _ner()(text)
    else:
        with controller.limit(limits=1, user_api="blas"):
            markup = _ner()(text)
    return [(s.start, s.stop) for s in markup.spans if s.type == "LOC"]


@lru_cache(maxsize=65536)
def normal_forms(phrase: str) -> tuple[str, ...]:
    """Normal forms of a Russian place phrase, most specific first: «Дарвазского района» -> ('Дарвазский район',
    'Дарвазский'); «Термезе» -> ('Термез',); () when the phrase has no Cyrillic words or nothing changes."""
    if not available():
        return ()
    words = CYRILLIC_WORD.findall(phrase)
    if not words:
        return ()
    morph = _morph()
    gender = next((GENERIC[w.casefold()] for w in reversed(words) if w.casefold() in GENERIC), None)
    out = []
    for w in words:
        if w.casefold() in GENERIC:
            out.append(morph.parse(w)[0].normal_form)
            continue
        form = _nominative(morph, w, gender)
        out.append(form[:1].upper() + form[1:] if w[:1].isupper() else form)
    name = " ".join(o for o, w in zip(out, words) if w.casefold() not in GENERIC)
    full = " ".join(out)
    got = tuple(dict.fromkeys(x for x in (full, name) if x and x != phrase))
    return got


def _nominative(morph, word: str, gender: str | None) -> str:
    """The nominative singular of `word`: an adjective agreeing with the generic noun after it («Согдийской
    области» -> согдийская), a noun or a name in its dictionary form («Термезе» -> термез)."""
    for p in morph.parse(word):
        if p.tag.POS in ("ADJF", "PRTF"):
            wanted = {"nomn", "sing"} | ({gender} if gender else set())
            inflected = p.inflect(wanted)
            return inflected.word if inflected else p.normal_form
        if p.tag.POS == "NOUN":
            return p.normal_form
    return morph.parse(word)[0].normal_form
