"""atheris harness: a valid workbook whose sheet XML, shared strings or bytes are mutated."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy  # noqa: F401,E402  (heavy libraries: imported first, not instrumented)
import pandas  # noqa: F401,E402

with atheris.instrument_imports(include=["geoapp", "_common"]):
    import _common

_SEED: dict[str, bytes] = {}


def _template() -> dict[str, bytes]:
    """The members of a small real workbook (made once by openpyxl)."""
    if not _SEED:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        for row in (["Kelurahan", "Kecamatan", "Jumlah"], ["Sukasari", "Tangerang", 3],
                    ["Cikokol", "Tangerang", 4.5], ["JUMLAH", "", 7.5]):
            sheet.append(row)
        buf = io.BytesIO()
        book.save(buf)
        src = zipfile.ZipFile(buf)
        _SEED.update({n: src.read(n) for n in src.namelist()})
    return _SEED


def _workbook(fdp: atheris.FuzzedDataProvider) -> bytes:
    members = dict(_template())
    target = fdp.PickValueInList(["xl/worksheets/sheet1.xml", "xl/workbook.xml",
                                  "xl/styles.xml", "[Content_Types].xml"])
    members[target] = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 4096))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, body in members.items():
            out.writestr(name, body)
    return buf.getvalue()


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeBool():
        payload = _workbook(fdp)
    else:
        payload = fdp.ConsumeBytes(fdp.remaining_bytes())
    _common.check_one(payload, "fuzz.xlsx")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
