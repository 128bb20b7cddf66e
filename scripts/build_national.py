"""Build the national data shipped in ``geoapp/data/national/`` (rerunnable, offline).

    python scripts/build_national.py ../shared/data            # writes geoapp/data/national/

Reads ``gazetteer/kode_wilayah_2025.csv`` and ``national/desa_s50m.parquet`` under the given
folder (cahyadsn/wilayah and cahyadsn/wilayah_boundaries, MIT, (c) 2024-2025 cahya dsn) and
writes:

- ``kode_wilayah.parquet``: every code and name (provinsi, kabupaten/kota, kecamatan,
  desa/kelurahan), columns ``kode, nama, tingkat``;
- ``desa.parquet``: the desa/kelurahan polygons with geoapp's standard boundary columns,
  geometry repaired, sorted by ``kode`` in small row groups (a kabupaten reads a few of them);
- ``kecamatan.parquet``, ``kabupaten.parquet``, ``provinsi.parquet``: outlines dissolved from
  the desa, small holes filled, simplified per level;
- ``manifest.json``: counts, repairs and overlaps found at build time (the load report).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geoapp.io.boundaries.crs import area_km2  # noqa: E402
from geoapp.io.boundaries.national import (  # noqa: E402
    DESA_FILE,
    GAZETTEER_FILE,
    MANIFEST_FILE,
    OUTLINE_FILES,
    ROW_GROUP_SIZE,
)
from geoapp.io.boundaries.repair import check_and_repair_geometry, polygonal, repair_one  # noqa: E402
from geoapp.io.boundaries.types import COLUMNS, BoundaryReport  # noqa: E402

DECIMALS = 5                       # about 1 m; the source is already rounded to 5 decimals
# Outline simplification tolerance in degrees (0.0005 deg is about 55 m) and the largest
# interior hole (deg2; 1e-5 deg2 is about 0.12 km2) filled as a sliver gap between desa.
OUTLINE_TOLERANCE = {"kecamatan": 0.002, "kabupaten": 0.004, "provinsi": 0.008}
MAX_SLIVER_HOLE = 1e-5
PARENT_LENGTH = {"kecamatan": 8, "kabupaten": 5, "provinsi": 2}


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def read_gazetteer(source: Path) -> pd.DataFrame:
    gaz = pd.read_csv(source / "gazetteer" / "kode_wilayah_2025.csv", dtype=str,
                      keep_default_na=False)
    if list(gaz.columns) != ["kode", "nama", "tingkat"]:
        raise SystemExit(f"unexpected gazetteer columns: {list(gaz.columns)}")
    return gaz.sort_values("kode", kind="stable").reset_index(drop=True)


def build_desa(source: Path, gaz: pd.DataFrame) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    raw = gpd.read_parquet(source / "national" / "desa_s50m.parquet")
    names = dict(zip(gaz["kode"], gaz["nama"], strict=True))
    frame = gpd.GeoDataFrame({
        "kode": raw["kode"].astype(str), "nama": raw["nama"].astype(str),
        "kode_kecamatan": raw["kode"].astype(str).str.slice(0, 8),
    }, geometry=raw.geometry.values, crs="EPSG:4326")
    frame["nama_kecamatan"] = frame["kode_kecamatan"].map(names).fillna("")
    frame["luas_km2"] = np.nan
    report = BoundaryReport(source="desa_s50m.parquet", driver="GeoParquet",
                            crs_detected="EPSG:4326")
    frame = check_and_repair_geometry(frame, report)
    frame["geometry"] = shapely.set_precision(frame.geometry.values, 10.0 ** -DECIMALS,
                                              mode="valid_output")
    frame["geometry"] = [polygonal(g) for g in frame.geometry.values]
    frame["luas_km2"] = np.round(area_km2(frame.geometry), 3)
    frame = frame.sort_values("kode", kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(frame[COLUMNS], geometry="geometry", crs="EPSG:4326"), report


def fill_slivers(geom: shapely.Geometry) -> shapely.Geometry:
    """The geometry without interior rings smaller than MAX_SLIVER_HOLE."""
    polys = []
    for poly in shapely.get_parts(geom):
        holes = [r for r in poly.interiors if shapely.Polygon(r).area >= MAX_SLIVER_HOLE]
        polys.append(shapely.Polygon(poly.exterior, holes))
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def dissolve(parts: gpd.GeoDataFrame, level: str, gaz_names: dict[str, str],
             count_column: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Union ``parts`` per parent code of ``level`` (on the 5-decimal grid, robust) and fill
    slivers; return the exact unions (for the next level) and the simplified outlines."""
    key = parts["kode"].str.slice(0, PARENT_LENGTH[level])
    rows = []
    for code, group in parts.groupby(key, sort=True):
        union = polygonal(shapely.union_all(group.geometry.values, grid_size=10.0 ** -DECIMALS))
        rows.append({"kode": code, "nama": gaz_names.get(code, ""),
                     "luas_km2": round(float(group["luas_km2"].sum()), 3),
                     "jumlah_desa": int(group["jumlah_desa"].sum()),
                     count_column: len(group), "geometry": fill_slivers(union)})
    exact = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    simple = shapely.simplify(exact.geometry.values, OUTLINE_TOLERANCE[level],
                              preserve_topology=True)
    # simplify keeps a subset of the vertices, so they stay on the 5-decimal grid
    valid = [g if g.is_valid and g.geom_type in ("Polygon", "MultiPolygon") else repair_one(g)
             for g in simple]
    return exact, exact.set_geometry(gpd.GeoSeries(valid, crs="EPSG:4326"))


def write(frame: gpd.GeoDataFrame, path: Path) -> None:
    frame.to_parquet(path, compression="zstd", compression_level=19, index=False,
                     row_group_size=ROW_GROUP_SIZE, schema_version="1.0.0")
    log(f"wrote {path.name}: {len(frame)} rows, {path.stat().st_size:,} bytes")


def build(source: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    gaz = read_gazetteer(source)
    gaz.to_parquet(out / GAZETTEER_FILE, compression="zstd", compression_level=19, index=False)
    log(f"wrote {GAZETTEER_FILE}: {len(gaz)} codes")
    names = dict(zip(gaz["kode"], gaz["nama"], strict=True))
    desa, report = build_desa(source, gaz)
    write(desa, out / DESA_FILE)
    parts = desa[["kode", "luas_km2", "geometry"]].assign(jumlah_desa=1)
    manifest = {"desa": len(desa), "repaired": report.repaired, "outlines": {}}
    for level, count_column in (("kecamatan", "jumlah_desa_"), ("kabupaten", "jumlah_kecamatan"),
                                ("provinsi", "jumlah_kabupaten")):
        log(f"dissolving {level} ...")
        exact, outline = dissolve(parts, level, names, count_column)
        outline = outline.drop(columns=["jumlah_desa_"], errors="ignore")
        write(outline, out / OUTLINE_FILES[level])
        manifest["outlines"][level] = len(outline)
        parts = exact[["kode", "luas_km2", "jumlah_desa", "geometry"]]
    manifest["gazetteer"] = gaz["tingkat"].value_counts().sort_index().to_dict()
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {MANIFEST_FILE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the shared data folder (holds gazetteer/, national/)")
    parser.add_argument("--out", type=Path, default=ROOT / "geoapp" / "data" / "national")
    args = parser.parse_args()
    build(args.source, args.out)


if __name__ == "__main__":
    main()
