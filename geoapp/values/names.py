"""Place-name normalisation for Indonesian administrative names.

``normalise_name`` gives one canonical spelling (casefolded, no accents, no
punctuation, no administrative prefix). ``name_keys`` gives every comparison key
one written name stands for: abbreviations expanded, pre-1972 spelling
modernised, alternates in brackets, and a spacing-free key. Matching a name
against a list of places means intersecting their key sets.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Administrative prefixes written before a name (already normalised: no dots).
# "Kota" and "Kab." are not among them: below the kabupaten/kota level they are part of a
# name ("Kota Agung", "Kota Baru", "Kotabatu"; "Kab" is a typo of "Kabu Blang Sapek" more
# often than a prefix of a desa), and city phrases in a kecamatan column are read by the
# kecamatan resolver itself.
PREFIXES = frozenset({
    "kel", "kelurahan", "lurah", "desa", "ds", "kec", "kecamatan",
    "kelurahandesa", "desakelurahan",
})
# First words of a bracketed remark naming a higher level, not an alternate name.
HIGHER_LEVEL_WORDS = frozenset({"kec", "kecamatan", "kota", "kab", "kabupaten", "provinsi"})
# Prefixes that are also real names are only dropped before another word: the desa
# "Lurah" (32.09.18.2003) and "Desa" stay when nothing else follows.
_KEEP_ALONE = frozenset({"desa", "lurah"})

# Abbreviations as they appear in spreadsheets -> full word.
ABBREVIATIONS = {
    "pd": "pondok", "pdk": "pondok", "ps": "pasar", "psr": "pasar", "kb": "kebon",
    "kbn": "kebon", "krg": "karang", "krng": "karang", "utr": "utara", "ut": "utara",
    "sel": "selatan", "slt": "selatan", "sltn": "selatan", "brt": "barat", "bart": "barat",
    "tmr": "timur", "tim": "timur", "ind": "indah", "ids": "indah", "br": "baru",
    "jy": "jaya", "tgh": "tengah", "tng": "tengah", "kdg": "kedaung", "mkmr": "makmur",
    "mkm": "makmur", "tj": "tanjung", "tjg": "tanjung", "kep": "kepulauan",
    "kepl": "kepulauan", "kpl": "kepulauan", "p": "pulau", "pl": "pulau", "kp": "kampung",
    "kpg": "kampung", "tg": "tanjung", "sg": "sungai", "sei": "sungai", "gn": "gunung",
    "gng": "gunung", "bkt": "bukit", "smp": "simpang", "spg": "simpang",
}
# Pre-1972 (van Ophuijsen / Soewandi) spelling -> EYD. "j" (old y) is optional.
_OLD_FULL = {"tj": "c", "dj": "j", "nj": "ny", "sj": "sy", "ch": "kh", "oe": "u", "j": "y"}
_OLD_FULL_RE = re.compile("tj|dj|nj|sj|ch|oe|j")
_OLD_PART_RE = re.compile("tj|dj|nj|sj|ch|oe")
_OLD_MARKERS = re.compile("tj|dj|oe|sj|ch|j")

_BRACKETS = re.compile(r"[\(\[\{]([^\)\]\}]*)[\)\]\}]?")
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bc]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# A closing roman numeral keeps its space: "Silalahi II" glued is "silalahiii", which is
# also "Silalah III" glued.
_ROMAN = re.compile("[ivx]+")
_CAMEL = re.compile(r"(?<=[a-z]{3})(?=[A-Z])")     # "PorisGaga" -> "Poris Gaga"


def _fold(text: str) -> str:
    """Casefold and drop accents and punctuation; words separated by single spaces."""
    text = _CAMEL.sub(" ", unicodedata.normalize("NFKD", str(text)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def name_words(text: str) -> list[str]:
    """The folded words of a written name, prefixes kept: ``'Kec. Larangan'`` -> ``['kec', 'larangan']``."""
    return [] if text is None else _fold(str(text)).split()


def _strip_prefixes(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0] in PREFIXES:
        words = words[1:]
    if len(words) == 1 and words[0] in PREFIXES and words[0] not in _KEEP_ALONE:
        return []
    return words


def normalise_name(text: str) -> str:
    """Canonical form of one place name: ``'KEL. Suka-Asih '`` -> ``'suka asih'``."""
    if text is None:
        return ""
    return _normalise_cached(str(text))


@functools.lru_cache(maxsize=65536)
def _normalise_cached(text: str) -> str:
    return " ".join(_strip_prefixes(_fold(text).split()))


def _split_alternates(text: str) -> list[str]:
    """``'Padurenan (Pedurenan)'`` -> ``['Padurenan', 'Pedurenan']``.

    A bracket naming a higher level (``(Kec. Cibodas)``, ``(Kota Tangerang)``) is not an
    alternate name and is dropped.
    """
    text = str(text)
    inner = [m.group(1) for m in _BRACKETS.finditer(text)]
    inner = [p for p in inner if (_fold(p).split() or [""])[0] not in HIGHER_LEVEL_WORDS]
    outer = _BRACKETS.sub(" ", text)
    return [part for part in [outer, *inner] if part.strip()]


def expand_abbreviations(name: str) -> str:
    """Replace abbreviated words of a normalised name by their full form."""
    return " ".join(ABBREVIATIONS.get(w, w) for w in name.split())


def modern_spellings(name: str) -> list[str]:
    """Pre-1972 spelling read as modern spelling (``tjipondoh`` -> ``cipondoh``); may be empty."""
    if not _OLD_MARKERS.search(name):
        return []
    full = _OLD_FULL_RE.sub(lambda m: _OLD_FULL[m.group(0)], name)
    part = _OLD_PART_RE.sub(lambda m: _OLD_FULL[m.group(0)], name)
    return [part, full]


def _keys_of_part(part: str) -> list[str]:
    base = normalise_name(part)
    if not base:
        return []
    spaced = [base, expand_abbreviations(base)]
    for name in list(spaced):
        spaced.extend(modern_spellings(name))
    keys = []
    for name in spaced:
        keys.append(name)
        words = name.split()
        if not (len(words) > 1 and _ROMAN.fullmatch(words[-1])):
            keys.append(name.replace(" ", ""))
    return keys


def name_keys(text: str) -> list[str]:
    """All comparison keys of one written name, the most literal first, without duplicates."""
    if text is None:
        return []
    return list(_keys_cached(str(text)))


@functools.lru_cache(maxsize=65536)
def _keys_cached(text: str) -> tuple[str, ...]:
    keys: list[str] = []
    for part in _split_alternates(text):
        for key in _keys_of_part(part):
            if key and key not in keys:
                keys.append(key)
    return tuple(keys)


def compact(name: str) -> str:
    """The spacing-free form of a normalised name."""
    return name.replace(" ", "")
