"""User-confirmed spellings of kelurahan names (aliases), plus a small built-in table.

The web app keeps the user aliases in the database (``geoapp.store.alias_table``, one
table for every app server): its ``AliasStore`` has no path but a ``sink`` that stores the
rows. A user alias file is a UTF-8 CSV with the header ``alias,kecamatan,kode``; the
kecamatan column may be empty (the alias then holds in every kecamatan). User
aliases are consulted first, then the built-in table
``geoapp/data/aliases_builtin.csv``: alternative spellings of Kota Tangerang
kelurahan names written down by the geoapp developers (older or colloquial forms
such as ``Nerogtog`` for Neroktog or ``Pedurenan`` for Padurenan), each checked
against the codes of ``data/boundaries/kota_tangerang_kelurahan.geojson``. An alias
only counts when its kode exists in the boundary set being matched.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.io.export import csv_safe_value
from geoapp.values.codes import normalise_kode
from geoapp.values.names import compact, name_keys, normalise_name

HEADER = ("alias", "kecamatan", "kode")
MAX_ALIAS_CHARS = 200
MAX_FILE_BYTES = 20_000_000

BAD_ALIAS_NAME = Msg(
    "alias_bad_name",
    "Alias {value!r} is empty or too long; write a kelurahan name (at most {limit} characters).",
)
BAD_ALIAS_KODE = Msg(
    "alias_bad_kode",
    "Code {value!r} for the alias is not a kelurahan code; write a code such as 36.71.01.1001.",
)
BAD_ALIAS_FILE = Msg(
    "alias_bad_file",
    "Alias file {path} cannot be read: the first line must be 'alias,kecamatan,kode' and the "
    "content UTF-8 text.",
)
NO_ALIAS_PATH = Msg(
    "alias_no_path",
    "Aliases cannot be saved because no alias file location was given; choose an alias file path.",
)
SAVE_FAILED = Msg(
    "alias_save_failed",
    "The alias file {path} could not be written; check folder permissions and disk space.",
)

Index = dict[tuple[str, str], str]
AliasRow = tuple[str, str, str]   # alias, kecamatan ('' = any), dotted kode


def _kec_key(kecamatan: str | None) -> str:
    return compact(normalise_name(kecamatan)) if kecamatan else ""


def alias_key(alias: str, kecamatan: str | None) -> tuple[str, str]:
    """The identity of an alias row: a later row with the same key replaces it."""
    return normalise_name(alias), _kec_key(kecamatan)


@dataclass
class AliasStore:
    """Aliases from one user file (may not exist yet) or the database, and the built-in table."""

    path: Path | None = None
    rows: list[tuple[str, str, str]] = field(default_factory=list)   # alias, kecamatan, kode
    skipped: int = 0                                                 # unusable file rows
    builtin: Index = field(default_factory=dict)
    _index: Index = field(default_factory=dict)
    sink: Callable[[list[AliasRow]], None] | None = None   # stores the rows instead of a file

    @classmethod
    def load(cls, path: str | Path | None) -> AliasStore:
        """Read the user alias file (a missing file gives an empty store) and the built-in table."""
        store = cls(path=Path(path) if path else None, builtin=_builtin_index())
        if store.path is not None and store.path.is_file():
            rows, skipped = _read_rows(store.path)
            store.skipped = skipped
            store.extend(rows)
        return store

    def extend(self, rows: list[AliasRow]) -> None:
        """Take already checked rows (alias, kecamatan, kode), later ones replacing earlier."""
        for alias, kec, kode in rows:
            self._put(alias, kode, kec)

    def lookup(self, name: str, kecamatan: str | None = None) -> str | None:
        """The kode an alias gives ``name`` (within ``kecamatan`` when given), or None."""
        keys = name_keys(name)
        kec = _kec_key(kecamatan)
        for index in (self._index, self.builtin):
            found = _find(index, keys, kec)
            if found:
                return found
        return None

    def add(self, name: str, kode: str, kecamatan: str | None = None) -> None:
        """Remember that ``name`` (in ``kecamatan``, or anywhere) means kelurahan ``kode``."""
        text = str(name or "").strip()
        if not normalise_name(text) or len(text) > MAX_ALIAS_CHARS:
            raise GeoappError(BAD_ALIAS_NAME, 400, value=text[:60], limit=MAX_ALIAS_CHARS)
        dotted = normalise_kode(kode)
        if dotted is None or dotted.count(".") != 3:
            raise GeoappError(BAD_ALIAS_KODE, 400, value=str(kode)[:40])
        kec = str(kecamatan or "").strip()[:MAX_ALIAS_CHARS]
        self._put(text, dotted, kec)

    def _put(self, alias: str, kode: str, kecamatan: str) -> None:
        key = alias_key(alias, kecamatan)
        kec = key[1]
        self.rows = [r for r in self.rows if alias_key(r[0], r[1]) != key]
        self.rows.append((alias, kecamatan, kode))
        for key in name_keys(alias):
            self._index[(key, kec)] = kode

    def save(self) -> None:
        """Store the user aliases: through ``sink`` (the database) when given, else write
        the file atomically (temp file + os.replace) as UTF-8 CSV."""
        if self.sink is not None:
            self.sink(list(self.rows))
            return
        if self.path is None:
            raise GeoappError(NO_ALIAS_PATH, 400)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(HEADER)
        for row in self.rows:
            writer.writerow([csv_safe_value(v) for v in row])  # the ' is dropped on reading
        _atomic_write(self.path, buf.getvalue().encode("utf-8"))

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_kecamatan_aliases(self) -> bool:
        """True when some alias holds only within one kecamatan."""
        return any(kec for _, kec in self._index) or any(kec for _, kec in self.builtin)


def _find(index: Index, keys: list[str], kec: str) -> str | None:
    for key in keys:
        if kec and (key, kec) in index:
            return index[(key, kec)]
    for key in keys:
        if (key, "") in index:
            return index[(key, "")]
    return None


def _parse(text: str, source: str) -> tuple[list[tuple[str, str, str]], int]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header[:3]) != HEADER:
        raise GeoappError(BAD_ALIAS_FILE, 422, path=source)
    rows, skipped = [], 0
    for raw in reader:
        if not any(c.strip() for c in raw):
            continue
        cells = [*raw, "", ""][:3]
        alias, kec, kode = (c.strip() for c in cells)
        dotted = normalise_kode(kode)
        if (not normalise_name(alias) or len(alias) > MAX_ALIAS_CHARS
                or dotted is None or dotted.count(".") != 3):
            skipped += 1
            continue
        rows.append((alias, kec[:MAX_ALIAS_CHARS], dotted))
    return rows, skipped


def _read_rows(path: Path) -> tuple[list[tuple[str, str, str]], int]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise GeoappError(BAD_ALIAS_FILE, 413, path=path.name)
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GeoappError(BAD_ALIAS_FILE, 422, path=path.name) from exc
    return _parse(text, path.name)


def _builtin_index() -> Index:
    return dict(_builtin_cached())


@functools.cache
def _builtin_cached() -> tuple[tuple[tuple[str, str], str], ...]:
    text = resources.files("geoapp").joinpath("data/aliases_builtin.csv").read_text("utf-8")
    index: Index = {}
    for alias, kec, kode in _parse(text, "aliases_builtin.csv")[0]:
        for key in name_keys(alias):
            index[(key, _kec_key(kec))] = kode
    return tuple(index.items())


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise GeoappError(SAVE_FAILED, 500, path=path.name) from exc
