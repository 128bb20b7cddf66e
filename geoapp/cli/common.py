"""Helpers every ``geoapp`` command shares: language, messages, clean errors, file bytes."""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from geoapp.cli import text as T
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, normalise_lang
from geoapp.core.os_errors import os_error
from geoapp.values.integers import parse_int
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


@contextmanager
def clean_errors() -> Iterator[None]:
    """The one place where a failure becomes a clear message and exit code 2, never a traceback.

    GeoappError keeps its text; an OSError (missing file, permission, full disk, port in
    use...) is named by ``geoapp.core.os_errors``; anything else is reported as an
    unexpected error with its type and text. click's own exits and usage errors pass.
    """
    try:
        yield
    except (click.ClickException, click.exceptions.Abort, click.exceptions.Exit):
        raise
    except GeoappError as error:
        raise CliError(error, current_lang()) from None
    except OSError as exc:
        if exc.errno == errno.EPIPE:   # output closed (| head): click exits quietly
            raise
        raise CliError(os_error(exc), current_lang()) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback
        error = GeoappError(T.UNEXPECTED, 500, kind=type(exc).__name__, reason=str(exc)[:300])
        raise CliError(error, current_lang()) from None


def domain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command inside ``clean_errors`` (also when it is invoked outside ``main``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with clean_errors():
            return func(*args, **kwargs)

    return wrapper


class CleanErrorsGroup(click.Group):
    """A command group whose every command (decorated or not) runs inside ``clean_errors``."""

    def invoke(self, ctx: click.Context) -> Any:
        with clean_errors():
            return super().invoke(ctx)


class IntParam(click.ParamType):
    """An integer option in ``minimum..maximum`` written with ASCII digits only.

    click's INT and IntRange read ``٣`` as 3; this type uses ``geoapp.values.integers``
    like the web app and names the option, the value and the range in --lang.
    """

    name = "integer"

    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum, self.maximum = minimum, maximum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and self.minimum <= value <= self.maximum:
            return value   # a default
        label = param.opts[0] if param is not None and param.opts else "value"
        try:
            return parse_int(value, label, minimum=self.minimum, maximum=self.maximum)
        except GeoappError as error:
            self.fail(error.text(current_lang()), param, ctx)

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        return f"{self.minimum}-{self.maximum}"


def read_bytes(path: str | Path) -> bytes:
    """The CLI is the only place that turns a path into bytes; the core only sees bytes."""
    try:
        return Path(path).read_bytes()
    except OSError:
        raise GeoappError(T.FILE_NOT_FOUND, 400, path=str(path)) from None


def fmt(value: Any) -> str:
    """A number in the current language (two decimals for floats); ``—`` for None."""
    return "—" if value is None else format_number(value, current_lang(), decimals=2 if isinstance(value, float) else 0)
