"""Where point-in-polygon runs: shapely in this process (the default) or a database.

A front end that has a spatial database (PostGIS) binds a :class:`Locator` for its
context (``bind_locator``); :func:`geoapp.matching.spatial.locate_points` asks it first and
uses it only when it ``applies`` to the gazetteer at hand (the same boundary set, by
content hash). Whatever runs it, the rule is the same: a point inside several polygons
goes to the one whose boundary is farthest from the point (depth rounded to 12
decimals), ties by lowest kode (the gazetteer is sorted by kode).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Protocol

import numpy as np
import shapely

from geoapp.matching.gazetteer import Gazetteer


class Locator(Protocol):
    """Point in polygon done elsewhere (e.g. ``geoapp.store.postgis.locate``)."""

    def applies(self, gazetteer: Gazetteer) -> bool:
        """True when this locator holds exactly ``gazetteer``'s polygons."""

    def locate(self, gazetteer: Gazetteer, lon: np.ndarray,
               lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per point: gazetteer row (-1: none), overlap flag, other codes (", "-joined)."""


_current: ContextVar[Locator | None] = ContextVar("geoapp_locator", default=None)


def bind_locator(locator: Locator | None) -> Token:
    """Use ``locator`` in this context; give the token to :func:`unbind_locator`."""
    return _current.set(locator)


def unbind_locator(token: Token) -> None:
    """Restore the locator that was current before :func:`bind_locator`."""
    _current.reset(token)


@contextmanager
def using_locator(locator: Locator | None) -> Iterator[None]:
    """``with using_locator(loc):`` runs its block with ``loc`` bound."""
    token = bind_locator(locator)
    try:
        yield
    finally:
        unbind_locator(token)


def current_locator(gazetteer: Gazetteer) -> Locator | None:
    """The bound locator if it applies to ``gazetteer``, else None (shapely path)."""
    locator = _current.get()
    if locator is None or gazetteer.geometry is None or not locator.applies(gazetteer):
        return None
    return locator


def gazetteer_hash(gazetteer: Gazetteer) -> str:
    """SHA-256 of the gazetteer's codes, names and geometries (WKB), computed once."""
    cached = getattr(gazetteer, "_content_hash", None)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    for column in (gazetteer.kode, gazetteer.nama, gazetteer.kode_kecamatan,
                   gazetteer.nama_kecamatan):
        digest.update("\x1f".join(map(str, column)).encode("utf-8") + b"\x1e")
    if gazetteer.geometry is not None:
        for wkb in shapely.to_wkb(gazetteer.geometry, hex=False):
            digest.update(len(wkb).to_bytes(8, "little") + wkb)
    gazetteer._content_hash = digest.hexdigest()
    return gazetteer._content_hash
