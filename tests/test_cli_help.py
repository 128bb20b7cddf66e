"""The CLI's --help in the interface language (geoapp/cli/help_text.py).

Help texts stay English in the code and are looked up in the catalogs under
msgctxt "cli.help": Indonesian by default, English with ``--lang en`` or
$GEOAPP_LANG=en, and then exactly the help click renders from the code.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner
from test_messages import TRANSLATIONS, catalog_problems, extract

from geoapp.cli import help_text
from geoapp.cli.main import main

NO_LANG = {"GEOAPP_LANG": None}
WIDTH = 80  # the same terminal width for CliRunner and the reference rendering


def command_paths(group: click.Group = main, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command's path below ``group`` (``()`` is the root), groups before their commands."""
    yield path
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from command_paths(command, (*path, name))
        else:
            yield (*path, name)


PATHS = list(command_paths())


def help_of(*args: str, env: dict | None = None) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], env=env or NO_LANG, catch_exceptions=False,
                                terminal_width=WIDTH)
    assert result.exit_code == 0, result.output
    return result.output


def clicks_own_help(path: tuple[str, ...]) -> str:
    """The help click itself renders from the English in the code (no catalog involved)."""
    ctx = click.Context(main, info_name="main", terminal_width=WIDTH)
    command: click.Command = main
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
        ctx = click.Context(command, info_name=name, parent=ctx)
    formatter = ctx.make_formatter()
    click.Command.format_help(command, ctx, formatter)
    return formatter.getvalue().rstrip("\n") + "\n"


def test_the_tree_has_every_command():
    assert {" ".join(p) for p in PATHS} >= {
        "", "match", "aggregate", "review", "alias", "alias add", "sample-data", "serve",
        "settings", "set-password", "backup", "restore"}


def test_help_is_indonesian_by_default():
    root = help_of()
    assert "geoapp: menempatkan data program wilayah mana pun di Indonesia pada peta" in root
    assert "Kota Tangerang di peta kelurahan" not in root
    assert "Bahasa antarmuka (bawaan: id, atau $GEOAPP_LANG)." in root
    assert "match         Cocokkan tiap baris INPUT (CSV atau XLSX) dengan kelurahan." in root
    match = help_of("match")
    assert "Cocokkan tiap baris INPUT (CSV atau XLSX) dengan kelurahan." in match
    assert "Kolom yang berisi kelurahan (teks judul kolom" in match
    assert "Tampilkan pesan ini lalu keluar." in match
    assert "Match every row" not in match and "Show this message" not in match
    # the texts are only swapped while the help is formatted
    assert main.commands["match"].help.startswith("Match every row of INPUT")
    assert main.params[0].help == "Interface language (default: id, or $GEOAPP_LANG)."


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "geoapp")
def test_english_help_is_byte_for_byte_clicks_own(path):
    english = clicks_own_help(path)
    assert help_of("--lang", "en", *path) == english
    assert help_of(*path, env={"GEOAPP_LANG": "en"}) == english


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "geoapp")
def test_every_command_help_renders_in_both_languages(path):
    indonesian, english = help_of("--lang", "id", *path), help_of("--lang", "en", *path)
    assert indonesian != english
    assert help_of(*path) == indonesian
    # --lang beats $GEOAPP_LANG; a wrong $GEOAPP_LANG falls back to Indonesian
    assert help_of("--lang", "id", *path, env={"GEOAPP_LANG": "en"}) == indonesian
    assert help_of(*path, env={"GEOAPP_LANG": "xx"}) == indonesian


def test_lang_before_help_on_the_root_counts():
    assert "Interface language" in help_of("--lang", "en")
    assert "Bahasa antarmuka" in help_of("--lang", "id", env={"GEOAPP_LANG": "en"})


def test_every_command_is_a_help_command():
    def walk(command: click.Command) -> Iterator[click.Command]:
        yield command
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    plain = [c.name for c in walk(main) if not isinstance(c, help_text.HelpCommand)]
    assert not plain, f"make these with cls=HelpCommand / cls=HelpGroup: {plain}"


def test_extraction_finds_every_command_and_option_help():
    """Enumerated here from main.commands and their params, independently of help_text."""
    wanted = set()
    for path in PATHS:
        command: click.Command = main
        ctx = click.Context(main)
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
            ctx = click.Context(command, parent=ctx)
        assert command.help, f"geoapp {' '.join(path)} has no docstring"
        wanted.add(inspect.cleandoc(command.help))
        params = command.get_params(ctx)
        assert command.get_help_option(ctx) in params
        wanted.update(param.help for param in params if getattr(param, "help", None))
    found = {msgid for context, msgid in extract() if context == help_text.HELP_CONTEXT}
    assert wanted - found == set()
    assert {"Show this message and exit.", "Show the version and exit.",
            "Column holding the lat (header text or 1-based number)."} <= found
    assert found - wanted == set()


def test_an_untranslated_help_text_fails_the_catalog_check(monkeypatch):
    @click.command(cls=help_text.HelpCommand)
    @click.option("--flag", is_flag=True, help="A flag nobody translated.")
    def fresh() -> None:
        """A command nobody translated."""

    monkeypatch.setitem(main.commands, "fresh", fresh)
    problems = "\n".join(catalog_problems(TRANSLATIONS, extract()))
    for lang in ("id", "en"):
        assert f"{lang}: [cli.help] 'A command nobody translated.': not in the catalog" in problems
        assert f"{lang}: [cli.help] 'A flag nobody translated.': not in the catalog" in problems


def test_the_extractor_refuses_another_checkout(tmp_path):
    other = tmp_path / "geoapp" / "cli" / "main.py"
    other.parent.mkdir(parents=True)
    other.write_text("x = 1\n", encoding="utf-8")
    with other.open("rb") as f, pytest.raises(RuntimeError, match="PYTHONPATH"):
        list(help_text.extract_help(f, {}, (), {}))
