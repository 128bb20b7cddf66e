"""Random points safely inside a kelurahan, and the ways offices write them down."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer

from geoapp.sample.reference import load_kelurahan

EDGE_MARGINS = (0.0005, 0.0002, 0.00005)   # degrees kept away from the boundary (~55 m first)
MIN_INNER_AREA = 2e-6                       # square degrees (~2.5 ha) for an inner polygon to be used


@lru_cache(maxsize=1)
def _tree() -> tuple[shapely.STRtree, np.ndarray]:
    geoms = np.array([k.geometry for k in load_kelurahan()], dtype=object)
    return shapely.STRtree(geoms), geoms


def _inner(polygon: shapely.Geometry) -> shapely.Geometry:
    for margin in EDGE_MARGINS:
        inner = polygon.buffer(-margin)
        if not inner.is_empty and inner.area >= MIN_INNER_AREA:
            return inner
    return polygon


def _only_in(index: int, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True for points that lie in kelurahan ``index`` and in no other kelurahan."""
    tree, geoms = _tree()
    points = shapely.points(lon, lat)
    inside = shapely.contains_xy(geoms[index], lon, lat)
    hits = tree.query(points, predicate="intersects")
    counts = np.bincount(hits[0], minlength=len(lon))
    return inside & (counts == 1)


def random_points(index: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` (lat, lon) pairs, 6 decimals, inside kelurahan ``index`` away from its edges."""
    polygon = load_kelurahan()[index].geometry
    inner = _inner(polygon)
    minx, miny, maxx, maxy = inner.bounds
    found: list[np.ndarray] = []
    total = 0
    for _ in range(200):
        lon = np.round(rng.uniform(minx, maxx, 4 * count + 8), 6)
        lat = np.round(rng.uniform(miny, maxy, 4 * count + 8), 6)
        keep = shapely.contains_xy(inner, lon, lat) & _only_in(index, lon, lat)
        found.append(np.column_stack([lat[keep], lon[keep]]))
        total += int(keep.sum())
        if total >= count:
            break
    points = np.concatenate(found)[:count]
    if len(points) < count:
        raise RuntimeError(f"could not place {count} points in kelurahan {index}")
    return points


def point_pool(count: int, rng: np.random.Generator) -> np.ndarray:
    """(104, count, 2) array of (lat, lon) points, ``count`` per kelurahan in kode order."""
    return np.stack([random_points(i, count, rng) for i in range(len(load_kelurahan()))])


def decimal_text(value: float, comma: bool = False) -> str:
    """A coordinate with 6 decimals, optionally with a decimal comma."""
    text = f"{value:.6f}"
    return text.replace(".", ",") if comma else text


def dms_text(value: float, *, is_lat: bool) -> str:
    """Degrees, minutes, seconds with a hemisphere letter: ``6°10'30.5"S``."""
    hemisphere = ("N" if value >= 0 else "S") if is_lat else ("E" if value >= 0 else "W")
    seconds_total = round(abs(value) * 36000) / 10   # tenths of a second
    degrees, rest = divmod(seconds_total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(degrees)}°{int(minutes)}'{seconds:.1f}\"{hemisphere}"


@lru_cache(maxsize=1)
def _to_utm() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:32748", always_xy=True)


def utm_text(lat: float, lon: float) -> tuple[str, str]:
    """WGS 84 / UTM 48S northing and easting in metres (2 decimals), in (lat, lon) slots."""
    easting, northing = _to_utm().transform(lon, lat)
    return f"{northing:.2f}", f"{easting:.2f}"
