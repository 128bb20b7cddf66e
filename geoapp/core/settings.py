"""geoapp settings, declared once.

Every setting has a name, a default and a help text. Values come, in order of
precedence (last wins), from:

1. the defaults below;
2. the instance config file ``<instance>/config.toml`` (TOML, no code is executed);
3. environment variables ``GEOAPP_<NAME>`` (e.g. ``GEOAPP_MAX_ROWS=20000``);
4. explicit overrides (``create_app(test_config)``).

Relative paths (``DATABASE``, ``ALIASES``, ``UPLOAD_DIR``) are resolved against the
instance folder. ``describe()`` lists the settings for ``geoapp settings``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

ENV_PREFIX = "GEOAPP_"
CONFIG_FILE = "config.toml"
MB = 1024 * 1024


@dataclass(frozen=True)
class Setting:
    """One configurable value: its name, default and a one-line help text."""

    name: str
    default: Any
    help: str
    is_path: bool = False  # relative values are resolved against the instance folder


SETTINGS: list[Setting] = [
    Setting("DATABASE", "geoapp.sqlite3", "SQLite database file (datasets, users).", True),
    Setting("MAX_CONTENT_LENGTH", 20 * MB, "Largest accepted upload/request body in bytes."),
    Setting("MAX_ROWS", 50_000, "Largest number of data rows read from one input file."),
    Setting("BOUNDARIES", "", "Kelurahan boundary file; empty = the bundled Kota Tangerang set.", True),
    Setting("ALIASES", "aliases.csv", "CSV of user-confirmed kelurahan spellings.", True),
    Setting("UPLOAD_DIR", "uploads", "Folder for uploaded files awaiting review.", True),
    Setting("LOGIN_RATE_LIMIT", "10 per minute", "Login attempts allowed per client address (Flask-Limiter syntax)."),
    Setting("UPLOAD_RATE_LIMIT", "30 per hour", "Uploads allowed per client address (Flask-Limiter syntax)."),
    Setting("UPLOAD_QUOTA_BYTES", 200 * MB, "Most bytes the upload folder may hold; 0 = no limit."),
    Setting("DEFAULT_LANG", "id", "Interface language when the user has not chosen one (id|en)."),
    Setting("LANGUAGES", ["id", "en"], "Interface languages offered by the switch."),
    Setting("TIMEZONE", "Asia/Jakarta", "Time zone used to show dates (stored in UTC)."),
    Setting(
        "TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Basemap tile URL template; empty = no basemap.",
    ),
    Setting("TILE_ATTRIBUTION", "© OpenStreetMap contributors", "Credit shown for the basemap."),
    Setting("SESSION_COOKIE_SECURE", False, "Send the session cookie over HTTPS only."),
    Setting("LOAD_SAMPLE_DATA", True, "Import the labelled sample data on first start."),
    Setting("CREATE_DEFAULT_PLANNER", True, "Create a planner account on first start."),
    Setting("FINDER_ACTIVITY_RADIUS_M", 500, "Program activity within this many metres of a place is shown on its finder card."),
    Setting("PROXY_FIX_X_FOR", 0, "Number of trusted reverse proxies in front of geoapp; > 0 takes the client address and scheme from their X-Forwarded-For/-Proto headers (0 = off: never trust them)."),
    Setting("RATELIMIT_STORAGE_URI", "memory://", "Where rate-limit counters live (Flask-Limiter storage URI). memory:// counts per worker process; with several workers use a shared store such as redis://host:6379."),
]

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}

BAD_VALUE = Msg(
    "settings.bad_value",
    id="Pengaturan {name} dari {source} tidak valid: '{value}'. Yang diterima: {allowed}.",
    en="Setting {name} from {source} is not valid: '{value}'. Allowed: {allowed}.",
)
UNKNOWN_SETTING = Msg(
    "settings.unknown",
    id="Pengaturan '{name}' di {source} tidak dikenal. Nama yang diterima: {allowed}.",
    en="Unknown setting '{name}' in {source}. Known names: {allowed}.",
)
BAD_CONFIG_FILE = Msg(
    "settings.bad_file",
    id="Berkas pengaturan {path} tidak dapat dibaca sebagai TOML: {reason}. Perbaiki atau hapus berkas itu.",
    en="The settings file {path} is not valid TOML: {reason}. Fix or remove the file.",
)

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


def _allowed(setting: Setting) -> str:
    default = setting.default
    if isinstance(default, bool):
        return "true/false"
    if isinstance(default, int):
        return "a whole number >= 0"
    if isinstance(default, list):
        return "a comma-separated list"
    return "text"


def coerce(setting: Setting, value: Any, source: str) -> Any:
    """Convert ``value`` (text from the environment, or a TOML value) to the setting's type."""
    default = setting.default
    try:
        if isinstance(default, bool):
            return _coerce_bool(value)
        if isinstance(default, int):
            number = int(str(value).strip().replace("_", ""))
            if number < 0:
                raise ValueError(value)
            return number
        if isinstance(default, list):
            items = value if isinstance(value, list) else str(value).split(",")
            return [str(v).strip() for v in items if str(v).strip()]
        if isinstance(value, (dict, list)):
            raise ValueError(value)
        return str(value)
    except (ValueError, TypeError):
        raise GeoappError(
            BAD_VALUE, 400, name=setting.name, source=source,
            value=str(value)[:80], allowed=_allowed(setting),
        ) from None


def _coerce_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


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
        key = ENV_PREFIX + setting.name
        if key in environ:
            out[setting.name] = coerce(setting, environ[key], key)
    return out


def load_settings(
    instance_path: Path | str,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """All settings: defaults < config.toml < environment < overrides, paths resolved."""
    instance = Path(instance_path)
    values = {s.name: s.default for s in SETTINGS}
    values.update(read_config_file(instance))
    values.update(read_environment(environ))
    for name, value in (overrides or {}).items():
        values[name] = value
    return resolve_paths(values, instance)


def resolve_paths(values: dict[str, Any], instance: Path) -> dict[str, Any]:
    """Make relative path settings absolute below the instance folder ('' stays '')."""
    for setting in SETTINGS:
        value = values.get(setting.name)
        if setting.is_path and value not in (None, ""):
            path = Path(value)
            values[setting.name] = str(path if path.is_absolute() else instance / path)
    return values


def describe() -> list[dict[str, Any]]:
    """Every setting with its default, environment variable and help (for the CLI)."""
    return [
        {
            "name": s.name,
            "default": s.default,
            "env": ENV_PREFIX + s.name,
            "help": s.help + (" (relative to the instance folder)" if s.is_path else ""),
        }
        for s in SETTINGS
    ]
