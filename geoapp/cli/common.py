"""Helpers every ``geoapp`` command shares: language, messages, clean errors, file bytes."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from geoapp.cli import text as T
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, normalise_lang
from geoapp.values.numbers import format_number


class CliError(click.ClickException):
    """A GeoappError shown as one clean line in the user's language, exit code 2."""

    exit_code = 2

    def __init__(self, error: GeoappError, lang: str) -> None:
        super().__init__(error.text(lang))
        self.lang = lang

    def show(self, file: Any = None) -> None:
        click.echo(f"{T.ERROR_PREFIX.text(self.lang)}: {self.format_message()}", err=True)


def current_lang() -> str:
    """The --lang of the root command, else $GEOAPP_LANG, else Indonesian."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx else None
    return normalise_lang((obj or {}).get("lang") or os.environ.get("GEOAPP_LANG"))


def say(msg: Msg, err: bool = False, **params: object) -> None:
    """Print ``msg`` in the current language."""
    click.echo(msg.text(current_lang(), **params), err=err)


def domain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn GeoappError into a clean message and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GeoappError as error:
            raise CliError(error, current_lang()) from None

    return wrapper


def read_bytes(path: str | Path) -> bytes:
    """The CLI is the only place that turns a path into bytes; the core only sees bytes."""
    try:
        return Path(path).read_bytes()
    except OSError:
        raise GeoappError(T.FILE_NOT_FOUND, 400, path=str(path)) from None


def fmt(value: Any) -> str:
    """A number in the current language (two decimals for floats); ``—`` for None."""
    return "—" if value is None else format_number(value, current_lang(), decimals=2 if isinstance(value, float) else 0)
