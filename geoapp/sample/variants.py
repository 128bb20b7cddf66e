"""Realistic misspellings of kelurahan and kecamatan names, as city offices type them.

Every variant stays recoverable by a careful human: no variant spells another kelurahan
of the city, and a typo stays clearly closer to its own name than to any other.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import Levenshtein

from geoapp.sample.reference import load_kelurahan

NAME_PREFIXES = ("Kel. ", "KEL ", "Kel ", "Kelurahan ", "Desa ", "KEL. ")
KECAMATAN_PREFIXES = ("Kec. ", "KEC. ", "Kecamatan ", "Kec ")
ABBREVIATIONS = {
    "Pondok": ("Pd.",),
    "Pasar": ("Ps.",),
    "Kebon": ("Kb.",),
    "Karang": ("Krg.",),
    "Utara": ("Utr", "Utr."),
    "Selatan": ("Sel.", "Sltn"),
    "Barat": ("Brt", "Brt."),
    "Timur": ("Tmr",),
    "Indah": ("Ind.",),
}
# Alternate spellings seen in older documents and on signboards.
ALTERNATES = {
    "Padurenan": "Pedurenan",
    "Keroncong": "Kroncong",
    "Belendung": "Blendung",
    "Gerendeng": "Grendeng",
    "Neroktog": "Nerogtog",
    "Selapajang Jaya": "Selapanjang Jaya",
    "Pakojan": "Pekojan",
    "Ciledug": "Cileduk",
    "Paninggilan": "Peninggilan",
    "Sangiang Jaya": "Sangiyang Jaya",
}
SPLIT_PREFIX = re.compile(r"\b(Suka|Batu|Jati|Ganda|Juru|Negla)(?=[a-z]{3})")
# Pre-1972 (Van Ophuijsen / Soewandi) spellings, applied in one pass.
OLD_SPELLING = {"c": "tj", "j": "dj", "y": "j", "u": "oe"}
_PREFIX_WORDS = re.compile(r"^(kelurahan|kel|desa|kecamatan|kec)\b\.?", re.IGNORECASE)

MESSY_KINDS = ("case", "spaces", "prefix", "spacing", "alternate", "typo", "old", "abbrev")
KIND_WEIGHTS = np.array([0.2, 0.12, 0.18, 0.12, 0.06, 0.12, 0.08, 0.12])


def name_key(text: str) -> str:
    """Lower-case letters only, without a leading Kel./Desa/Kec. word."""
    stripped = _PREFIX_WORDS.sub("", text.strip())
    return re.sub(r"[^a-z]", "", stripped.lower())


@lru_cache(maxsize=1)
def reference_keys() -> dict[str, str]:
    """name key -> reference name, for the kelurahan of the city."""
    return {name_key(k.nama): k.nama for k in load_kelurahan()}


def _apply_case(text: str, rng: np.random.Generator) -> str:
    choice = rng.integers(3)
    if choice == 0:
        return text.upper()
    if choice == 1:
        return text.lower()
    return text.title() if text.title() != text else text.upper()


def _apply_spaces(text: str, rng: np.random.Generator) -> str:
    choice = rng.integers(3)
    if choice == 0:
        return "  " + text
    if choice == 1:
        return text + "   "
    return text.replace(" ", "  ", 1) if " " in text else " " + text + " "


def _apply_prefix(text: str, rng: np.random.Generator) -> str:
    return NAME_PREFIXES[rng.integers(len(NAME_PREFIXES))] + text


def _apply_spacing(text: str, rng: np.random.Generator) -> str | None:
    if SPLIT_PREFIX.search(text) and rng.random() < 0.7:
        return _split_compound(text)
    words = text.split(" ")
    if len(words) < 2:
        return None
    i = int(rng.integers(len(words) - 1))
    joined = words[i] + words[i + 1].lower()
    return " ".join(words[:i] + [joined] + words[i + 2 :])


def _split_compound(text: str) -> str:
    def cut(m: re.Match[str]) -> str:
        return m.group(1) + " "

    parts = SPLIT_PREFIX.sub(cut, text, count=1).split(" ")
    return " ".join(p[:1].upper() + p[1:] for p in parts)


def _apply_alternate(text: str, rng: np.random.Generator) -> str | None:
    alt = ALTERNATES.get(text)
    if alt is None:
        return None
    return f"{text} ({alt})" if rng.random() < 0.6 else alt


def _apply_old(text: str, rng: np.random.Generator) -> str | None:
    def swap(m: re.Match[str]) -> str:
        old = OLD_SPELLING[m.group(0).lower()]
        return old.capitalize() if m.group(0).isupper() else old

    out = re.sub("[cjyu]", swap, text, flags=re.IGNORECASE)
    return None if out == text else out


def _apply_abbrev(text: str, rng: np.random.Generator) -> str | None:
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if w in ABBREVIATIONS]
    if not spots:
        return None
    i = spots[int(rng.integers(len(spots)))]
    forms = ABBREVIATIONS[words[i]]
    words[i] = forms[int(rng.integers(len(forms)))]
    return " ".join(words)


def _apply_typo(text: str, rng: np.random.Generator) -> str | None:
    spots = [i for i in range(1, len(text)) if text[i].isalpha() and text[i - 1].isalpha()]
    if len(spots) < 8:
        return None
    i = spots[int(rng.integers(len(spots)))]
    op = rng.integers(4)
    if op == 0:
        letter = "aiueonrstk"[int(rng.integers(10))]
        return None if letter == text[i].lower() else text[:i] + letter + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i + 1 :]
    if op == 2:
        return text[:i] + text[i] + text[i:]
    if i - 1 not in spots or text[i - 1].lower() == text[i].lower():
        return None
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


_APPLY = {
    "case": _apply_case,
    "spaces": _apply_spaces,
    "prefix": _apply_prefix,
    "spacing": _apply_spacing,
    "alternate": _apply_alternate,
    "typo": _apply_typo,
    "old": _apply_old,
    "abbrev": _apply_abbrev,
}


# Kinds whose variant is recoverable only by being near the name (not by a known rule).
NEARNESS_KINDS = ("typo", "spacing")


def is_recoverable(variant: str, nama: str, *, by_nearness: bool = True) -> bool:
    """True when ``variant`` cannot be read as another kelurahan of the city.

    It never spells another kelurahan; with ``by_nearness`` it must also be at least two
    edits nearer to its own name than to any other (for typos and spacing changes).
    """
    key, own = name_key(variant), name_key(nama)
    keys = reference_keys()
    if key in keys and keys[key] != nama:
        return False
    own_distance = Levenshtein.distance(key, own)
    if own_distance == 0 or not by_nearness:
        return True
    others = [k for k, n in keys.items() if n != nama]
    if not others:
        return True
    nearest = min(Levenshtein.distance(key, k) for k in others)
    return nearest - own_distance >= 2


def messy_name(nama: str, rng: np.random.Generator) -> str:
    """One realistic messy variant of a kelurahan name (never the name itself).

    Kinds: case and extra spaces, prefixes (``Kel.``, ``Desa``), spacing
    (``Suka Asih``/``Batujaya``), bracketed alternates, one-letter typos in long names,
    pre-1972 spelling (``Tjipondoh``), abbreviations (``Pd.``, ``Utr``, ``Sel.``).
    """
    for _ in range(12):
        kind = MESSY_KINDS[int(rng.choice(len(MESSY_KINDS), p=KIND_WEIGHTS / KIND_WEIGHTS.sum()))]
        variant = _APPLY[kind](nama, rng)
        if variant is None:
            continue
        if kind not in ("case", "spaces", "prefix") and rng.random() < 0.3:
            variant = _APPLY[("case", "spaces", "prefix")[int(rng.integers(3))]](variant, rng)
        if variant != nama and is_recoverable(variant, nama, by_nearness=kind in NEARNESS_KINDS):
            return variant
    return nama.upper() if nama.upper() != nama else "  " + nama


def messy_kecamatan(nama: str, rng: np.random.Generator) -> str:
    """One messy variant of a kecamatan name (``Kec. Karawaci``, ``KARANG TENGAH``...)."""
    choice = int(rng.integers(6))
    if choice == 0:
        return KECAMATAN_PREFIXES[int(rng.integers(len(KECAMATAN_PREFIXES)))] + nama
    if choice == 1:
        return nama.upper()
    if choice == 2 and " " in nama:
        return nama.replace(" ", "")
    if choice == 2 and SPLIT_PREFIX.search(nama):
        return _split_compound(nama)
    if choice == 3 and nama in ALTERNATES:
        return ALTERNATES[nama]
    if choice == 4:
        return nama.lower()
    return " " + nama + "  "


def name_pool(nama: str, rng: np.random.Generator, size: int, *, kecamatan: bool = False) -> list[str]:
    """``size`` messy variants of one name (kelurahan, or kecamatan when asked)."""
    make = messy_kecamatan if kecamatan else messy_name
    return [make(nama, rng) for _ in range(size)]


def kode_text(kode: str, form: int) -> str:
    """A kode as typed: 0 dotted ``36.71.01.1001``, 1 plain ``3671011001``, 2 empty."""
    if form == 0:
        return kode
    if form == 1:
        return kode.replace(".", "")
    return ""
