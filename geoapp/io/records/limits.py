"""Plausibility limits on parsed measures: no infinities, no absurd magnitudes.

A measure of a city program (participants, Rupiah aid) never reaches 10^15; values
beyond that (1e308, 10^30, overflowed infinities) would make sums overflow or lose
every smaller number. Such cells are kept as text but count as unparseable numbers,
so the ledger still accounts for them and sums stay finite and exact.
"""

from __future__ import annotations

import numpy as np

from geoapp.core.i18n import Msg, Note

MAX_MAGNITUDE = 1e15

NUMBER_ABSURD = Msg(
    "number_absurd",
    "{count} numbers in column '{header}' are infinite or larger than "
    "1,000,000,000,000,000 (e.g. row {row}); they are not summed and count as "
    "unreadable. Check those cells.",
)


def drop_absurd_numbers(numeric: dict[int, np.ndarray], unparsed: dict[int, int],
                        headers: list[str], source_rows: np.ndarray) -> list[Note]:
    """Set non-finite or absurdly large values to NaN (in place); count them as unparsed."""
    notes: list[Note] = []
    for pos, values in numeric.items():
        bad = np.abs(values) >= MAX_MAGNITUDE     # NaN compares False: empty cells stay
        count = int(np.count_nonzero(bad))
        if not count:
            continue
        values[bad] = np.nan
        unparsed[pos] = unparsed.get(pos, 0) + count
        row = int(source_rows[np.flatnonzero(bad)[0]])
        notes.append(Note.of(NUMBER_ABSURD, count=count, header=headers[pos] or f"({pos + 1})",
                             row=row))
    return notes
