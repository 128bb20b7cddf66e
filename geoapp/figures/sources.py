"""The source line under a program's figures: version, sample flag and import date.

Core module: no Flask.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from geoapp.core.i18n import Msg, normalise_lang
from geoapp.core.programs import PROGRAMS
from geoapp.figures.catalog import LayerData
from geoapp.store.active import ActiveVersions, DatasetInfo
from geoapp.values.dates import format_date

SOURCE = Msg("figures.source", "Source: {program} v{version}{sample}, imported {date}")
SOURCE_NONE = Msg("figures.source_none", "Source: no active {program} dataset yet")
SAMPLE_MARK = Msg("figures.sample_mark", " (sample data)")


def source_text(program: str, info: DatasetInfo | None, lang: str = "id") -> str:
    """The source line of a program's figures in ``lang``."""
    lang = normalise_lang(lang)
    title = PROGRAMS[program].title.text(lang)
    if info is None:
        return SOURCE_NONE.text(lang, program=title)
    sample = SAMPLE_MARK.text(lang) if info.sample else ""
    return SOURCE.text(lang, program=title, version=info.version, sample=sample,
                       date=format_date(info.imported_at, lang) or "-")


def layer_source_text(session: Session, active: ActiveVersions, data: LayerData,
                      lang: str = "id") -> str:
    """``data.source_label`` in another language."""
    info = active.infos(session).get(data.definition.program)
    if info is None or info.id != data.dataset_id:
        return data.source_label
    return source_text(data.definition.program, info, lang)
