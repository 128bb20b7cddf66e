"""Builders for the generated part of the bad-input corpus (see README.md).

Everything is built in memory with ``zipfile``/``sqlite3``/plain bytes: hostile XLSX
(entity bombs, 1,000,000 rows, zip bombs), zipped Shapefiles, GeoPackages with views or
triggers and OGR VRT documents. Hand-made small files live in ``files/``.
"""

from __future__ import annotations

import io
import sqlite3
import struct
import zipfile
from pathlib import Path

FILES = Path(__file__).resolve().parent / "files"
BOUNDARIES = Path(__file__).resolve().parents[2] / "data" / "boundaries"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
              "sharedStrings")


def read_file(name: str) -> bytes:
    return (FILES / name).read_bytes()


# ---------------------------------------------------------------------------- XLSX


def workbook_bytes(rows: list[list[object]]) -> bytes:
    """A small, valid XLSX made by openpyxl (the template the hostile ones start from)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def replace_members(data: bytes, replace: dict[str, bytes],
                    compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The zip ``data`` with some members replaced or added (others copied as they are)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            if info.filename not in replace:
                dst.writestr(info.filename, src.read(info))
        for name, body in replace.items():
            dst.writestr(name, body)
    return out.getvalue()


def sheet_xml(body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN_NS}">'
            f"<sheetData>{body}</sheetData></worksheet>").encode()


def inline_row(r: int, *cells: str) -> str:
    parts = []
    for i, text in enumerate(cells):
        ref = f"{chr(65 + i)}{r}"
        parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    return f'<row r="{r}">{"".join(parts)}</row>'


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                    for i in range(1, 10))
          + "]>")


def xlsx_entity_bomb_sheet() -> bytes:
    """Billion laughs inside the worksheet XML."""
    xml = sheet_xml(inline_row(1, "Kelurahan", "Jumlah") + inline_row(2, "&lol9;", "1"),
                    prolog=LAUGHS)
    return replace_members(workbook_bytes([["x"]]), {"xl/worksheets/sheet1.xml": xml})


def _with_shared_strings(template: bytes, shared: bytes, sheet: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(template))
    types = src.read("[Content_Types].xml").decode().replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_TYPE}"/>'
                    "</Types>")
    rels = src.read("xl/_rels/workbook.xml.rels").decode().replace(
        "</Relationships>", f'<Relationship Id="rIdS" Type="{SHARED_REL}" '
                            'Target="sharedStrings.xml"/></Relationships>')
    return replace_members(template, {
        "[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
        "xl/sharedStrings.xml": shared, "xl/worksheets/sheet1.xml": sheet})


def xlsx_entity_bomb_shared() -> bytes:
    """Billion laughs inside sharedStrings.xml, referenced by the header cell."""
    shared = (f'<?xml version="1.0" encoding="UTF-8"?>{LAUGHS}<sst xmlns="{MAIN_NS}" count="1" '
              'uniqueCount="1"><si><t>&lol9;</t></si></sst>').encode()
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return _with_shared_strings(workbook_bytes([["x"]]), shared, sheet)


def xlsx_external_entity() -> bytes:
    """XXE: an external entity naming /etc/passwd in the sheet XML."""
    prolog = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    xml = sheet_xml(inline_row(1, "Kelurahan", "Jumlah") + inline_row(2, "&xxe;", "1"),
                    prolog=prolog)
    return replace_members(workbook_bytes([["x"]]), {"xl/worksheets/sheet1.xml": xml})


def xlsx_million_rows(rows: int = 1_000_000) -> bytes:
    """A workbook whose sheet has ``rows`` data rows, written as raw XML (cheap)."""
    names = ("Sukasari", "Cikokol", "Babakan", "Sukarasa", "Tanah Tinggi")
    head = inline_row(1, "Kelurahan", "Jumlah")
    body = io.StringIO()
    body.write(head)
    for r in range(2, rows + 2):
        body.write(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{names[r % 5]}</t></is></c>'
                   f'<c r="B{r}"><v>{r * 7919 % 1000}</v></c></row>')
    return replace_members(workbook_bytes([["x"]]),
                           {"xl/worksheets/sheet1.xml": sheet_xml(body.getvalue())})


def xlsx_ratio_bomb(megabytes: int = 64) -> bytes:
    """An XLSX whose sheet XML is mostly zeros: extreme compression ratio."""
    filler = "<!--" + "0" * (megabytes * 2**20) + "-->"
    xml = sheet_xml(inline_row(1, "Kelurahan", "Jumlah") + filler)
    return replace_members(workbook_bytes([["x"]]), {"xl/worksheets/sheet1.xml": xml})


def xlsx_many_members(count: int = 2500) -> bytes:
    """A valid workbook plus thousands of tiny extra members."""
    extra = {f"xl/media/pad{i}.bin": b"" for i in range(count)}
    return replace_members(workbook_bytes([["Kelurahan", "Jumlah"], ["Sukasari", 3]]), extra)


def patch_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size of ``member`` in the central directory (a lie)."""
    raw = bytearray(data)
    name = member.encode()
    pos = raw.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46: pos + 46 + name_len] == name:
            struct.pack_into("<I", raw, pos + 24, size)
        pos = raw.find(b"PK\x01\x02", pos + 4)
    return bytes(raw)


def xlsx_declared_huge() -> bytes:
    """A workbook whose sheet declares 4 GB uncompressed in the central directory."""
    good = workbook_bytes([["Kelurahan", "Jumlah"], ["Sukasari", 3]])
    return patch_declared_size(good, "xl/worksheets/sheet1.xml", 0xFFFFFFF0)


def xlsx_nul_rtl_names() -> bytes:
    """Names with a NUL (Excel's _x0000_ escape) and an RTL override (U+202E)."""
    body = (inline_row(1, "Kelurahan", "Kecamatan", "Jumlah")
            + inline_row(2, "Suka_x0000_sari", "Tangerang", "5")
            + inline_row(3, "Cikokol\u202egnaregnaT", "Tangerang", "7")
            + inline_row(4, "Babakan", "Tangerang", "2"))
    return replace_members(workbook_bytes([["x"]]), {"xl/worksheets/sheet1.xml": sheet_xml(body)})


def column_letters(number: int) -> str:
    """Spreadsheet column letters of a 1-based column number (1 A, 27 AA, 16384 XFD)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def csv_wide(columns: int = 20_001, rows: int = 4) -> bytes:
    """A CSV of ``columns`` columns (issue #13: 20,001 columns, ~170 KB, took 28 s)."""
    header = ",".join(["Kelurahan", *(f"K{i}" for i in range(2, columns + 1))])
    body = "\n".join(",".join(["Cikokol", *("1" for _ in range(columns - 1))])
                     for _ in range(rows))
    return f"{header}\n{body}\n".encode()


def csv_wide_late(columns: int = 5000, rows: int = 10_000) -> bytes:
    """A narrow CSV (beyond the sniffed sample) whose last row has ``columns`` fields."""
    return (b"Kelurahan,Jumlah\n" + b"Cikokol,3\n" * rows
            + ",".join(["Babakan", *("1" for _ in range(columns - 1))]).encode() + b"\n")


def xlsx_wide(columns: int = 20_001, rows: int = 3, refs: bool = True) -> bytes:
    """A workbook whose sheet has ``columns`` columns, as raw XML (with or without the
    cells' ``r="..."`` references; openpyxl places reference-less cells by position)."""
    body = []
    for r in range(1, rows + 1):
        cells = "".join((f'<c r="{column_letters(c)}{r}">' if refs else "<c>") + f"<v>{c}</v></c>"
                        for c in range(1, columns + 1))
        body.append(f'<row r="{r}">{cells}</row>')
    return replace_members(workbook_bytes([["x"]]),
                           {"xl/worksheets/sheet1.xml": sheet_xml("".join(body))})


def xlsx_far_column(ref: str = 'r="XFD2"') -> bytes:
    """A small table plus ONE cell in column XFD: openpyxl would pad every row to 16,384."""
    body = (inline_row(1, "Kelurahan", "Jumlah") + f'<row r="2"><c {ref}><v>1</v></c></row>'
            + inline_row(3, "Cikokol", "3"))
    return replace_members(workbook_bytes([["x"]]), {"xl/worksheets/sheet1.xml": sheet_xml(body)})


def truncated(data: bytes, fraction: float = 0.5) -> bytes:
    return data[: int(len(data) * fraction)]


# ---------------------------------------------------------------------------- zips


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


def shapefile_members() -> dict[str, bytes]:
    """A real zipped Shapefile of the Kota Tangerang kelurahan, as members."""
    import tempfile

    import geopandas as gpd

    frame = gpd.read_file(BOUNDARIES / "kota_tangerang_kelurahan.geojson").head(3)
    with tempfile.TemporaryDirectory() as folder:
        frame.to_file(Path(folder) / "kel.shp", driver="ESRI Shapefile")
        return {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir())}


def shapefile_ratio_bomb() -> bytes:
    members = shapefile_members()
    members["kel.dbf"] = members["kel.dbf"] + b"\x00" * (32 * 2**20)
    return zip_of(members)


def shapefile_many_members() -> bytes:
    members = shapefile_members()
    members.update({f"kel{i}.xml": b"" for i in range(60)})
    return zip_of(members)


def shapefile_declared_huge() -> bytes:
    return patch_declared_size(zip_of(shapefile_members()), "kel.shp", 0xFFFFFFF0)


def shapefile_traversal_names() -> bytes:
    """Members named ../../ (zip slip): the loader must never write them anywhere."""
    return zip_of({f"../../tmp/evil/kel{Path(n).suffix}": b
                   for n, b in shapefile_members().items()})


VRT_LOCAL = (b'<OGRVRTDataSource><OGRVRTLayer name="kel"><SrcDataSource>/etc/passwd'
             b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>")
VRT_URL = (b'<OGRVRTDataSource><OGRVRTLayer name="kel"><SrcDataSource>'
           b"/vsicurl/http://127.0.0.1:1/kel.geojson</SrcDataSource></OGRVRTLayer>"
           b"</OGRVRTDataSource>")


def zip_with_vrt() -> bytes:
    return zip_of({"kel.vrt": VRT_URL, **shapefile_members()})


def zip_only_vrt() -> bytes:
    return zip_of({"kel.vrt": VRT_LOCAL})


# ---------------------------------------------------------------------------- GeoPackage


def gpkg_bytes(extra_sql: str = "") -> bytes:
    """A real GeoPackage (three kelurahan) with ``extra_sql`` run on it afterwards."""
    import tempfile

    import geopandas as gpd

    frame = gpd.read_file(BOUNDARIES / "kota_tangerang_kelurahan.geojson").head(3)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kel.gpkg"
        frame.to_file(path, driver="GPKG", layer="kel")
        if extra_sql:
            con = sqlite3.connect(path)
            con.executescript(extra_sql)
            con.commit()
            con.close()
        return path.read_bytes()


GPKG_VIEW = "CREATE VIEW secrets AS SELECT * FROM sqlite_master;"
GPKG_TRIGGER = ("CREATE TABLE log(x); CREATE TRIGGER evil AFTER INSERT ON kel "
                "BEGIN INSERT INTO log VALUES (1); END;")


# ---------------------------------------------------------------------------- KML

KML_ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
    b'<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&xxe;&lol2;</name>'
    b"<Point><coordinates>106.63,-6.17</coordinates></Point></Placemark></kml>"
)
