"""Issue #13, point 3: files with thousands of columns are refused early (MAX_COLUMNS).

A 169 KB CSV of 20,001 columns took 28 s to upload and 30 s per preview. The readers
now refuse a table wider than MAX_COLUMNS (default 200) as soon as its width is known:
a CSV from the sniffed sample, before pandas or pyarrow build a grid; an XLSX from a
streamed scan of the worksheet XML, before openpyxl opens the workbook. "Early" is
checked by counting calls into the costly steps (never by timing).
"""

from __future__ import annotations

import pytest
import sample_app as samples
from badinput_support import error_text, login_planner, post_upload, snapshot
from click.testing import CliRunner
from corpus import csv_wide, csv_wide_late, xlsx_far_column, xlsx_wide

from geoapp.core.errors import GeoappError
from geoapp.core.settings import BY_NAME
from geoapp.io.records import columns, csv_reader, xlsx_reader
from geoapp.io.records.reader import read_records


class Calls:
    """Counts calls into the readers' costly steps (each still runs as before)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: dict[str, int] = {}
        self.widths: list[int] = []
        for module, name in ((csv_reader, "read_arrow_grid"), (xlsx_reader, "_open"),
                             (xlsx_reader, "cell_text"), (columns, "_parse_column")):
            self._count(monkeypatch, module, name)
        real_read = csv_reader._read

        def counted_read(data, *, ncols, **kw):
            self.widths.append(ncols)
            return real_read(data, ncols=ncols, **kw)

        monkeypatch.setattr(csv_reader, "_read", counted_read)

    def _count(self, monkeypatch, module, name) -> None:
        real = getattr(module, name)

        def counted(*args, **kw):
            self.counts[name] = self.counts.get(name, 0) + 1
            return real(*args, **kw)

        monkeypatch.setattr(module, name, counted)

    def grid_work(self) -> dict[str, int]:
        """Calls that build or walk a grid: none may happen for a refused wide file."""
        return {k: v for k, v in self.counts.items() if v}


def test_the_default_limit_is_a_setting_far_above_the_real_files():
    assert BY_NAME["MAX_COLUMNS"].default == 200   # the sample files have 7 or 8 columns


WIDE = [
    ("csv-20001", csv_wide, "lebar.csv", "memiliki 20001 kolom, melebihi batas 200 kolom"),
    ("xlsx-20001", xlsx_wide, "lebar.xlsx", "memiliki 20001 kolom, melebihi batas 200 kolom"),
    ("xlsx-20001-no-refs", lambda: xlsx_wide(refs=False), "lebar2.xlsx", "memiliki 20001 kolom"),
    ("xlsx-column-xfd", xlsx_far_column, "jauh.xlsx", "memiliki 16384 kolom"),
]


@pytest.mark.parametrize("factory,filename,expected", [c[1:] for c in WIDE],
                         ids=[c[0] for c in WIDE])
def test_wide_upload_is_refused_before_any_grid_is_built(hostile_app, planner, monkeypatch,
                                                         factory, filename, expected):
    data = factory()
    before = snapshot(hostile_app)
    calls = Calls(monkeypatch)
    response = post_upload(planner, data, filename)
    assert response.status_code == 413
    text = error_text(response)
    assert expected in text and "MAX_COLUMNS" in text and "Hapus kolom" in text
    assert calls.grid_work() == {} and calls.widths == []   # stopped before parsing
    assert snapshot(hostile_app) == before


def test_wide_upload_message_in_english(hostile_app, planner):
    response = post_upload(planner, csv_wide(), "wide.csv", query="?lang=en")
    assert response.status_code == 413
    assert ("The file 'wide.csv' has 20001 columns, more than the limit of 200"
            in error_text(response))


def test_a_wide_row_after_the_sniffed_sample_is_refused_before_the_wide_grid(monkeypatch):
    calls = Calls(monkeypatch)
    with pytest.raises(GeoappError) as caught:
        read_records(csv_wide_late(), "akhir.csv", max_columns=200)
    assert caught.value.status == 413 and "5000 columns" in caught.value.text("en")
    assert all(width <= 200 for width in calls.widths)      # no 5,000-column grid
    assert calls.counts.get("_parse_column", 0) == 0


def test_the_xlsx_scan_stops_at_the_first_wide_chunk(monkeypatch):
    from geoapp.io.records import sheet_scan

    data = xlsx_wide(columns=20_001, rows=40)                # ~16 MB of sheet XML
    monkeypatch.setattr(sheet_scan, "_CHUNK", 1 << 16)
    fed: list[int] = []
    real_feed = sheet_scan._Scan.feed
    monkeypatch.setattr(sheet_scan._Scan, "feed", lambda self, body: (fed.append(len(body)),
                                                                      real_feed(self, body)))
    with pytest.raises(GeoappError) as caught:
        read_records(data, "lebar.xlsx", max_columns=200)
    assert caught.value.status == 413
    assert len(fed) == 1 and sum(fed) <= 1 << 16          # the first 64 KB chunk only


def test_a_width_the_scan_cannot_see_is_refused_before_the_rows_are_padded(monkeypatch):
    """A character reference in ``r`` hides the column from the XML scan; openpyxl reads
    it as XFD2, and the sheet is refused before ``iter_rows`` pads rows to 16,384."""
    calls = Calls(monkeypatch)
    with pytest.raises(GeoappError) as caught:
        read_records(xlsx_far_column('r="&#88;FD2"'), "jauh.xlsx", max_columns=200)
    assert caught.value.status == 413 and "16384 columns" in caught.value.text("en")
    assert calls.counts.get("cell_text", 0) == 0


def test_files_at_the_limit_still_read_and_zero_means_no_limit():
    table = read_records(csv_wide(columns=200, rows=2), "pas.csv", max_columns=200)
    assert len(table.headers) == 200
    with pytest.raises(GeoappError):
        read_records(csv_wide(columns=201, rows=2), "lewat.csv", max_columns=200)
    assert len(read_records(csv_wide(columns=201, rows=2), "bebas.csv").headers) == 201
    book = read_records(xlsx_wide(columns=200, rows=2), "pas.xlsx", header_row=1,
                        max_columns=200)
    assert len(book.headers) == 200


def test_the_app_setting_is_used(sample_template, tmp_path):
    app = samples.make_app(samples.copy_instance(sample_template, tmp_path / "inst"),
                           MAX_COLUMNS=5)
    try:
        client = login_planner(app)
        response = post_upload(client, csv_wide(columns=6, rows=2), "enam.csv")
        assert response.status_code == 413 and "melebihi batas 5 kolom" in error_text(response)
    finally:
        samples.dispose_app(app)


def test_geoapp_match_honours_the_limit(tmp_path, monkeypatch):
    from geoapp.cli.main import main

    wide = tmp_path / "lebar.csv"
    wide.write_bytes(csv_wide(columns=250, rows=2))
    monkeypatch.delenv("GEOAPP_MAX_COLUMNS", raising=False)
    result = CliRunner().invoke(main, ["--lang", "en", "match", str(wide),
                                       "-o", str(tmp_path / "out.csv")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "has 250 columns, more than the limit of 200" in result.output
    assert "MAX_COLUMNS" in result.output
    monkeypatch.setenv("GEOAPP_MAX_COLUMNS", "300")
    result = CliRunner().invoke(main, ["--lang", "en", "match", str(wide),
                                       "-o", str(tmp_path / "out.csv")])
    assert "250 columns" not in result.output
