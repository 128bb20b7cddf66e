"""Finding places: tolerant text search and the finder's filters.

Searching is tolerant of case, spacing, accents and small typos; the same rule is
mirrored in ``geoapp/web/static/finder/finder.js`` so that it also works offline.
Core module: no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rapidfuzz.distance import OSA

from geoapp.places.distance import nearest
from geoapp.places.model import Place, PlaceQuery
from geoapp.values.names import normalise_name


def _typo_budget(token: str) -> int:
    """Edits allowed for one query word: none below 4 letters, 1 up to 7, else 2."""
    return 0 if len(token) < 4 else (1 if len(token) < 8 else 2)


def _token_matches(token: str, words: Sequence[str]) -> bool:
    budget = _typo_budget(token)
    for word in words:
        if word.startswith(token):
            return True
        if budget and OSA.distance(token, word, score_cutoff=budget) <= budget:
            return True
    return False


def text_matches(query: str, text: str) -> bool:
    """Whether ``query`` finds ``text``: every query word starts a word of the text or is
    within a small typo of one, or the query without spaces occurs in the text without
    spaces. Case, accents, punctuation and spacing do not matter."""
    q = normalise_name(query)
    if not q:
        return True
    t = normalise_name(text)
    if q.replace(" ", "") in t.replace(" ", ""):
        return True
    words = t.split()
    return all(_token_matches(token, words) for token in q.split())


def _haystack(place: Place) -> str:
    """What a search looks in: name, theme, kelurahan and kecamatan names (finder.js too)."""
    return " ".join(t for t in (place.name, place.theme, place.kelurahan, place.kecamatan) if t)


def search_places(places: Iterable[Place], query: str | None) -> list[Place]:
    """Places whose name, theme, kelurahan or kecamatan matches ``query`` (see
    ``text_matches``), in input order."""
    items = list(places)
    if not query or not normalise_name(query):
        return items
    return [p for p in items if text_matches(query, _haystack(p))]


def filter_places(places: Iterable[Place], query: PlaceQuery) -> list[Place]:
    """Apply kind/theme/kecamatan/kelurahan filters and the search; nearest first when
    ``query`` has a point (places without coordinates then follow, unranked), else in
    input order (kind and name)."""
    out = [p for p in places
           if (query.kind is None or p.kind == query.kind)
           and (query.theme is None or _same(p.theme, query.theme))
           and (query.kecamatan is None or p.kode_kecamatan == query.kecamatan)
           and (query.kelurahan is None or p.kode == query.kelurahan)]
    out = search_places(out, query.q)
    if query.near is not None:
        return [p for p, _ in nearest(out, *query.near)] + [p for p in out if not p.located]
    return out


def _same(a: str | None, b: str) -> bool:
    return a is not None and normalise_name(a) == normalise_name(b)
