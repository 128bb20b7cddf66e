"""Start-up checks of the app's configured files: a clear message instead of a late failure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

BAD_BOUNDARIES = Msg(
    "serve.bad_boundaries",
    "geoapp cannot start: the boundary file {path} (setting BOUNDARIES) cannot be used: {reason} "
    "Fix the file or change BOUNDARIES in config.toml / GEOAPP_BOUNDARIES.",
)
_UNREADABLE = Msg("serve.unreadable", "the file cannot be read.")


def check_boundaries(config: Mapping[str, Any], *, default: bool = False) -> None:
    """Load the configured boundary file once; a missing or corrupt file stops start-up.

    ``default=True`` also checks the bundled set when BOUNDARIES is empty (serve does,
    so a damaged installation fails at start instead of on the first map request).
    """
    from geoapp.io.boundaries import (
        BoundaryFiles,
        default_boundaries_dir,
        load_boundaries,
        resolve_boundaries_setting,
    )

    path = config.get("BOUNDARIES") or ""
    if not path and (config.get("WILAYAH") or "").strip():
        files = BoundaryFiles.for_wilayah(config["WILAYAH"])   # an unknown code stops here
        if files.wilayah and default:
            files.boundaries()
        if files.wilayah:
            return
    if not path and not default:
        return
    try:
        load_boundaries(resolve_boundaries_setting(path))   # a file or a folder; '' = default
    except GeoappError as exc:
        raise startup_error(path or str(default_boundaries_dir()), exc) from None
    except Exception:  # noqa: BLE001 - any other failure on an untrusted file
        raise startup_error(path or str(default_boundaries_dir()), None) from None


def startup_error(path: str, cause: GeoappError | None) -> GeoappError:
    """BAD_BOUNDARIES with the cause's own text in each language."""
    def render(lang: str) -> str:
        reason = cause.text(lang) if cause is not None else _UNREADABLE.text(lang)
        return BAD_BOUNDARIES.text(lang, path=path, reason=reason).replace("{", "{{").replace("}", "}}")

    return GeoappError(Msg(BAD_BOUNDARIES.key, id=render("id"), en=render("en")), 500)
