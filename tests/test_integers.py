"""Whole numbers from users: ASCII digits only, one helper (issue #13 point 2).

The web sweep is tests/badinput/test_integer_params.py; here: the helper itself, every
integer option of the command line (found by walking the click commands), the column
numbers of the reader and the integer settings.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import geoapp
from geoapp.cli import common
from geoapp.cli.main import main
from geoapp.core.errors import GeoappError
from geoapp.core.settings import load_settings
from geoapp.io.records.headers import build_mapping
from geoapp.values.integers import ascii_int, parse_int, parse_int_list, parse_optional_int

HOSTILE = ["²", "٣", "１", "-1", "1e3", "1" * 30, "", "+3", "3.0", "1_0", "0x3", "3 3"]
PACKAGE = Path(geoapp.__file__).resolve().parent
IntParam = getattr(common, "IntParam", ())   # the command line's ASCII integer type


@pytest.mark.parametrize("text, number", [("3", 3), (" 42 ", 42), ("007", 7), ("-5", -5), (9, 9)])
def test_ascii_digits_are_read(text, number):
    assert ascii_int(text) == number


@pytest.mark.parametrize("text", [*(h for h in HOSTILE if h not in ("-1", "1" * 30)), None, True,
                                  "0" * 5000 + "1", "٣٣", "3\u00a0"])
def test_anything_else_is_not_a_number(text):
    assert ascii_int(text) is None


@pytest.mark.parametrize("text", HOSTILE)
def test_parse_int_names_parameter_value_and_range(text):
    with pytest.raises(GeoappError) as info:
        parse_int(text, "halaman", minimum=1, maximum=99)
    assert info.value.status == 400
    english, indonesian = info.value.text("en"), info.value.text("id")
    assert "'halaman'" in english and "1" in english and "99" in english
    assert f"'{text}'" in english or not text          # the value received, as received
    assert english != indonesian and "'halaman'" in indonesian


def test_optional_and_list_forms():
    assert parse_optional_int(" ", "k", minimum=3, maximum=9) is None
    assert parse_optional_int("4", "k", minimum=3, maximum=9) == 4
    assert parse_int_list("1, 2,3", "positions", minimum=0, maximum=9) == [1, 2, 3]
    for bad in ("", "1,²", "1,٣", "-1", "1,,x"):
        with pytest.raises(GeoappError) as info:
            parse_int_list(bad, "positions", minimum=0, maximum=9)
        assert "'positions'" in info.value.text("en")


def test_no_unicode_digit_parsing_left_in_the_package():
    """isdigit/isdecimal/isnumeric only where the text is also required to be ASCII."""
    allowed = {
        "values/codes.py",          # every segment is checked with isascii() as well
        "matching/resolve.py",      # "does this name contain a digit", not a number read
        "sample/blk.py",            # generated sample data, never user input
        "store/password_policy.py", # character classes of a password (runs), not a number read
        # check_page: no longer used by the web app (admin.py parses ?page= with parse_int);
        # the module belongs to the accounts work of issue #13 and is left to it
        "store/audit.py",
    }
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel not in allowed and any(f".{m}(" in text for m in ("isdigit", "isdecimal", "isnumeric")):
            offenders.append(rel)
    assert not offenders, offenders


# --------------------------------------------------------------------------- command line


def _int_options(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _int_options(command, (*prefix, name))
            continue
        for param in command.params:
            yield (*prefix, name), command, param


def test_every_integer_option_uses_the_ascii_type():
    """click's INT/IntRange read '٣' as 3; every integer option must be an IntParam."""
    found = []
    for path, _, param in _int_options(main):
        if isinstance(param.type, click.types.IntParamType):
            pytest.fail(f"{' '.join(path)} {param.opts[0]} uses click's int type: use IntParam")
        if isinstance(param.type, IntParam):
            found.append((path, param.opts[0]))
    assert {(("serve",), "--port"), (("serve",), "--threads"), (("serve",), "--workers"),
            (("sample-data",), "--seed"), (("match",), "--header-row")} <= set(found)


def _option_cases():
    for path, _, param in _int_options(main):
        if isinstance(param.type, IntParam):
            for value in ("²", "٣", "１", "-1", "1e3", "1" * 30, ""):
                yield pytest.param(path, param.opts[0], value, id=f"{' '.join(path)} {param.opts[0]} {value!r}")


@pytest.mark.parametrize("path, option, value", list(_option_cases()))
def test_hostile_integer_options_are_refused(tmp_path, monkeypatch, path, option, value):
    monkeypatch.setattr("waitress.serve", lambda *a, **k: pytest.fail("must not start"))
    monkeypatch.chdir(tmp_path)
    Path("in.csv").write_text("Kelurahan;Jumlah\nSukasari;3\n", encoding="utf-8")
    args = {"match": ["in.csv", "-o", "out.csv"], "aggregate": ["in.csv", "-o", "out.geojson"],
            "review": ["in.csv"], "sample-data": ["sample"],
            "serve": ["--instance", "inst"]}.get(path[-1], [])
    result = CliRunner().invoke(main, ["--lang", "en", *path, *args, option, value])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert option in result.output and "Traceback" not in result.output
    assert not Path("out.csv").exists() and not Path("sample").exists()


@pytest.mark.parametrize("column", ["٣", "١", "１", "²"])
def test_column_option_in_other_digits_is_not_a_column_number(tmp_path, column):
    data = tmp_path / "in.csv"
    data.write_text("Jumlah;Kelurahan\n3;Sukasari\n4;Sukamaju\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["--lang", "en", "match", str(data), "-o", str(out),
                                       "--kelurahan-col", column])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert column in result.output and "Kelurahan" in result.output and not out.exists()


@pytest.mark.parametrize("column", ["²", "٣", "１"])
def test_reader_column_numbers_are_ascii(column):
    with pytest.raises(GeoappError) as info:
        build_mapping(["Kelurahan", "Jumlah", "Kecamatan"], {"kelurahan": column})
    assert info.value.status == 400 and column in info.value.text("en")
    assert build_mapping(["Kelurahan", "Jumlah", "Kecamatan"], {"kelurahan": "3"}) is not None


@pytest.mark.parametrize("value", ["٣", "１", "²", "1e3"])
def test_integer_settings_are_ascii(tmp_path, monkeypatch, value):
    monkeypatch.setenv("GEOAPP_MAX_ROWS", value)
    with pytest.raises(GeoappError) as info:
        load_settings(tmp_path)
    assert "MAX_ROWS" in info.value.text("en")
    monkeypatch.setenv("GEOAPP_MAX_ROWS", "3")
    assert load_settings(tmp_path)["MAX_ROWS"] == 3
