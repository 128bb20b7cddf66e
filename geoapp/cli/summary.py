"""What the matching commands print: the boundary set used, the run summary, left-out rows."""

from __future__ import annotations

from typing import Any

import click

from geoapp.cli import text as T
from geoapp.cli.common import current_lang, fmt, say
from geoapp.core.i18n import Msg


def print_boundaries(section: dict[str, Any]) -> None:
    """The key facts of a --boundaries set: source, size, CRS, repairs, fields and notes."""
    if section.get("default", True):
        return
    lang = current_lang()
    crs = section.get("crs_detected") or T.BOUNDARIES_CRS_NONE.text(lang)
    reprojected = T.BOUNDARIES_REPROJECTED.text(lang) if section.get("reprojected") else ""
    say(T.BOUNDARIES_USED, source=section["source"], driver=section["driver"], features=section["feature_count"], crs=crs, reprojected=reprojected)
    say(T.BOUNDARIES_FIELDS, fields=", ".join(f"{k}={v!r}" for k, v in section["fields"].items() if v))
    if section.get("repaired"):
        say(T.BOUNDARIES_REPAIRED, count=len(section["repaired"]), kode=", ".join(section["repaired"][:10]))
    for note in section.get("notes", []):
        click.echo(f"- {note['text']}")


def print_columns(report: dict[str, Any]) -> None:
    """How the file was read and the column report: what each column was used for."""
    sheet = f", sheet {report['sheet']}" if report.get("sheet") else ""
    if report["format"] == "xlsx":
        say(T.READ_INFO_XLSX, format=report["format"], header_row=report["header_row"], sheet=sheet)
    else:
        say(T.READ_INFO, format=report["format"], encoding=report.get("encoding") or "-", delimiter=repr(report.get("delimiter") or "-"), header_row=report["header_row"], sheet=sheet)
    say(T.COLUMNS_USED, columns=", ".join(f"{k}={v!r}" for k, v in report["columns"].items() if v))
    other = [c for c in report.get("column_use", []) if c["use"] in T.COLUMN_USES]
    if other:
        lang = current_lang()
        say(T.COLUMNS_OTHER, columns=", ".join(
            f"{c['header']!r}: {T.COLUMN_USES[c['use']].text(lang)}" for c in other))


def print_notes(report: dict[str, Any]) -> None:
    """The read and column notes (BPS codes, a code column not used, ...) and problems."""
    for note in report.get("notes", []) + report.get("problems", []):
        click.echo(f"- {note['text']}")


def print_summary(report: dict[str, Any], review_hint: Msg | None = T.REVIEW_HINT) -> None:
    """The short human-readable summary of a match run; ``review_hint`` (None: none) is
    said when rows need review (``geoapp import`` says its own once the data is stored)."""
    rows = report["rows"]
    print_columns(report)
    say(T.ROWS_SUMMARY, total=rows["total"], matched=rows["matched"], review=rows["review"], unmatched=rows["unmatched"], excluded=rows["excluded"], blank=rows.get("blank_skipped", 0))
    if report.get("matched_by"):
        say(T.METHODS_SUMMARY, methods=", ".join(f"{k} {v}" for k, v in report["matched_by"].items()))
    for column, sums in report["sums"].items():
        print_sum(column, sums)
    for column, count in report.get("unparsed_numbers", {}).items():
        say(T.UNPARSED, count=count, column=column)
    print_notes(report)
    guarded = report.get("guarded_cells") or {}
    if guarded:
        columns = ", ".join(f"'{k}' {v}" for k, v in guarded.items())
        say(T.GUARDED_CELLS, count=sum(guarded.values()), columns=columns)
    if rows["review"] and review_hint is not None:
        say(review_hint, count=rows["review"])


def print_sum(column: str, sums: dict[str, Any]) -> None:
    """One measure's reconciliation line, and the file's own total rows when it had any."""
    lang = current_lang()
    check = T.SUM_OK.text(lang) if sums["difference"] == 0 else T.SUM_DIFF.text(lang, difference=fmt(sums["difference"]))
    say(T.SUM_LINE, column=column, total=fmt(sums["total"]), matched=fmt(sums["matched"]), review=fmt(sums["review"]), unmatched=fmt(sums["unmatched"]), check=check)
    declared = sums.get("declared_total")
    if declared is not None and sums["total"] is not None:
        diff = declared - sums["total"]
        check = T.DECLARED_SAME.text(lang) if abs(diff) < 1e-6 else T.DECLARED_DIFF.text(lang, difference=fmt(diff))
        say(T.DECLARED_TOTAL, declared=fmt(declared), column=column, total=fmt(sums["total"]), check=check)
    if sums.get("declared_subtotals") is not None:
        say(T.DECLARED_SUBTOTALS, subtotals=fmt(sums["declared_subtotals"]))


def print_left_out(ledger: dict[str, Any], measures: list[str]) -> None:
    """What went on the layer and what did not (review, unmatched), rows and per measure."""
    rows = ledger["rows"]
    say(T.ROWS_SUMMARY, total=rows["total"], matched=rows["matched"], review=rows["review"], unmatched=rows["unmatched"], excluded=rows["excluded"], blank=rows.get("blank_skipped", 0))
    say(T.LAYER_ROWS, matched=rows["matched"], review=rows["review"], unmatched=rows["unmatched"])
    for column in measures:
        sums = ledger["sums"][column]
        left = sums["review"] + sums["unmatched"]
        say(T.LAYER_MEASURE, column=column, placed=fmt(sums["matched"]), left=fmt(left), review=fmt(sums["review"]), unmatched=fmt(sums["unmatched"]))
    left_rows = rows["review"] + rows["unmatched"]
    if left_rows:
        say(T.LAYER_WARNING, err=True, rows=left_rows)
