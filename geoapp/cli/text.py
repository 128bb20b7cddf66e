"""User-facing texts of the command line, in both interface languages."""

from geoapp.core.i18n import Msg

ERROR_PREFIX = Msg("error_prefix", "Error")
UNEXPECTED = Msg(
    "cli.unexpected",
    "The command stopped because of an unexpected error ({kind}: {reason}). Check the "
    "files and options given; if it happens again, report it with the command you ran.",
)
READING = Msg("reading", "Reading {path} ...")
MATCHING = Msg("matching", "Matching rows to kelurahan")
IMPORT_STORING = Msg("import_storing", "Storing {rows} rows as a new version ...")
READ_INFO = Msg(
    "read_info",
    "Format {format}, encoding {encoding}, delimiter {delimiter}, header row {header_row}{sheet}",
)
COLUMNS_USED = Msg("columns_used", "Columns used: {columns}")
COLUMNS_OTHER = Msg("columns_other",
                    "Other columns: {columns} (measures are summed; identifiers and ignored "
                    "columns are neither summed nor mapped)")
COLUMN_USES = {
    "measure": Msg("column_use_measure", "measure"),
    "identifier": Msg("column_use_identifier", "identifier"),
    "ignored": Msg("column_use_ignored", "ignored"),
    "kode not used": Msg("column_use_kode_unused", "code column not used"),
}
ROWS_SUMMARY = Msg(
    "rows_summary",
    "Rows: {total} = {matched} matched + {review} to review + {unmatched} unmatched "
    "+ {excluded} excluded (total rows); {blank} blank rows skipped",
)
METHODS_SUMMARY = Msg("methods_summary", "Matched by: {methods}")
SUM_LINE = Msg(
    "sum_line",
    "Sum of '{column}': {total} = matched {matched} + review {review} + "
    "unmatched {unmatched}{check}",
)
SUM_OK = Msg("sum_ok", " (balanced)")
SUM_DIFF = Msg("sum_diff", " (DIFFERENCE {difference}!)")
DECLARED_TOTAL = Msg(
    "declared_total",
    "The file's total row says {declared} for '{column}'; the data rows sum to {total}{check}",
)
DECLARED_SAME = Msg("declared_same", " (same)")
DECLARED_DIFF = Msg("declared_diff", " (DIFFERS by {difference})")
UNPARSED = Msg("unparsed", "{count} cells in column '{column}' are not numbers and were not summed")
WROTE = Msg("wrote", "Wrote: {path}")
IMPORT_FINISH_HINT = Msg(
    "import_finish_hint",
    "{count} rows to review or unmatched were stored with their reason. Finish them in the "
    "browser: Data → Stored versions (/data/versions), button 'Fix unmatched rows' on the "
    "active version, then confirm there (a new version; nothing changes before).",
)
REVIEW_HINT = Msg(
    "review_hint",
    "{count} rows need review. Run 'geoapp review' to pick the right kelurahan; "
    "unambiguous spellings are saved as aliases for next time.",
)
SAMPLE_WRITTEN = Msg("sample_written", "Sample data (not official records) written to {outdir}:")
REVIEW_NOTHING = Msg("review_nothing", "No rows need review.")
REVIEW_ITEM = Msg("review_item", "'{name}' (kecamatan: {kecamatan}) — {rows} rows. {note}")
REVIEW_PROMPT = Msg("review_prompt", "Choose a number, 0 = leave unmatched, q = finish")
REVIEW_SAVED = Msg("review_saved", "{count} aliases saved to {path}")
ALIAS_ADDED = Msg("alias_added", "Alias '{name}' -> {kode} ({nama}) saved to {path}")
UNKNOWN_KODE = Msg(
    "unknown_kode",
    "Code '{kode}' is not in the boundary set. Example of a valid code: {example}.",
)
FILE_NOT_FOUND = Msg(
    "file_not_found",
    "File '{path}' was not found or cannot be read. Check its name and location.",
)
AGGREGATED = Msg("aggregated", "{features} {level}: {with_data} with data, {without} without data")
READ_INFO_XLSX = Msg("read_info_xlsx", "Format {format}, header row {header_row}{sheet}")
SHEET_IGNORED = Msg(
    "cli.sheet_ignored",
    "--sheet '{sheet}' was ignored: '{filename}' is not an XLSX file (its format is "
    "{format}) and has no sheets.",
)
GUARDED_CELLS = Msg(
    "guarded_cells",
    "{count} text cells got a leading apostrophe (') in the output so spreadsheets do not run "
    "them as formulas (cells starting with = + - @ or a tab): {columns}. Remove the apostrophe if "
    "needed; the original text is otherwise unchanged.",
)
DECLARED_SUBTOTALS = Msg(
    "declared_subtotals",
    "Other subtotal rows in the file (together {subtotals}) were not added in.",
)
BOUNDARIES_USED = Msg(
    "boundaries_used",
    "Boundaries '{source}' ({driver}): {features} kelurahan; coordinate system {crs}{reprojected}.",
)
BOUNDARIES_REPROJECTED = Msg("boundaries_reprojected", ", reprojected to EPSG:4326")
BOUNDARIES_CRS_NONE = Msg("boundaries_crs_none", "not stated")
BOUNDARIES_FIELDS = Msg("boundaries_fields", "Boundary fields used: {fields}")
BOUNDARIES_REPAIRED = Msg("boundaries_repaired", "{count} geometries repaired: {kode}")
LAYER_ROWS = Msg(
    "layer_rows",
    "On the layer: {matched} matched rows. Left out: {review} to review, {unmatched} unmatched.",
)
LAYER_MEASURE = Msg(
    "layer_measure",
    "'{column}': {placed} on the layer; {left} left out (review {review}, unmatched {unmatched})",
)
LAYER_WARNING = Msg(
    "layer_warning",
    "WARNING: {rows} rows are not on the layer, so the layer's figures are smaller "
    "than the file's. Review them with 'geoapp review' (choices are saved as "
    "aliases), then run aggregate again.",
)
WORKING_AREA = Msg("cli.working_area", "Working area: {name} ({code}), {count} desa/kelurahan")
WORKING_AREA_FILE = Msg("cli.working_area_file",
                        "Working area: {name} (boundaries {source}), {count} desa/kelurahan")
AREA_PROVINCE = Msg("cli.area_province", "{name} province")
IMPORT_OTHER_AREA = Msg(
    "cli.import_other_area",
    "This instance's working area is {recorded_name} ({recorded}): its server was last "
    "started with it. --wilayah {given} ({given_name}) differs, so nothing was imported. "
    "Import with --wilayah {recorded} (or without --wilayah), or first start the server "
    "with the new working area (geoapp serve --wilayah {given}) and import again.",
)
SERVE_PLANNER = Msg(
    "cli.serve_planner",
    "=== geoapp: planner account created (shown only this once) ===\n"
    "    username: {username}\n    password: {password}\n"
    "    Change it with the CLI (set-password).",
)
SERVE_RECORDED_AREA = Msg(
    "cli.serve_recorded_area",
    "Working area: {name} ({code}), as this instance was last served. "
    "Start with --wilayah KODE for another area.")
SERVE_URL = Msg("cli.serve_url", "geoapp: {url}  (instance {instance})")
