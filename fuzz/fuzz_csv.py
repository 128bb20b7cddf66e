"""atheris harness: arbitrary bytes as a CSV upload (``make fuzz MINUTES=5``)."""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy  # noqa: F401,E402  (heavy libraries: imported first, not instrumented)
import pandas  # noqa: F401,E402

with atheris.instrument_imports(include=["geoapp", "_common"]):
    import _common


def test_one_input(data: bytes) -> None:
    _common.check_one(data, "fuzz.csv")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
