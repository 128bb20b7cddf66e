"""Import one program file into the dataset store: read, match, stage, activate."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.programs import get_program
from geoapp.imports.pipeline import MatchOptions, MatchRun, gazetteer_for, run_match
from geoapp.matching.aliases import AliasStore
from geoapp.store import activate, stage_import
from geoapp.store.adapter import rows_from_run
from geoapp.store.models import Dataset


@dataclass
class ImportRequest:
    """Plain values describing one import (from the web form, the CLI or the bootstrap)."""

    program: str
    data: bytes
    filename: str
    title: str
    user: str | None = None
    sample: bool = False
    options: MatchOptions | None = None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def match_import(request: ImportRequest, *, boundaries: Any = None, aliases: AliasStore | None = None) -> MatchRun:
    """Read and match the file of an import request (nothing is stored)."""
    get_program(request.program)
    return run_match(request.data, request.filename, request.options, boundaries=gazetteer_for(boundaries), aliases=aliases)


def stage_run(session: Session, request: ImportRequest, run: MatchRun) -> Dataset:
    """Store a matched run as a staged (invisible) dataset version."""
    return stage_import(
        session,
        program=request.program,
        title=request.title,
        rows=rows_from_run(run),
        headers=list(run.table.headers),
        ledger=run.ledger,
        report=run.report,
        source_sha256=sha256(request.data),
        source_name=Path(request.filename).name,
        user=request.user,
        sample=request.sample,
    )


def import_file(session: Session, request: ImportRequest, *, boundaries: Any = None, aliases: AliasStore | None = None) -> Dataset:
    """Read, match, stage and activate in one go (used for sample data and trusted batch imports)."""
    run = match_import(request, boundaries=boundaries, aliases=aliases)
    dataset = stage_run(session, request, run)
    return activate(session, dataset.id)


def import_sample_data(session: Session, folder: str | Path, *, boundaries: Any = None) -> list[Dataset]:
    """Import every program's sample file from a folder written by write_sample_data."""
    from geoapp.core.programs import PROGRAMS

    datasets = []
    for program in PROGRAMS.values():
        path = Path(folder) / program.sample_file
        request = ImportRequest(
            program=program.key,
            data=path.read_bytes(),
            filename=path.name,
            title=f"{program.title.text('id')} (data sampel)",
            user="geoapp",
            sample=True,
        )
        datasets.append(import_file(session, request, boundaries=boundaries))
    return datasets
