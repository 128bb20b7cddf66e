"""The result types of a boundary load: :class:`BoundarySet` and its :class:`BoundaryReport`."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geoapp.core.i18n import Note

COLUMNS = ["kode", "nama", "kode_kecamatan", "nama_kecamatan", "luas_km2", "geometry"]


@dataclass
class BoundaryReport:
    """How a boundary set was read: source, format, CRS, repairs, field choices, notes."""

    source: str
    driver: str
    crs_detected: str | None
    reprojected: bool = False
    repaired: list[str] = field(default_factory=list)
    fields: dict[str, str | None] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    feature_count: int = 0
    layer: str | None = None
    overlap_pairs: int = 0
    overlap_m2: float = 0.0
    areas: dict[str, str] = field(default_factory=dict)   # kabupaten/kota and provinsi
    # codes the set lies in -> their names (national gazetteer)

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        """JSON-able form with the notes rendered in ``lang``."""
        return {
            "source": self.source, "driver": self.driver, "crs_detected": self.crs_detected,
            "reprojected": self.reprojected, "repaired": list(self.repaired),
            "fields": dict(self.fields), "notes": [n.as_dict(lang) for n in self.notes],
            "feature_count": self.feature_count, "layer": self.layer,
            "overlap_pairs": self.overlap_pairs, "overlap_m2": self.overlap_m2,
            "areas": dict(self.areas),
        }


@dataclass
class BoundarySet:
    """A normalised kelurahan boundary set (EPSG:4326, sorted by ``kode``) and its report."""

    frame: gpd.GeoDataFrame
    report: BoundaryReport


def examples(values: pd.Series | list, limit: int = 5) -> str:
    """The first ``limit`` values as text for a message, with ``(+n)`` for the rest."""
    items = [str(v) for v in list(values)[:limit]]
    more = len(values) - len(items)
    return ", ".join(items) + (f" (+{more})" if more > 0 else "")
