"""The command line's ``--help`` in the interface language, from the gettext catalogs.

Help texts stay in English in the code: a command's docstring is its help (its first
sentence is its line in a group's command list) and ``help=`` stays on each option.
When help is shown, each text is looked up with ``pgettext("cli.help", English)`` in
the catalog of the help language: ``--lang`` given before the subcommand
(``geoapp --lang en match --help``), else $GEOAPP_LANG, else Indonesian. A text
missing from the catalog is shown in English.

Every command is made with ``cls=HelpCommand`` and every group with ``cls=HelpGroup``
(a HelpGroup's ``.command()`` / ``.group()`` make these classes too). The texts are
swapped in only while click formats the help, so click's own formatting (wrapping,
short help, ``[default: ...]``, ``[required]``) is unchanged, and the English help is
exactly click's. Shell completion still shows the English short help.

``extract_help`` is the Babel extraction method for ``geoapp/cli/main.py``
(geoapp/translations/babel.cfg): it walks the command tree main.py assembles and
yields the same texts in the same context, so tests/test_messages.py fails on a help
text missing from a catalog.
"""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from geoapp.core.i18n import catalog, normalise_lang

HELP_CONTEXT = "cli.help"
SHOWN_ATTRS = ("help", "short_help", "epilog")


def help_lang(ctx: click.Context | None) -> str:
    """The root command's --lang (when already parsed), else $GEOAPP_LANG, else Indonesian."""
    root = ctx.find_root() if ctx is not None else None
    given = root.params.get("lang") if root is not None else None
    return normalise_lang(given or os.environ.get("GEOAPP_LANG"))


def shown_text(obj: Any, attr: str) -> str | None:
    """The English text click shows for ``obj.attr`` (a command's or parameter's): the msgid."""
    text = getattr(obj, attr, None)
    if not isinstance(text, str) or not text.strip():
        return None
    text = inspect.cleandoc(text)
    if attr == "help" and isinstance(obj, click.Command):
        text = text.partition("\f")[0]  # click shows a docstring up to a form feed
    return text or None


def translate(text: str, lang: str) -> str:
    """``text`` in ``lang`` from the catalog; the English when it has no translation."""
    return catalog(lang).pgettext(HELP_CONTEXT, text)


@contextmanager
def shown_in(lang: str, objects: Iterable[Any]) -> Iterator[None]:
    """Meanwhile, the help texts of ``objects`` (commands, parameters) read in ``lang``."""
    unique = {id(obj): obj for obj in objects if obj is not None}.values()
    saved = [(obj, attr, getattr(obj, attr), text) for obj in unique for attr in SHOWN_ATTRS
             if (text := shown_text(obj, attr))]
    try:
        for obj, attr, _original, text in saved:
            setattr(obj, attr, translate(text, lang))
        yield
    finally:
        for obj, attr, original, _text in saved:
            setattr(obj, attr, original)


class HelpCommand(click.Command):
    """A command whose --help (its own, its options' and its subcommands') is translated."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        shown = [self, *self.get_params(ctx)]
        if isinstance(self, click.Group):
            shown += [self.get_command(ctx, name) for name in self.list_commands(ctx)]
        with shown_in(help_lang(ctx), shown):
            super().format_help(ctx, formatter)


class HelpGroup(HelpCommand, click.Group):
    """A group with translated --help; its ``.command()`` and ``.group()`` make the same."""

    command_class = HelpCommand
    group_class = type


def help_texts(command: click.Command, name: str = "geoapp",
               parent: click.Context | None = None) -> Iterator[tuple[str, str]]:
    """(English text, where it is shown) of every help text of ``command`` and its subcommands."""
    ctx = click.Context(command, info_name=name, parent=parent)
    for obj in [command, *command.get_params(ctx)]:
        where = ctx.command_path
        if isinstance(obj, click.Parameter):
            where += " " + (max(obj.opts, key=len) if isinstance(obj, click.Option)
                             else obj.human_readable_name)
        for attr in SHOWN_ATTRS:
            text = shown_text(obj, attr)
            if text:
                yield text, where
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None:
                yield from help_texts(sub, sub_name, ctx)


def extract_help(fileobj: Any, keywords: Any, comment_tags: Any,
                 options: Any) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel extraction method for geoapp/cli/main.py.

    Yields the file's own messages (as Babel's ``python`` method does) and then every
    help text of the command tree main.py builds, once, as ``pgettext("cli.help", text)``
    with a translator comment naming where it is first shown.
    """
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    module = importlib.import_module("geoapp.cli.main")
    source = getattr(fileobj, "name", None)
    if isinstance(source, str) and Path(source).resolve() != Path(module.__file__ or "").resolve():
        raise RuntimeError(f"extracting {source} but geoapp.cli.main was imported from "
                           f"{module.__file__}: run pybabel with PYTHONPATH set to this repository")
    lineno = module.main.callback.__code__.co_firstlineno
    seen: set[str] = set()
    for text, where in help_texts(module.main):
        if text not in seen:
            seen.add(text)
            yield lineno, "pgettext", (HELP_CONTEXT, text), [where]
