"""Generate the tiny hand-made boundary fixtures in this folder.

    .venv/bin/python tests/data/boundaries/make_fixtures.py

Everything is invented: "Kota Contoh" (code 32.99), two kecamatan with two square kelurahan
each (0.01 degree, about 1.1 km, near 107.6 E 6.9 S). GeoJSON files are written byte for byte
by this script; the GeoPackage and the Shapefile ZIPs are written with pyogrio.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely.geometry import Polygon, box

HERE = Path(__file__).resolve().parent

KELURAHAN = [  # kode, nama, kode_kecamatan, nama_kecamatan, column, row
    ("32.99.01.1001", "Sukamaju", "32.99.01", "Utara", 0, 0),
    ("32.99.01.1002", "Sukasari", "32.99.01", "Utara", 1, 0),
    ("32.99.02.1001", "Mekarjaya", "32.99.02", "Selatan", 0, 1),
    ("32.99.02.2002", "Cibeber", "32.99.02", "Selatan", 1, 1),
]
X0, Y0, STEP = 107.60, -6.90, 0.01


def squares() -> list[Polygon]:
    return [box(X0 + c * STEP, Y0 - (r + 1) * STEP, X0 + (c + 1) * STEP, Y0 - r * STEP)
            for *_, c, r in KELURAHAN]


def feature_collection(rows: list[dict], geoms: list[list]) -> bytes:
    lines = [json.dumps({"type": "Feature", "properties": props,
                         "geometry": {"type": "Polygon", "coordinates": coords}})
             for props, coords in zip(rows, geoms, strict=True)]
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n").encode()


def ring(poly: Polygon) -> list:
    return [[[round(x, 6), round(y, 6)] for x, y in poly.exterior.coords]]


def tiny_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kode": [k[0] for k in KELURAHAN], "nama": [k[1] for k in KELURAHAN],
         "kode_kecamatan": [k[2] for k in KELURAHAN], "nama_kecamatan": [k[3] for k in KELURAHAN]},
        geometry=squares(), crs="EPSG:4326")


def write_tiny_geojson() -> None:
    rows = [dict(kode=k, nama=n, kode_kecamatan=kk, nama_kecamatan=nk)
            for k, n, kk, nk, *_ in KELURAHAN]
    (HERE / "tiny_kelurahan.geojson").write_bytes(
        feature_collection(rows, [ring(p) for p in squares()]))


def write_custom_fields_geojson() -> None:
    """Field names no detector knows, plus a misleading ``nama`` (a nickname)."""
    rows = [{"ID": k.replace(".", ""), "nama": f"julukan {i}", "nama_resmi": n,
             "DISTRIK": nk} for i, (k, n, _, nk, *_) in enumerate(KELURAHAN)]
    (HERE / "custom_fields.geojson").write_bytes(
        feature_collection(rows, [ring(p) for p in squares()]))


def write_bowtie_geojson() -> None:
    """One valid square and one self-intersecting bowtie (invalid)."""
    a = squares()[0]
    x, y = X0 + 2 * STEP, Y0
    bowtie = [[[x, y], [x + STEP, y - STEP], [x + STEP, y], [x, y - STEP], [x, y]]]
    rows = [{"kode": "32.99.01.1001", "nama": "Sukamaju"},
            {"kode": "32.99.01.1003", "nama": "Dasi Kupu"}]
    (HERE / "bowtie.geojson").write_bytes(feature_collection(rows, [ring(a), bowtie]))


def write_rbi_gpkg() -> None:
    """BIG/RBI style field names, projected to EPSG:32748 (UTM 48S)."""
    src = tiny_frame()
    gdf = gpd.GeoDataFrame(
        {"KDEPUM": src["kode"], "WADMKD": src["nama"], "WADMKC": src["nama_kecamatan"],
         "LUASWH": [123.0] * 4}, geometry=src.geometry, crs="EPSG:4326").to_crs(32748)
    out = HERE / "tiny_rbi_32748.gpkg"
    out.unlink(missing_ok=True)
    pyogrio.write_dataframe(gdf, out, layer="ADMINISTRASIDESA_AR", driver="GPKG")


def shapefile_zip(gdf: gpd.GeoDataFrame, extra: dict[str, bytes] | None = None) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        pyogrio.write_dataframe(gdf, Path(tmp) / "desa.shp", encoding="UTF-8")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(tmp).iterdir()):
                zf.write(path, "desa/" + path.name)
            for name, data in (extra or {}).items():
                zf.writestr(name, data)
    return buf.getvalue()


def write_shapefile_zips() -> None:
    src = tiny_frame()
    gdf = gpd.GeoDataFrame(
        {"KODE_DESA": [k.replace(".", "") for k in src["kode"]], "DESA": src["nama"],
         "KECAMATAN": src["nama_kecamatan"]}, geometry=src.geometry, crs="EPSG:4326")
    (HERE / "tiny_shapefile.zip").write_bytes(shapefile_zip(gdf))
    (HERE / "zip_with_vrt.zip").write_bytes(
        shapefile_zip(gdf, {"desa/evil.vrt": VRT.encode()}))


VRT = """<OGRVRTDataSource>
  <OGRVRTLayer name="passwd">
    <SrcDataSource>/etc/passwd</SrcDataSource>
  </OGRVRTLayer>
</OGRVRTDataSource>
"""


def write_vrt() -> None:
    (HERE / "ogr_vrt.vrt").write_text(VRT)


def main() -> int:
    write_tiny_geojson()
    write_custom_fields_geojson()
    write_bowtie_geojson()
    write_rbi_gpkg()
    write_shapefile_zips()
    write_vrt()
    return 0


if __name__ == "__main__":
    sys.exit(main())
