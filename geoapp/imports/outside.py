"""Rows whose code lies outside the working area: the note says where they would belong.

The matcher never places such a row inside the area (it only knows the area's kelurahan);
this step looks the code up in the national gazetteer shipped with geoapp and adds the
place's names to the row's note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoapp.core.i18n import Msg
from geoapp.core.objects import object_mask
from geoapp.io.boundaries.national import hierarchy
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.types import MatchResult
from geoapp.values.codes import normalise_kode

OUTSIDE_PLACE = Msg(
    "wilayah.outside_place",
    "Code {kode} belongs to {place}, outside this working area; it was not placed inside it.",
)


def _place(kode: str, gaz: Gazetteer) -> str | None:
    """The national names of a code outside the gazetteer's area, or None."""
    if kode.count(".") < 2 or kode[:5] in gaz.regions:
        return None
    chain = hierarchy(kode)
    return ", ".join(nama for _, nama in chain) if chain else None


def _open_texts(kode_texts: pd.Series | object, rows: np.ndarray) -> np.ndarray:
    """The code texts of ``rows`` as objects, without materialising the other rows."""
    if isinstance(kode_texts, pd.Series):
        return np.asarray(kode_texts.iloc[rows], dtype=object)
    return np.asarray(kode_texts, dtype=object)[rows]


def outside_notes(result: MatchResult, kode_texts: pd.Series | None, gaz: Gazetteer,
                  lang: str) -> dict[int, str]:
    """Per unmatched row coded outside the area, the note naming its national place.

    Work is per distinct code text, not per row.
    """
    if kode_texts is None or len(kode_texts) == 0:
        return {}
    open_rows = np.flatnonzero(object_mask(result.status, lambda s: s != "matched"))
    if len(open_rows) == 0:
        return {}
    texts = _open_texts(kode_texts, open_rows)
    notes: dict[str, str] = {}
    for text in pd.unique(pd.Series(texts).dropna()):
        kode = normalise_kode(text)
        place = _place(kode, gaz) if kode else None
        if place:
            notes[text] = OUTSIDE_PLACE.text(lang, kode=kode, place=place)
    if not notes:
        return {}
    return {int(row): notes[text] for row, text in zip(open_rows, texts, strict=True)
            if isinstance(text, str) and text in notes}
