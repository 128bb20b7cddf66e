"""Whether a written name may be a typo of a gazetteer name: the fuzzy rules.

A small edit distance for the name's length, the same distinguishing words (Utara,
Barat, Jaya...) word by word, and no stray short words.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, Indel

from geoapp.matching.gazetteer import Gazetteer
from geoapp.values.names import name_keys, normalise_name

# Words that tell sibling kelurahan apart: "Panunggangan" vs "Panunggangan Utara".
DISTINGUISHING = frozenset({
    "utara", "selatan", "barat", "timur", "tengah", "jaya", "baru", "indah", "makmur",
    "sari", "raya", "wetan", "kulon", "lor", "kidul", "permai", "asri", "mulya", "mulia",
    "lama", "hilir", "hulu", "ilir", "udik", "atas", "bawah", "dalam", "luar", "besar",
    "kecil", "anyar", "pinang", "satu", "dua", "tiga", "empat", "i", "ii", "iii", "iv", "v",
    "vi", "vii", "viii", "ix", "x",
})


# Two spellings of one distinguishing word (both "downstream"): they agree.
SAME_WORD = {"ilir": "hilir"}


def allowed_edits(length: int) -> int:
    """Typos tolerated for a name of ``length`` letters (spacing-free)."""
    if length < 6:
        return 0
    return 1 if length < 12 else 2


_TYPO_WORDS = tuple(sorted(w for w in DISTINGUISHING if len(w) >= 4))


@lru_cache(maxsize=65536)
def dist_word(token: str) -> str | None:
    """The distinguishing word a token stands for, allowing one typo in longer tokens
    (one near word, and no other word that merely starts with the token)."""
    if token in DISTINGUISHING:
        return token
    if len(token) < 3:
        return None
    near = [w for w in _TYPO_WORDS if abs(len(w) - len(token)) <= 1 and OSA.distance(token, w) <= 1]
    if len(near) != 1:
        return None
    return near[0] if all(w == near[0] or not w.startswith(token) for w in DISTINGUISHING) else None


def dist_set(tokens: list[str]) -> frozenset[str]:
    return frozenset(w for w in (dist_word(t) for t in tokens) if w)


def variants_of(text: str) -> list[tuple[list[str], str]]:
    """(tokens, spacing-free key) for every spaced comparison key of ``text``.

    Spacing-free keys of multi-word keys are left out so that the word rules
    (distinguishing words, short words) always see the words as written.
    """
    keys = name_keys(text)
    joined = {k.replace(" ", "") for k in keys if " " in k}
    return [(k.split(), k.replace(" ", "")) for k in keys if " " in k or k not in joined]


GLUED = -1   # marker: word counts differ, words cannot be compared one to one


def _words_agree(v_tokens: list[str], tokens: list[str]) -> bool:
    """Word by word, distinguishing words agree (one typo allowed in words of 3+ letters)."""
    for a, b in zip(v_tokens, tokens, strict=True):
        if SAME_WORD.get(a, a) == SAME_WORD.get(b, b):
            continue
        if a not in DISTINGUISHING and b not in DISTINGUISHING:
            continue
        if a in DISTINGUISHING or len(a) < 3 or OSA.distance(a, b) > 1:
            return False
    return True


def _letter_dropped(v_tokens: list[str], tokens: list[str], i: int) -> bool:
    """Written word ``i`` is a two-letter word with one letter of the candidate's word in
    the same place dropped ("We Namba" for Wee Namba, "Ai Dikit" for Air Dikit)."""
    if len(v_tokens) != len(tokens) or len(v_tokens[i]) != 2:
        return False
    return len(tokens[i]) == 3 and Indel.distance(v_tokens[i], tokens[i]) == 1


def safe_fuzzy(variant: tuple[list[str], str], tokens: list[str], compact: str) -> int | None:
    """The margin a rival must keep when ``variant`` may be a typo of the candidate, else None.

    Same word count: the distinguishing words must agree word by word, and no rival
    kelurahan may be within one more edit. Different word count (spacing lost or
    added): returns GLUED, the caller widens the margin when distinguishing words are
    involved. Words of one or two letters the candidate lacks always block ("Cipadu J"),
    unless a two-letter word is the candidate's three-letter word there with one letter
    dropped.
    """
    v_tokens, v_compact = variant
    if OSA.distance(v_compact, compact) > allowed_edits(len(compact)):
        return None
    if any(len(t) <= 2 and t not in tokens and not _letter_dropped(v_tokens, tokens, i)
           for i, t in enumerate(v_tokens)):
        return None
    if len(v_tokens) != len(tokens):
        return GLUED
    return 1 if _words_agree(v_tokens, tokens) else None


CLOSE, TYPO = 1, 2


def close_spelling(gaz: Gazetteer, text: str | None, row: int) -> int:
    """How close ``text`` is to kelurahan ``row``'s name: 0 not close; CLOSE by the fuzzy
    rules (edits for its length, distinguishing words agree, no stray short words); TYPO
    when, on top of that, spacing and one letter dropped or added are the only difference
    (``CIHIDEUNGHILIR`` for Cihideung Ilir; a changed letter, ``Cipayung`` for Sipayung,
    is not one: it often makes another real name)."""
    if text is None or not normalise_name(text):
        return 0
    tokens = normalise_name(gaz.nama[row]).split()
    compact = gaz.compact_names[row]
    variants = [v for v in variants_of(text) if safe_fuzzy(v, tokens, compact) is not None]
    if not variants:
        return 0
    return TYPO if any(Indel.distance(c, compact) <= 1 for _, c in variants) else CLOSE
