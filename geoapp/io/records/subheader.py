"""Two-row headers: a merged group header ("Peserta") over short sub-labels ("L", "P").

Dinas reports often head a group of columns with one merged cell and name the columns
of the group on the row below. Read as one header row, the sub-label row would become
a data row and the group header a duplicate. Here the two rows are combined into
"Peserta L", "Peserta P" when the row below the header looks like sub-labels: short,
not numbers or codes, only under group headers (a header cell followed by blank cells,
as CSV exports write merges, or by copies of itself, as filled merged cells read).
"""

from __future__ import annotations

import re

from geoapp.core.i18n import Msg, Note
from geoapp.io.records.headers import role_of

MAX_LABEL_CHARS = 30

TWO_ROW_HEADER = Msg(
    "two_row_header",
    "Header rows {row} and {sub_row} were read as one two-level header (e.g. '{example}'). "
    "If that is wrong, choose the header row (header_row) yourself.",
)

_NUMBER_OR_CODE = re.compile(r"^[-+]?(rp\.?\s*)?[\d.,\s/-]+%?$", re.I)


def _groups(headers: list[str]) -> list[int]:
    """Per column the position of its group header, or -1 when it is not in a group."""
    owner = [-1] * len(headers)
    i = 0
    while i < len(headers):
        top = headers[i].strip()
        j = i + 1
        while top and j < len(headers) and headers[j].strip() in ("", top):
            j += 1
        if j - i >= 2 and role_of(top) is None:   # cells under "Kelurahan" are data
            owner[i:j] = [i] * (j - i)
        i = max(j, i + 1)
    return owner


def _is_label(text: str) -> bool:
    return len(text) <= MAX_LABEL_CHARS and not _NUMBER_OR_CODE.match(text)


def combine_sub_header(headers: list[str], below: list[str]) -> list[str] | None:
    """Headers joined with the sub-labels of the row below, or None when it is not one.

    Cells of ``below`` that are blank or repeat the header above (a merged cell filled
    downwards) are allowed anywhere; any other cell must be a short non-number label under
    a group header, and at least one group must get two labels.
    """
    owner = _groups(headers)
    labels: dict[int, str] = {}
    for pos, (top, sub) in enumerate(zip(headers, below, strict=False)):
        sub = sub.strip()
        if not sub or sub == top.strip():
            continue
        if owner[pos] < 0 or not _is_label(sub):
            return None
        labels[pos] = sub
    per_group: dict[int, int] = {}
    for pos in labels:
        per_group[owner[pos]] = per_group.get(owner[pos], 0) + 1
    if not per_group or max(per_group.values()) < 2:
        return None
    out = list(headers)
    for pos, sub in labels.items():
        out[pos] = f"{headers[owner[pos]].strip()} {sub}"
    return out


def sub_header_note(row: int, combined: list[str], before: list[str]) -> Note:
    """The note telling the user two header rows were combined."""
    example = next((c for c, b in zip(combined, before, strict=True) if c != b), combined[0])
    return Note.of(TWO_ROW_HEADER, row=row, sub_row=row + 1, example=example)
