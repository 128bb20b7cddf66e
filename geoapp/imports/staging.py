"""Store a new dataset version: stage it (invisible), then activate it. One service.

``stage_and_activate`` is the only way the app writes a new active version. Its callers:

* the web upload's confirm step (``geoapp.imports.upload.confirm``);
* the first-start sample data (``import_sample_data``, called by ``geoapp.web.serve``);
* the places editor (``geoapp.places.editing.versions``), one version per saved change;
* trusted batch imports of a file in one go (``import_file``; tests and benchmarks);
* ``geoapp import`` (``geoapp.cli.import_commands``): a file of any size, matched with
  progress output, its plan said (what it adds, replaces, keeps), then ``version_of_run`` +
  ``stage_and_activate`` like the upload confirm.

``geoapp match``, ``aggregate`` and ``review`` only read and match. Uploads and imports
replace only the years they hold (``NewVersion.keep_years``); the places editor writes
whole versions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.programs import PROGRAMS, get_program
from geoapp.imports.pipeline import MatchOptions, MatchRun, run_match
from geoapp.matching.aliases import AliasStore
from geoapp.store import activate, stage_import
from geoapp.store.adapter import rows_from_run
from geoapp.store.models import Dataset


@dataclass
class NewVersion:
    """Everything stored for one new version of a program's data."""

    program: str
    title: str
    rows: Sequence[dict[str, Any]]     # in the ``stage_import`` row shape
    headers: list[str]
    ledger: dict[str, Any]
    report: dict[str, Any]
    source_sha256: str
    source_name: str
    user: str | None = None
    sample: bool = False
    year: str | None = None         # the year of rows without a year cell
    keep_years: bool = False        # replace only the years it holds (uploads, imports)
    replaces: int | None = None     # made from this version: activated only while it is active


@dataclass
class ImportRequest:
    """Plain values describing one file import (the sample data, a trusted batch import)."""

    program: str
    data: bytes
    filename: str
    title: str
    user: str | None = None
    sample: bool = False
    options: MatchOptions | None = None
    year: str | None = None         # the year of rows without a year cell


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def version_of_run(run: MatchRun, *, program: str, title: str, source_sha256: str,
                   source_name: str, user: str | None, sample: bool = False,
                   year: str | None = None) -> NewVersion:
    """The new version holding a matched (and possibly reviewed) run; it replaces only
    the years it holds (rows without a year cell are of ``year``)."""
    return NewVersion(program=program, title=title, rows=rows_from_run(run),
                      headers=list(run.table.headers), ledger=run.ledger, report=run.report,
                      source_sha256=source_sha256, source_name=source_name, user=user,
                      sample=sample, year=year, keep_years=True)


def stage_version(session: Session, version: NewVersion,
                  progress: Callable[[int, int], None] | None = None) -> Dataset:
    """Write the version and all its rows as a staged (invisible) dataset, in one
    transaction; ``progress(done, total)`` as rows are written."""
    return stage_import(
        session, program=version.program, title=version.title, rows=version.rows,
        headers=version.headers, ledger=version.ledger, report=version.report,
        source_sha256=version.source_sha256, source_name=version.source_name,
        user=version.user, sample=version.sample, default_year=version.year,
        progress=progress,
    )


def stage_and_activate(session: Session, version: NewVersion,
                       progress: Callable[[int, int], None] | None = None) -> Dataset:
    """Stage the version, then make it the program's active one (the store's atomic path).

    If either step fails, the previously active version stays active. The newest version
    wins: if a newer version of the program (staged after this one, e.g. confirmed at
    the same time by someone else) became active first, this one is kept as archived
    and comes back with state ``archived`` (``geoapp.store.lifecycle.activate``;
    ``superseding_version`` names the newer one). A version with ``keep_years`` replaces
    only the years it holds (``geoapp.store.history``). A version with ``replaces`` is
    activated only while that version is still the active one; otherwise it is removed
    and ``geoapp.store.lifecycle.ActiveChanged`` (409) raised: nothing is stored.
    """
    staged = stage_version(session, version, progress)
    return activate(session, staged.id, keep_years=version.keep_years,
                    replaces=version.replaces)


def match_import(request: ImportRequest, *, boundaries: Any = None,
                 aliases: AliasStore | None = None) -> MatchRun:
    """Read and match the file of an import request (nothing is stored)."""
    get_program(request.program)
    return run_match(request.data, request.filename, request.options, boundaries=boundaries,
                     aliases=aliases)


def request_version(request: ImportRequest, run: MatchRun) -> NewVersion:
    """The new version of an import request's matched run."""
    return version_of_run(run, program=request.program, title=request.title,
                          source_sha256=sha256(request.data),
                          source_name=Path(request.filename).name, user=request.user,
                          sample=request.sample, year=request.year)


def import_file(session: Session, request: ImportRequest, *, boundaries: Any = None,
                aliases: AliasStore | None = None) -> Dataset:
    """Read, match, stage and activate in one go (no review); only the years the file
    holds are replaced."""
    run = match_import(request, boundaries=boundaries, aliases=aliases)
    return stage_and_activate(session, request_version(request, run))


def import_sample_data(session: Session, folder: str | Path, *,
                       boundaries: Any = None) -> list[Dataset]:
    """Import every program's sample file from a folder written by write_sample_data."""
    datasets = []
    for program in PROGRAMS.values():
        path = Path(folder) / program.sample_file
        request = ImportRequest(
            program=program.key,
            data=path.read_bytes(),
            filename=path.name,
            title=f"{program.title.text('id')} (data contoh)",
            user="geoapp",
            sample=True,
        )
        datasets.append(import_file(session, request, boundaries=boundaries))
    return datasets
