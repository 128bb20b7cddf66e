"""Tests for the seeded sample data (geoapp.sample)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from rapidfuzz.distance import Levenshtein

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries.national import gazetteer_frame
from geoapp.sample import (
    generate_messy_records,
    messy_name,
    sample_truth,
    write_sample_data,
)

ROOT = Path(__file__).resolve().parents[1]
KELURAHAN_FILE = ROOT / "data" / "boundaries" / "kota_tangerang_kelurahan.geojson"
FILES = {
    "bantuan_umkm_pkl.csv", "pelatihan_blk_2020.xlsx", "kwt.csv", "ecofarm.csv",
    "kampung_tematik.csv", "job_fair_2020.csv", "penduduk_kelurahan.csv", "README.txt",
}
DMS = re.compile(r"^(\d+)°(\d+)'([\d.]+)\"([NSEW])$")


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    write_sample_data(folder, seed=2020)
    return folder


@pytest.fixture(scope="module")
def boundaries() -> pd.DataFrame:
    import geopandas as gpd

    return gpd.read_file(KELURAHAN_FILE).set_index("kode")


def id_number(text: object) -> int:
    """Parse an Indonesian whole number: 'Rp 2.500.000' -> 2500000."""
    cleaned = str(text).replace("Rp", "").replace(".", "").strip()
    return int(cleaned)


def read_csv(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def split_csv(rows: list[list[str]], first_header: str) -> tuple[list[str], list[list[str]]]:
    """(header, non-blank rows after it), the header found by its first cell."""
    at = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    body = [row for row in rows[at + 1 :] if any(cell.strip() for cell in row)]
    return rows[at], body


def column(header: list[str], body: list[list[str]], name: str) -> list[str]:
    pos = header.index(name)
    return [row[pos] for row in body]


def parse_point(lat_text: str, lon_text: str) -> tuple[float, float]:
    """Undo the deliberate messiness: DMS, decimal comma, swapped, UTM 48S."""
    values = []
    for text in (lat_text, lon_text):
        match = DMS.match(text)
        if match:
            deg, minute, sec, hemi = match.groups()
            value = int(deg) + int(minute) / 60 + float(sec) / 3600
            values.append(-value if hemi in "SW" else value)
        else:
            values.append(float(text.replace(",", ".")))
    lat, lon = values
    if abs(lat) > 1000:   # UTM northing/easting in metres
        to_wgs = Transformer.from_crs("EPSG:32748", "EPSG:4326", always_xy=True)
        lon, lat = to_wgs.transform(lon, lat)
    elif abs(lat) > 90:
        lat, lon = lon, lat
    return lat, lon


# ---------------------------------------------------------------- the folder


def test_writes_every_file(outdir: Path, tmp_path: Path) -> None:
    paths = write_sample_data(tmp_path / "new" / "folder", seed=2020)
    assert {p.name for p in paths} == FILES
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert {p.name for p in outdir.iterdir()} == FILES


def test_same_seed_same_bytes_other_seed_differs(outdir: Path, tmp_path: Path) -> None:
    again = write_sample_data(tmp_path / "again", seed=2020)
    for path in again:
        assert path.read_bytes() == (outdir / path.name).read_bytes(), path.name
    other = write_sample_data(tmp_path / "other", seed=7)
    differs = [p.name for p in other if p.read_bytes() != (outdir / p.name).read_bytes()]
    assert "bantuan_umkm_pkl.csv" in differs and "pelatihan_blk_2020.xlsx" in differs


def test_xlsx_timestamps_are_fixed(outdir: Path) -> None:
    with zipfile.ZipFile(outdir / "pelatihan_blk_2020.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2020, 12, 31, 0, 0, 0)}
    workbook = openpyxl.load_workbook(outdir / "pelatihan_blk_2020.xlsx")
    assert workbook.properties.modified.year == 2020
    assert workbook.properties.created.year == 2020


def test_every_file_says_it_is_sample_data(outdir: Path) -> None:
    for name in FILES - {"README.txt", "pelatihan_blk_2020.xlsx"}:
        first = (outdir / name).read_text(encoding="utf-8-sig").splitlines()[0]
        assert "DATA CONTOH" in first and "seed 2020" in first, name
    sheet = openpyxl.load_workbook(outdir / "pelatihan_blk_2020.xlsx").active
    assert "DATA CONTOH" in sheet["A1"].value and "seed 2020" in sheet["A1"].value
    readme = (outdir / "README.txt").read_text(encoding="utf-8")
    assert "SAMPLE DATA" in readme and "seed 2020" in readme and "NOT real records" in readme
    for name in FILES - {"README.txt"}:
        assert name in readme


def test_bad_arguments_raise_user_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(GeoappError) as info:
        write_sample_data(blocker, seed=1)
    assert str(blocker) in info.value.text("en")
    with pytest.raises(GeoappError) as info:
        write_sample_data(tmp_path / "s", seed=-1)
    assert "-1" in info.value.text("id")


# ---------------------------------------------------------------- the city totals


def test_umkm_csv_totals_and_format(outdir: Path) -> None:
    raw = (outdir / "bantuan_umkm_pkl.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(outdir / "bantuan_umkm_pkl.csv", ";", "utf-8-sig")
    header, body = split_csv(rows, "No")
    assert header == ["No", "Kecamatan", "Kelurahan", "Kode Wilayah", "Program",
                      "Jumlah Kelompok", "Nilai Bantuan (Rp)", "Tahun"]
    total, data = body[-1], body[:-1]
    assert total[0] == "JUMLAH"
    groups = [id_number(v) for v in column(header, data, "Jumlah Kelompok")]
    aid = [id_number(v) for v in column(header, data, "Nilai Bantuan (Rp)")]
    assert sum(groups) == 7525
    assert id_number(total[5]) == 7525 and id_number(total[6]) == sum(aid)
    assert any(v.startswith("Rp ") for v in column(header, data, "Nilai Bantuan (Rp)"))
    blank = [r for r in rows[rows.index(header) + 1 :] if not any(c.strip() for c in r)]
    assert len(blank) >= 2
    assert set(column(header, data, "Program")) == {"Tangerang BISA", "Tangerang Emas"}


def blk_rows(outdir: Path) -> tuple[openpyxl.worksheet.worksheet.Worksheet, int, list[tuple]]:
    sheet = openpyxl.load_workbook(outdir / "pelatihan_blk_2020.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(values) if row[0] == "No")
    return sheet, at, [row for row in values[at + 1 :] if any(v is not None for v in row)]


def test_blk_xlsx_totals_merged_kecamatan_and_text_numbers(outdir: Path) -> None:
    sheet, at, body = blk_rows(outdir)
    header = list(sheet.iter_rows(min_row=at + 1, max_row=at + 1, values_only=True))[0]
    peserta = header.index("Peserta")
    total, data = body[-1], body[:-1]
    assert total[0] == "TOTAL" and total[peserta] == 11380
    assert sum(int(str(row[peserta]).strip()) for row in data) == 11380
    assert any(isinstance(row[peserta], str) for row in data)
    merged = [r for r in sheet.merged_cells.ranges if r.min_col == 2 and r.max_row > r.min_row]
    assert len(merged) == 13
    kecamatan_cells = [row[1] for row in data if row[1] is not None]
    assert len(kecamatan_cells) == 13
    trainings = {row[header.index("Jenis Pelatihan")] for row in data}
    assert {"Menjahit", "Tata Boga", "Barista", "Servis AC"} <= trainings


def test_kwt_44_groups_and_seedlings(outdir: Path) -> None:
    header, body = split_csv(read_csv(outdir / "kwt.csv"), "Nama KWT")
    assert len(body) == 44
    assert len(set(column(header, body, "Nama KWT"))) == 44
    assert sum(id_number(v) for v in column(header, body, "Bibit Diterima")) == 484118
    lats = column(header, body, "Lintang")
    assert sum(bool(DMS.match(v)) for v in lats) >= 2
    assert sum("," in v for v in lats) >= 1
    assert sum(abs(float(v.replace(",", "."))) > 90 for v in lats if not DMS.match(v)) == 2


def test_job_fair_157_companies_and_vacancies(outdir: Path) -> None:
    header, body = split_csv(read_csv(outdir / "job_fair_2020.csv"), "No")
    assert len(body) == 157
    names = column(header, body, "Nama Perusahaan")
    assert len(set(names)) == 157 and all(" Contoh " in n for n in names)
    assert sum(id_number(v) for v in column(header, body, "Jumlah Lowongan")) == 13194
    with_coords = sum(bool(v) for v in column(header, body, "Lintang"))
    assert 0 < with_coords < 157


def test_population_table(outdir: Path, boundaries: pd.DataFrame) -> None:
    rows = read_csv(outdir / "penduduk_kelurahan.csv")
    assert "ILUSTRATIF" in rows[1][0]
    header, body = split_csv(rows, "Kode Wilayah")
    assert sum(int(v) for v in column(header, body, "Jumlah Penduduk")) == 1957349
    assert column(header, body, "Kode Wilayah") == list(boundaries.index)


def test_site_counts(outdir: Path) -> None:
    _, ecofarm = split_csv(read_csv(outdir / "ecofarm.csv"), "Nama Lokasi")
    _, kampung = split_csv(read_csv(outdir / "kampung_tematik.csv"), "Nama Kampung")
    assert 12 <= len(ecofarm) <= 20 and 40 <= len(kampung) <= 60
    assert {row[1] for row in ecofarm} == {"ketahanan pangan", "agrowisata"}
    assert all(re.search(r"0812-0000-\d{4}", row[5]) for row in kampung)


# ---------------------------------------------------------------- truth and points


@pytest.mark.parametrize(
    ("name", "first_header"),
    [("kwt.csv", "Nama KWT"), ("ecofarm.csv", "Nama Lokasi"),
     ("kampung_tematik.csv", "Nama Kampung")],
)
def test_points_lie_in_their_kelurahan(outdir: Path, boundaries: pd.DataFrame, name: str,
                                       first_header: str) -> None:
    header, body = split_csv(read_csv(outdir / name), first_header)
    truth = sample_truth(2020)[name]
    assert len(truth) == len(body)
    checked = 0
    for row, kode in zip(body, truth, strict=True):
        lat_text, lon_text = row[header.index("Lintang")], row[header.index("Bujur")]
        if not lat_text:
            continue
        lat, lon = parse_point(lat_text, lon_text)
        polygon = boundaries.loc[kode, "geometry"]
        assert shapely.contains_xy(polygon, lon, lat), (name, row)
        assert kode.startswith("36.71.")
        checked += 1
    assert checked >= len(body) - 2


def test_truth_matches_rows_and_marks_the_problem_rows(outdir: Path,
                                                       boundaries: pd.DataFrame) -> None:
    truth = sample_truth(2020)
    _, umkm = split_csv(read_csv(outdir / "bantuan_umkm_pkl.csv", ";", "utf-8-sig"), "No")
    assert len(truth["bantuan_umkm_pkl.csv"]) == len(umkm) - 1   # JUMLAH left out
    _, _, blk = blk_rows(outdir)
    assert len(truth["pelatihan_blk_2020.xlsx"]) == len(blk) - 1
    undecidable = {name: [i for i, k in enumerate(t) if k is None] for name, t in truth.items()}
    assert [umkm[i][2] for i in undecidable["bantuan_umkm_pkl.csv"]] == ["Sudimara"]
    _, jobs = split_csv(read_csv(outdir / "job_fair_2020.csv"), "No")
    assert [jobs[i][3] for i in undecidable["job_fair_2020.csv"]] == ["Pondok Aren"]
    [conflict] = [blk[i] for i in undecidable["pelatihan_blk_2020.xlsx"]]
    named = boundaries.index[boundaries["nama"] == conflict[2]][0]
    assert conflict[3] in boundaries.index and conflict[3][:8] != named[:8]
    for name in ("kwt.csv", "ecofarm.csv", "kampung_tematik.csv", "penduduk_kelurahan.csv"):
        assert undecidable[name] == []
    assert all(k in boundaries.index for t in truth.values() for k in t if k is not None)


def test_files_are_messy_but_mostly_clean(outdir: Path, boundaries: pd.DataFrame) -> None:
    header, body = split_csv(read_csv(outdir / "bantuan_umkm_pkl.csv", ";", "utf-8-sig"), "No")
    truth = sample_truth(2020)["bantuan_umkm_pkl.csv"]
    names = column(header, body[:-1], "Kelurahan")
    clean = [n == boundaries.loc[k, "nama"] for n, k in zip(names, truth, strict=True) if k]
    messy_share = 1 - sum(clean) / len(clean)
    assert 0.05 <= messy_share <= 0.3
    codes = column(header, body[:-1], "Kode Wilayah")
    assert any(re.fullmatch(r"36\.71\.\d\d\.\d{4}", c) for c in codes)
    assert any(re.fullmatch(r"3671\d{6}", c) for c in codes)
    assert any(c == "" for c in codes)


# ---------------------------------------------------------------- messy_name


def name_key(text: str) -> str:
    text = re.sub(r"^(kelurahan|kel|desa)\b\.?", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"[^a-z]", "", text.lower())


def test_messy_name_variants_stay_recoverable(boundaries: pd.DataFrame) -> None:
    rng = np.random.default_rng(5)
    names = list(boundaries["nama"])
    keys = {name_key(n): n for n in names}
    for nama in names:
        for _ in range(25):
            variant = messy_name(nama, rng)
            assert variant != nama
            key = name_key(variant)
            assert keys.get(key, nama) == nama, (nama, variant)
            own = Levenshtein.distance(key, name_key(nama))
            if own <= 2:   # a typo or a spacing change: clearly nearest its own name
                nearest = min(Levenshtein.distance(key, k) for k in keys if keys[k] != nama)
                assert nearest > own, (nama, variant)


def test_messy_name_covers_the_office_habits() -> None:
    rng = np.random.default_rng(11)

    def variants(nama: str) -> set[str]:
        return {messy_name(nama, rng) for _ in range(400)}

    assert "Tjipondoh" in variants("Cipondoh")
    assert any(v.startswith("Oewoeng") for v in variants("Uwung Jaya"))
    assert "Suka Asih" in variants("Sukaasih")
    assert "Padurenan (Pedurenan)" in variants("Padurenan")
    pondok = variants("Pondok Bahar")
    assert "Pd. Bahar" in pondok and any(v.lower().startswith(("kel", "desa")) for v in pondok)
    assert "Larangan Utr" in variants("Larangan Utara")


# ---------------------------------------------------------------- generate_messy_records


def test_messy_records_shape_and_truth(boundaries: pd.DataFrame) -> None:
    frame, truth = generate_messy_records(5000, seed=3)
    assert list(frame.columns) == ["No", "Kecamatan", "Kelurahan", "Kode Wilayah",
                                   "Jumlah Kelompok", "Nilai Bantuan (Rp)"]
    assert len(frame) == len(truth) == 5000
    assert all(pd.api.types.is_string_dtype(frame[c]) for c in frame.columns)
    known = [k for k in truth if k is not None]
    assert set(known) <= set(boundaries.index)
    assert 0 < len(truth) - len(known) < 0.01 * len(truth)
    assert len(set(known)) == 104
    named = [frame["Kelurahan"][i] == boundaries.loc[k, "nama"]
             for i, k in enumerate(truth) if k is not None]
    assert 0.75 <= np.mean(named) <= 0.92
    assert 0.6 <= (frame["Kecamatan"] != "").mean() <= 0.8
    assert frame["No"].iloc[-1] == "5000"
    groups = frame["Jumlah Kelompok"].astype(int)
    aid = frame["Nilai Bantuan (Rp)"].map(id_number)
    assert ((aid % groups) == 0).all()


def test_messy_records_deterministic_and_seeded() -> None:
    a, ta = generate_messy_records(300, seed=9, coord_share=0.5)
    b, tb = generate_messy_records(300, seed=9, coord_share=0.5)
    c, _ = generate_messy_records(300, seed=10, coord_share=0.5)
    pd.testing.assert_frame_equal(a, b)
    assert list(ta) == list(tb)
    assert not a.equals(c)


def test_messy_records_points_inside_true_kelurahan(boundaries: pd.DataFrame) -> None:
    frame, truth = generate_messy_records(2000, seed=4, kecamatan_share=0.0, coord_share=0.4)
    assert (frame["Kecamatan"] == "").mean() > 0.99
    has = frame["Lintang"] != ""
    assert 0.3 <= has.mean() <= 0.5
    for i in np.flatnonzero(has.to_numpy())[:300]:
        polygon = boundaries.loc[truth[i], "geometry"]
        assert shapely.contains_xy(polygon, float(frame["Bujur"][i]), float(frame["Lintang"][i]))


def test_messy_records_problem_rows() -> None:
    frame, truth = generate_messy_records(20000, seed=1)
    undecidable = frame[[k is None for k in truth]]
    assert {"Sudimara", "Pondok Aren"} <= set(undecidable["Kelurahan"])
    conflict = undecidable[~undecidable["Kelurahan"].isin(["Sudimara", "Pondok Aren"])]
    assert len(conflict) > 0 and (conflict["Kode Wilayah"] != "").all()


def test_messy_records_codes_exist_in_national_gazetteer() -> None:
    gazetteer = gazetteer_frame()      # the national gazetteer shipped with geoapp
    kelurahan = set(gazetteer.loc[gazetteer["tingkat"] == "desa_kelurahan", "kode"])
    _, truth = generate_messy_records(3000, seed=2)
    assert {k for k in truth if k is not None} <= kelurahan
    outside = gazetteer[gazetteer["nama"].str.lower() == "pondok aren"]["kode"]
    assert len(outside) > 0 and not any(k.startswith("36.71") for k in outside)


def test_messy_records_empty_and_bad_arguments() -> None:
    frame, truth = generate_messy_records(0)
    assert len(frame) == 0 and len(truth) == 0
    for kwargs in ({"n_rows": -1}, {"n_rows": 2.5}, {"n_rows": 10, "kecamatan_share": 1.5},
                   {"n_rows": 10, "coord_share": -0.1}, {"n_rows": 10, "coord_share": "x"},
                   {"n_rows": 10, "seed": -3}):
        with pytest.raises(GeoappError):
            generate_messy_records(**kwargs)


def test_csv_text_is_readable_by_pandas(outdir: Path) -> None:
    frame = pd.read_csv(io.BytesIO((outdir / "kwt.csv").read_bytes()), skiprows=2, dtype=str)
    assert len(frame) == 44 and "Bibit Diterima" in frame.columns
