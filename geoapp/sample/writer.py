"""Write the whole seeded sample folder, and expose the truth behind it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.sample.blk import blk_bytes, build_blk
from geoapp.sample.jobfair import build_jobfair
from geoapp.sample.penduduk import build_penduduk
from geoapp.sample.readme import readme_bytes
from geoapp.sample.records import BAD_SEED
from geoapp.sample.sites import build_ecofarm, build_kampung, build_kwt
from geoapp.sample.tables import SampleTable, csv_bytes
from geoapp.sample.umkm import build_umkm

Builder = Callable[[int, np.random.Generator], SampleTable]
# (stream id, builder): each file draws from its own random stream, so files stay stable
# when another file's recipe changes.
BUILDERS: tuple[tuple[int, Builder], ...] = (
    (1, build_umkm), (2, build_blk), (3, build_kwt), (4, build_ecofarm), (5, build_kampung),
    (6, build_jobfair), (7, build_penduduk),
)
README_FILE = "README.txt"

OUTDIR_FAILED = Msg(
    "sample_outdir_failed",
    "Cannot write the sample data to the folder '{outdir}': {reason}. Choose another, "
    "writable folder.",
)


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise GeoappError(BAD_SEED, 400, seed=seed)
    return int(seed)


def build_tables(seed: int = 2020) -> list[SampleTable]:
    """Every sample table for ``seed``, in file order."""
    seed = _check_seed(seed)
    return [build(seed, np.random.default_rng([seed, stream])) for stream, build in BUILDERS]


def sample_truth(seed: int = 2020) -> dict[str, list[str | None]]:
    """filename -> true kelurahan kode per data row (blank and total rows left out).

    None marks a row that names no kelurahan of the city or cannot be decided (ambiguous
    name, code conflicting with the name); a matcher must not match those rows.
    """
    return {t.filename: list(t.truth) for t in build_tables(seed)}


def _file_bytes(table: SampleTable) -> bytes:
    if table.filename.endswith(".xlsx"):
        return blk_bytes(table)
    if table.filename == "bantuan_umkm_pkl.csv":
        return csv_bytes(table, delimiter=";", bom=True, pad_titles=True)
    return csv_bytes(table)


def write_sample_data(outdir: str | Path, seed: int = 2020) -> list[Path]:
    """Write the sample files and README.txt into ``outdir``; return their paths.

    The same seed gives byte-identical files.
    """
    contents = [(t.filename, _file_bytes(t)) for t in build_tables(seed)]
    contents.append((README_FILE, readme_bytes(_check_seed(seed))))
    folder = Path(outdir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, data in contents:
            (folder / name).write_bytes(data)
            paths.append(folder / name)
    except OSError as exc:
        raise GeoappError(OUTDIR_FAILED, 400, outdir=str(outdir),
                          reason=exc.strerror or type(exc).__name__) from exc
    return paths
