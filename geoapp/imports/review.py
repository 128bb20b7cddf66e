"""Group review rows by spelling so that one decision fixes every row that shares it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geoapp.imports.pipeline import MatchRun
from geoapp.matching.types import Suggestion


@dataclass
class ReviewGroup:
    name: str               # the kelurahan text as written
    kecamatan: str          # the kecamatan text as written ('' when absent)
    rows: int               # how many review rows share this spelling
    note: str               # why the matcher was not sure (first row's note)
    suggestions: list[Suggestion]
    row_indexes: list[int]  # positions in the table


def review_groups(run: MatchRun) -> list[ReviewGroup]:
    """Distinct (kelurahan, kecamatan) spellings among review rows, most rows first."""
    table, result = run.table, run.result
    review = [i for i, status in enumerate(result.status) if status == "review"]
    if not review:
        return []
    kel = _texts(table.column(table.mapping.kelurahan), review)
    kec = _texts(table.column(table.mapping.kecamatan), review)
    groups: dict[tuple[str, str], ReviewGroup] = {}
    for i, name, kecamatan in zip(review, kel, kec, strict=True):
        key = (name.strip(), kecamatan.strip())
        group = groups.get(key)
        if group is None:
            group = ReviewGroup(key[0], key[1], 0, str(result.note[i]), list(result.suggestions[i]), [])
            groups[key] = group
        group.rows += 1
        group.row_indexes.append(i)
    return sorted(groups.values(), key=lambda g: (-g.rows, g.name))


def _texts(column: pd.Series | None, rows: list[int]) -> list[str]:
    if column is None:
        return [""] * len(rows)
    return [str(v) for v in column.iloc[rows]]
