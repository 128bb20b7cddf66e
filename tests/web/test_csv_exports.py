"""Layer CSV downloads: readable by a spreadsheet set to Indonesian (";" and ","
decimals, rounded) in Indonesian, by one set to English in English, and machine-readable
on request (?csv=machine: "," and "." at full precision). On the seeded sample data."""

from __future__ import annotations

import csv
import io


def rows(response, sep):
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=sep))


def test_indonesian_csv_uses_semicolons_and_comma_decimals(shared_sample_client):
    r = shared_sample_client.get("/api/layers/umkm-kelompok-km2.csv?lang=id")
    assert r.status_code == 200
    table = rows(r, ";")
    value = next(t["value"] for t in table if t["value"])
    assert "," in value and "." not in value
    assert len(value.split(",")[1]) <= 2                 # rounded to 2 decimals
    lon = table[0]["lon"]
    assert lon.startswith("106,") and len(lon.split(",")[1]) <= 6
    assert table[0]["jumlah_baris"].isdigit()            # whole numbers stay whole


def test_english_and_machine_csv(shared_sample_client):
    english = rows(shared_sample_client.get("/api/layers/umkm-kelompok-km2.csv?lang=en"), ",")
    value = next(t["value"] for t in english if t["value"])
    assert "." in value and len(value.split(".")[1]) <= 2
    machine = shared_sample_client.get("/api/layers/umkm-kelompok-km2.csv?csv=machine&lang=id")
    exact = rows(machine, ",")
    full = next(t["value"] for t in exact if t["value"])
    assert "." in full and len(full.split(".")[1]) > 2
    assert float(full) == float(full)


def test_unknown_csv_flavour_is_refused(shared_sample_client):
    r = shared_sample_client.get("/api/layers/umkm-kelompok-km2.csv?csv=excel")
    assert r.status_code == 400 and "machine" in r.get_data(as_text=True)
