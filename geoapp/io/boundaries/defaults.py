"""The default boundary set: which files it is, and its cached frames.

A set is three files in one folder: the kelurahan polygons and, next to them, the kecamatan and
city outlines under the standard names (a set that ships no outline gets it dissolved from its
kelurahan). :class:`BoundaryFiles` names such a set; :func:`resolve_boundaries_setting` turns the
``BOUNDARIES`` setting (file or folder, relative to the instance folder) into one.

The default set (what ``load_boundaries()`` reads with no source) is, in order: the set bound to
the current context with :func:`default_set`/:func:`bind_default` (the web app binds its own
BOUNDARIES set in each of its app contexts), else ``$GEOAPP_BOUNDARIES`` (resolved the same way,
against the default instance folder), else the ``$GEOAPP_WILAYAH`` working area of the shipped national data
(:meth:`BoundaryFiles.for_wilayah`), else the bundled Kota Tangerang set.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd

from geoapp.core.errors import GeoappError
from geoapp.core.resources import boundaries_dir
from geoapp.core.settings import default_instance_path, environment_value, resolve_path
from geoapp.io.boundaries.formats import ERR_NOT_FOUND
from geoapp.io.boundaries.national import DESA_FILE, national_path, normalise_wilayah
from geoapp.io.boundaries.pipeline import read_boundary_set, read_outline
from geoapp.io.boundaries.types import BoundarySet
from geoapp.io.boundaries.wilayah import area_name, national_outline, national_set

DEFAULT_KELURAHAN = "kota_tangerang_kelurahan.geojson"
DEFAULT_KECAMATAN = "kota_tangerang_kecamatan.geojson"
DEFAULT_CITY = "kota_tangerang.geojson"
DEFAULT_WILAYAH = "36.71"     # the bundled set's area: --wilayah 36.71 is the bundled set
DEFAULT_AREA_NAME = "Kota Tangerang"

FileKey = tuple[str, int, int]


def resolve_boundaries_setting(value: str | Path | None,
                               instance: str | Path | None = None) -> Path | None:
    """The kelurahan file that a BOUNDARIES value names; None for '' (the bundled set).

    The value is a file, or a folder holding ``kota_tangerang_kelurahan.geojson``. ``~`` is
    expanded and a relative value is relative to the instance folder (``instance``, by default
    ``$GEOAPP_INSTANCE`` or ``./instance``), as for every path setting. A missing path
    without a suffix counts as a folder. Whether the file exists is checked when it is read.
    """
    if value is None or str(value) == "":
        return None
    base = default_instance_path() if instance is None else Path(instance)
    path = Path(resolve_path(value, base))
    if path.is_dir() or (not path.exists() and not path.suffix):
        return path / DEFAULT_KELURAHAN
    return path


def file_key(path: Path) -> FileKey:
    """Resolved path, mtime and size of a file: a cache key that changes with the file."""
    try:
        st = path.stat()
    except OSError:
        raise GeoappError(ERR_NOT_FOUND, 404, path=str(path)) from None
    return str(path.resolve()), st.st_mtime_ns, st.st_size


@dataclass(frozen=True)
class BoundaryFiles:
    """A boundary set on disk: its kelurahan file and, beside it, the outline files.

    Every load is cached per file (path, mtime, size) and returns its own copy.
    """

    kelurahan: Path
    bundled: bool = False   # the shipped set: a missing outline file is an error, not dissolved
    wilayah: str | None = None  # a working area of the shipped national data (``kelurahan``
    # is then the national desa file, filtered to the area)

    @classmethod
    def bundled_set(cls) -> BoundaryFiles:
        """The Kota Tangerang set shipped in ``data/boundaries``."""
        return cls(boundaries_dir() / DEFAULT_KELURAHAN, bundled=True)

    @classmethod
    def for_setting(cls, value: str | Path | None,
                    instance: str | Path | None = None) -> BoundaryFiles:
        """The set a BOUNDARIES value names (see :func:`resolve_boundaries_setting`)."""
        kelurahan = resolve_boundaries_setting(value, instance)
        return cls.bundled_set() if kelurahan is None else cls(kelurahan)

    @classmethod
    def for_wilayah(cls, value: str) -> BoundaryFiles:
        """The set of a working area: ``36.74``, ``36`` or ``ID`` (36.71: the bundled set)."""
        code = normalise_wilayah(value)
        if code == DEFAULT_WILAYAH:
            return cls.bundled_set()
        return cls(national_path(DESA_FILE), bundled=True, wilayah=code)

    @classmethod
    def for_settings(cls, boundaries: str | Path | None, wilayah: str | None,
                     instance: str | Path | None = None) -> BoundaryFiles:
        """BOUNDARIES when set (it overrides), else the WILAYAH area, else the bundled set."""
        if boundaries:
            return cls.for_setting(boundaries, instance)
        if wilayah and str(wilayah).strip():
            return cls.for_wilayah(str(wilayah))
        return cls.bundled_set()

    @property
    def area(self) -> str:
        """The working area's code: the national area, or ``36.71`` for the bundled set."""
        if self.wilayah:
            return self.wilayah
        return DEFAULT_WILAYAH if self.bundled else ""

    def area_name(self) -> str:
        """The working area's name: ``Kota Tangerang Selatan``, ``Banten``, ``Indonesia``;
        for a BOUNDARIES file the kabupaten/kota its codes lie in."""
        if self.wilayah:
            return area_name(self.wilayah)
        areas = self.boundaries().report.areas
        return ", ".join(n for c, n in areas.items() if len(c) == 5) or DEFAULT_AREA_NAME

    @property
    def folder(self) -> Path:
        """The folder of the set's files."""
        return self.kelurahan.parent

    def identity(self) -> FileKey:
        """Path, mtime and size of the kelurahan file (a cache key for derived indexes)."""
        path, mtime, size = file_key(self.kelurahan)
        return (f"{path}#{self.wilayah}" if self.wilayah else path), mtime, size

    def boundaries(self, **options: str | None) -> BoundarySet:
        """The kelurahan set, read with ``load_boundaries``' layer/field options."""
        given = tuple(sorted((k, v) for k, v in options.items() if v is not None))
        if self.wilayah:
            cached = _cached_national(self.identity(), self.wilayah)
            return BoundarySet(cached.frame.copy(), copy.deepcopy(cached.report))
        cached = _cached_boundaries(self.identity(), given)
        return BoundarySet(cached.frame.copy(), copy.deepcopy(cached.report))

    def kecamatan(self) -> gpd.GeoDataFrame:
        """Kecamatan outlines as stored (or dissolved from the kelurahan when not shipped)."""
        return self._outline(DEFAULT_KECAMATAN, "kode_kecamatan")

    def city(self) -> gpd.GeoDataFrame:
        """The city outline as stored (or dissolved from the kelurahan when not shipped)."""
        return self._outline(DEFAULT_CITY, None)

    def _outline(self, name: str, by: str | None) -> gpd.GeoDataFrame:
        if self.wilayah:
            level = "kecamatan" if by else None
            return _cached_national_outline(self.identity(), self.wilayah, level).copy()
        path = self.folder / name
        if not self.bundled and not path.is_file():
            return _cached_dissolved(self.identity(), by).copy()
        return _cached_outline(file_key(path)).copy()


@lru_cache(maxsize=8)
def _cached_boundaries(key: FileKey, options: tuple) -> BoundarySet:
    return read_boundary_set(Path(key[0]), None, **dict(options))


@lru_cache(maxsize=4)
def _cached_national(key: FileKey, wilayah: str) -> BoundarySet:
    return national_set(wilayah)


@lru_cache(maxsize=8)
def _cached_national_outline(key: FileKey, wilayah: str, level: str | None) -> gpd.GeoDataFrame:
    return national_outline(wilayah, level)


@lru_cache(maxsize=8)
def _cached_outline(key: FileKey) -> gpd.GeoDataFrame:
    return read_outline(Path(key[0]), None)


@lru_cache(maxsize=8)
def _cached_dissolved(key: FileKey, by: str | None) -> gpd.GeoDataFrame:
    """Outlines dissolved from a kelurahan file: the city (``by=None``) or per ``by``."""
    frame = _cached_boundaries(key, ()).frame
    if by is None:
        return gpd.GeoDataFrame(
            {"kode": [frame["kode"].str[:5].iloc[0]],
             "luas_km2": [round(float(frame["luas_km2"].sum()), 3)]},
            geometry=[frame.geometry.union_all()], crs=frame.crs)
    groups = frame.dissolve(by=by, aggfunc={"nama_kecamatan": "first", "luas_km2": "sum",
                                            "kode": "count"})
    groups = groups.rename(columns={"nama_kecamatan": "nama", "kode": "jumlah_kelurahan"})
    groups["luas_km2"] = groups["luas_km2"].astype(float).round(3)   # no float noise of the sum
    return groups.reset_index().rename(columns={by: "kode"})


# --------------------------------------------------------------------------- the current default

# The set that ``load_boundaries()`` with no source reads in the current context. It is not
# process-wide state: the web app keeps its set in ``app.extensions`` and binds it here for the
# length of each of its app contexts (requests, CLI commands), so two apps in one process each
# see their own; the CLI binds the one its settings name. Unbound, the default is the set that
# ``$GEOAPP_BOUNDARIES`` names, else the bundled one.
_current: ContextVar[BoundaryFiles | None] = ContextVar("geoapp_boundary_files", default=None)


def bind_default(files: BoundaryFiles | None) -> Token:
    """Make ``files`` the default set in this context; give the token to :func:`unbind_default`."""
    return _current.set(files)


def unbind_default(token: Token) -> None:
    """Restore the default set that was current before :func:`bind_default`."""
    _current.reset(token)


@contextmanager
def default_set(files: BoundaryFiles | None) -> Iterator[BoundaryFiles]:
    """``with default_set(files):`` runs its block with ``files`` as the default set."""
    token = bind_default(files)
    try:
        yield default_files()
    finally:
        unbind_default(token)


def default_files() -> BoundaryFiles:
    """The set bound in this context, else the one ``$GEOAPP_BOUNDARIES`` names, else the bundled."""
    bound = _current.get()
    if bound is not None:
        return bound
    return BoundaryFiles.for_settings(environment_value("BOUNDARIES"),
                                      environment_value("WILAYAH"))


def default_boundaries_dir() -> Path:
    """Folder of the default boundary files (see :func:`default_files`)."""
    return default_files().folder


def default_identity() -> FileKey:
    """Path, mtime and size of the default kelurahan file (a cache key for derived indexes)."""
    return default_files().identity()
