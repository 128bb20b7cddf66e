"""geoapp settings, each declared once in :data:`SETTINGS`.

A setting is a name, a :class:`Kind` (how its value is written and checked), a default and a
help text. Everything else derives from that table: the defaults, reading
``<instance>/config.toml``, the ``GEOAPP_<NAME>`` environment overrides, the error for a bad
value and the ``geoapp settings`` listing (:func:`describe`).

Values come, in order of precedence (last wins), from:

1. the defaults below;
2. the instance config file ``<instance>/config.toml`` (TOML, no code is executed);
3. environment variables ``GEOAPP_<NAME>`` (e.g. ``GEOAPP_MAX_ROWS=20000``);
4. explicit overrides (``create_app(test_config)``).

Path settings (``DATABASE``, ``BOUNDARIES``, ``ALIASES``, ``UPLOAD_DIR``) may start with ``~``;
a relative value is relative to the instance folder wherever it is written (config.toml, the
environment or an override): :func:`resolve_path` is that one rule.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.resources import INSTANCE_DIR, INSTANCE_ENV

ENV_PREFIX = "GEOAPP_"

CONFIG_FILE = "config.toml"
MB = 1024 * 1024

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


def _parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


def _parse_count(value: Any) -> int:
    text = str(value).strip().replace("_", "")
    if not text.isascii():   # int() would read '٣' as 3 (core cannot use values.integers)
        raise ValueError(value)
    number = int(text)
    if number < 0:
        raise ValueError(value)
    return number


def _parse_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def _parse_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise ValueError(value)
    return str(value)


@dataclass(frozen=True)
class Kind:
    """How a setting's value is written: its parser and the words naming what is allowed."""

    allowed: str                   # shown in the error for a bad value
    parse: Callable[[Any], Any]    # TOML value or environment text -> value; ValueError if bad
    instance_relative: bool = False  # a relative value is resolved against the instance folder


FLAG = Kind("true/false", _parse_flag)
COUNT = Kind("a whole number >= 0", _parse_count)
LIST = Kind("a comma-separated list", _parse_list)


def _parse_sources(value: Any) -> list[str]:
    items = _parse_list(value)
    if not items or not all(_SOURCE_RE.match(item) for item in items):
        raise ValueError(value)
    return items


_SOURCE_RE = re.compile(r"^('self'|'none'|https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?)$")
SOURCES = Kind("'self', 'none' or origins such as https://www.tangerangkota.go.id, "
               "comma-separated", _parse_sources)
TEXT = Kind("text", _parse_text)
PATH = Kind("text", _parse_text, instance_relative=True)


@dataclass(frozen=True)
class Setting:
    """One configurable value: name, kind, default and a one-line help text."""

    name: str
    kind: Kind
    default: Any
    help: str

    @property
    def env(self) -> str:
        """The environment variable that overrides this setting."""
        return ENV_PREFIX + self.name


SETTINGS: list[Setting] = [
    Setting("DATABASE", PATH, "geoapp.sqlite3", "SQLite database file (datasets, users)."),
    Setting("DATABASE_URL", TEXT, "", "Database URL: empty = the SQLite file of DATABASE (sqlite:///<instance>/geoapp.sqlite3); or postgresql+psycopg://user:password@host:port/dbname for PostgreSQL (run geoapp db upgrade first)."),
    Setting("SECRET_KEY", TEXT, "", "Key that signs login sessions and CSRF tokens, at least 32 characters; empty = a key generated once and stored in the database (every app server of that database uses it)."),
    Setting("MAX_CONTENT_LENGTH", COUNT, 20 * MB, "Largest accepted upload/request body in bytes."),
    Setting("MAX_ROWS", COUNT, 50_000, "Largest number of data rows read from one input file."),
    Setting("MAX_COLUMNS", COUNT, 200, "Largest number of columns read from one input file (CSV or XLSX sheet; the web upload and geoapp match); 0 = no limit."),
    Setting("BOUNDARIES", PATH, "", "Kelurahan boundary file, or a folder holding kota_tangerang_kelurahan.geojson (and optionally the kecamatan and city files of the same names); empty = the bundled Kota Tangerang set."),
    Setting("WILAYAH", TEXT, "36.71", "Working area from the shipped national data: a kabupaten/kota code (36.74), a province code (36) or ID for the whole country; 36.71 = the bundled Kota Tangerang set (the only one with sample data). BOUNDARIES, when set, overrides it."),
    Setting("ALIASES", PATH, "aliases.csv", "CSV of kelurahan spellings: its rows are added to the database's aliases at start (the web app keeps user-confirmed spellings in the database)."),
    Setting("UPLOAD_DIR", PATH, "uploads", "Folder of uploads from before they moved into the database (kept by backup and restore only; uploads awaiting review are in the database)."),
    Setting("LOGIN_RATE_LIMIT", TEXT, "10 per minute", "Failed login attempts allowed per client address (Flask-Limiter syntax); successful logins do not count."),
    Setting("UPLOAD_RATE_LIMIT", TEXT, "30 per hour", "Uploads allowed per client address (Flask-Limiter syntax)."),
    Setting("PREVIEW_RATE_LIMIT", TEXT, "30 per minute; 600 per hour", "Upload preview, read-option, review and confirm requests allowed per client address, counted together (Flask-Limiter syntax)."),
    Setting("UPLOAD_QUOTA_BYTES", COUNT, 200 * MB, "Most bytes the uploads awaiting review may hold together (in the database); 0 = no limit."),
    Setting("DEFAULT_LANG", TEXT, "id", "Interface language when the user has not chosen one (id|en)."),
    Setting("LANGUAGES", LIST, ["id", "en"], "Interface languages offered by the switch."),
    Setting("TIMEZONE", TEXT, "Asia/Jakarta", "Time zone used to show dates (stored in UTC)."),
    Setting("TILE_URL", TEXT, "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "Basemap tile URL template; empty = no basemap."),
    Setting("FRAME_ANCESTORS", SOURCES, ["'self'"], "Sites that may show the embedded map (/embed) in an iframe: the Content-Security-Policy frame-ancestors sources; every other page may only be framed by geoapp itself."),
    Setting("TILE_ATTRIBUTION", TEXT, "© OpenStreetMap contributors", "Credit shown for the basemap."),
    Setting("SESSION_COOKIE_SECURE", FLAG, False, "Send the session cookie over HTTPS only."),
    Setting("LOAD_SAMPLE_DATA", FLAG, True, "Import the labelled sample data on first start."),
    Setting("CREATE_DEFAULT_PLANNER", FLAG, True, "Create a planner account on first start."),
    Setting("FINDER_ACTIVITY_RADIUS_M", COUNT, 500, "Program activity within this many metres of a place is shown on its finder card."),
    Setting("PROXY_FIX_X_FOR", COUNT, 0, "Number of trusted reverse proxies in front of geoapp; > 0 takes the client address and scheme from their X-Forwarded-For/-Proto headers (0 = off: never trust them)."),
    Setting("RATELIMIT_STORAGE_URI", TEXT, "", "Where rate-limit counters live (Flask-Limiter storage URI). Empty = the database (geoapp+sql://), one count for every worker and app server; memory:// counts per worker process; redis://host:6379 also works."),
    Setting("SESSION_IDLE_MINUTES", COUNT, 120, "A login ends after this many minutes without a request (0 = no idle timeout)."),
    Setting("SESSION_MAX_MINUTES", COUNT, 720, "A login ends this many minutes after it began, however active (0 = no absolute timeout)."),
    Setting("LOGIN_LOCKOUT_FAILURES", COUNT, 5, "Wrong passwords for one username within LOGIN_LOCKOUT_WINDOW_MINUTES that lock it, whatever the client address; unknown usernames are treated alike (0 = no lockout)."),
    Setting("LOGIN_LOCKOUT_WINDOW_MINUTES", COUNT, 15, "The time window, in minutes, in which LOGIN_LOCKOUT_FAILURES wrong passwords lock a username."),
    Setting("LOGIN_LOCKOUT_MINUTES", COUNT, 15, "How long the first lock of a username lasts, in minutes; each further lock in a row doubles it, up to 24 hours. A right password clears the count."),
]

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}

BAD_VALUE = Msg(
    "settings.bad_value",
    "Setting {name} from {source} is not valid: '{value}'. Allowed: {allowed}.",
)
UNKNOWN_SETTING = Msg(
    "settings.unknown",
    "Unknown setting '{name}' in {source}. Known names: {allowed}.",
)
BAD_CONFIG_FILE = Msg(
    "settings.bad_file",
    "The settings file {path} is not valid TOML: {reason}. Fix or remove the file.",
)


def coerce(setting: Setting, value: Any, source: str) -> Any:
    """Parse ``value`` (environment text or a TOML value) as the setting's kind.

    A bad value raises :class:`GeoappError` naming the setting, where it came from and what
    is allowed.
    """
    try:
        return setting.kind.parse(value)
    except (ValueError, TypeError):
        raise GeoappError(
            BAD_VALUE, 400, name=setting.name, source=source,
            value=str(value)[:80], allowed=setting.kind.allowed,
        ) from None


def defaults() -> dict[str, Any]:
    """Every setting's default value (lists are fresh copies)."""
    return {s.name: list(s.default) if isinstance(s.default, list) else s.default
            for s in SETTINGS}


def read_config_file(instance_path: Path) -> dict[str, Any]:
    """Settings from ``<instance>/config.toml`` (empty when the file does not exist)."""
    path = Path(instance_path) / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GeoappError(BAD_CONFIG_FILE, 400, path=str(path), reason=str(exc)[:200]) from None
    return _known(data, str(path))


def _known(values: Mapping[str, Any], source: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        setting = BY_NAME.get(str(name).upper())
        if setting is None:
            raise GeoappError(
                UNKNOWN_SETTING, 400, name=name, source=source, allowed=", ".join(BY_NAME)
            )
        out[setting.name] = coerce(setting, value, source)
    return out


def read_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settings from ``GEOAPP_<NAME>`` environment variables (unknown names are ignored)."""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.env in environ:
            out[setting.name] = coerce(setting, environ[setting.env], setting.env)
    return out


def environment_value(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting from its ``GEOAPP_<NAME>`` variable, parsed; None when it is not set."""
    environ = os.environ if environ is None else environ
    setting = BY_NAME[name]
    if setting.env not in environ:
        return None
    return coerce(setting, environ[setting.env], setting.env)


def default_instance_path(environ: Mapping[str, str] | None = None) -> Path:
    """The instance folder when none is given: ``$GEOAPP_INSTANCE``, else ``./instance``.

    The same rule as the web app's (``core.resources.instance_dir``), so the CLI and the web
    app resolve relative path settings against the same folder.
    """
    environ = os.environ if environ is None else environ
    return Path(environ.get(INSTANCE_ENV) or INSTANCE_DIR).resolve()


def load_settings(
    instance_path: Path | str,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """All settings: defaults < config.toml < environment < overrides, paths resolved."""
    instance = Path(instance_path)
    values = defaults()
    values.update(read_config_file(instance))
    values.update(read_environment(environ))
    for name, value in (overrides or {}).items():
        values[name] = value
    return resolve_paths(values, instance)


def resolve_path(value: str | Path | None, instance: Path | str) -> str:
    """A path setting's value made absolute: ``~`` expanded, else below the instance folder.

    This is the one rule for every path setting wherever it is written (config.toml,
    ``GEOAPP_<NAME>``, overrides). None and '' give ''.
    """
    if value is None or str(value) == "":
        return ""
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else Path(instance) / path)


def resolve_paths(values: dict[str, Any], instance: Path) -> dict[str, Any]:
    """Make relative path settings absolute below the instance folder ('' stays '')."""
    for setting in SETTINGS:
        value = values.get(setting.name)
        if setting.kind.instance_relative and value not in (None, ""):
            values[setting.name] = resolve_path(value, instance)
    return values


def describe() -> list[dict[str, Any]]:
    """Every setting with its default, environment variable, allowed values and help."""
    return [
        {
            "name": s.name,
            "default": s.default,
            "env": s.env,
            "allowed": s.kind.allowed,
            "help": s.help + (" (relative to the instance folder)" if s.kind.instance_relative else ""),
        }
        for s in SETTINGS
    ]
