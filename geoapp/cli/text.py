"""User-facing texts of the command line, in both interface languages."""

from geoapp.core.i18n import Msg

ERROR_PREFIX = Msg("error_prefix", "Galat", "Error")
READING = Msg("reading", "Membaca {path} ...", "Reading {path} ...")
MATCHING = Msg("matching", "Mencocokkan baris dengan kelurahan", "Matching rows to kelurahan")
READ_INFO = Msg(
    "read_info",
    "Format {format}, encoding {encoding}, pemisah {delimiter}, baris judul kolom {header_row}{sheet}",
    "Format {format}, encoding {encoding}, delimiter {delimiter}, header row {header_row}{sheet}",
)
COLUMNS_USED = Msg("columns_used", "Kolom yang dipakai: {columns}", "Columns used: {columns}")
ROWS_SUMMARY = Msg(
    "rows_summary",
    "Baris: {total} = {matched} cocok + {review} perlu ditinjau + {unmatched} tidak cocok "
    "+ {excluded} dikecualikan (baris jumlah); {blank} baris kosong dilewati",
    "Rows: {total} = {matched} matched + {review} to review + {unmatched} unmatched "
    "+ {excluded} excluded (total rows); {blank} blank rows skipped",
)
METHODS_SUMMARY = Msg("methods_summary", "Cocok menurut: {methods}", "Matched by: {methods}")
SUM_LINE = Msg(
    "sum_line",
    "Jumlah '{column}': {total} = cocok {matched} + tinjau {review} + tidak cocok {unmatched}{check}",
    "Sum of '{column}': {total} = matched {matched} + review {review} + unmatched {unmatched}{check}",
)
SUM_OK = Msg("sum_ok", " (seimbang)", " (balanced)")
SUM_DIFF = Msg("sum_diff", " (SELISIH {difference}!)", " (DIFFERENCE {difference}!)")
DECLARED_TOTAL = Msg(
    "declared_total",
    "Baris jumlah di berkas menyebut {declared} untuk '{column}'; jumlah baris data {total}{check}",
    "The file's total row says {declared} for '{column}'; the data rows sum to {total}{check}",
)
DECLARED_SAME = Msg("declared_same", " (sama)", " (same)")
DECLARED_DIFF = Msg("declared_diff", " (BERBEDA {difference})", " (DIFFERS by {difference})")
UNPARSED = Msg(
    "unparsed",
    "{count} sel di kolom '{column}' bukan angka dan tidak dijumlahkan",
    "{count} cells in column '{column}' are not numbers and were not summed",
)
WROTE = Msg("wrote", "Ditulis: {path}", "Wrote: {path}")
REVIEW_HINT = Msg(
    "review_hint",
    "{count} baris perlu ditinjau. Jalankan 'geoapp review' untuk memilih kelurahan yang benar; "
    "ejaan nama yang jelas disimpan sebagai alias untuk berikutnya.",
    "{count} rows need review. Run 'geoapp review' to pick the right kelurahan; "
    "unambiguous spellings are saved as aliases for next time.",
)
SAMPLE_WRITTEN = Msg(
    "sample_written",
    "Data sampel (bukan data resmi) ditulis ke {outdir}:",
    "Sample data (not official records) written to {outdir}:",
)
REVIEW_NOTHING = Msg("review_nothing", "Tidak ada baris yang perlu ditinjau.", "No rows need review.")
REVIEW_ITEM = Msg(
    "review_item",
    "'{name}' (kecamatan: {kecamatan}) — {rows} baris. {note}",
    "'{name}' (kecamatan: {kecamatan}) — {rows} rows. {note}",
)
REVIEW_PROMPT = Msg(
    "review_prompt",
    "Pilih nomor, 0 = biarkan tidak cocok, q = selesai",
    "Choose a number, 0 = leave unmatched, q = finish",
)
REVIEW_SAVED = Msg(
    "review_saved", "{count} alias disimpan ke {path}", "{count} aliases saved to {path}"
)
ALIAS_ADDED = Msg(
    "alias_added", "Alias '{name}' -> {kode} ({nama}) disimpan ke {path}",
    "Alias '{name}' -> {kode} ({nama}) saved to {path}",
)
UNKNOWN_KODE = Msg(
    "unknown_kode",
    "Kode '{kode}' tidak ada di batas wilayah. Contoh kode yang benar: {example}.",
    "Code '{kode}' is not in the boundary set. Example of a valid code: {example}.",
)
FILE_NOT_FOUND = Msg(
    "file_not_found",
    "Berkas '{path}' tidak ditemukan atau tidak bisa dibaca. Periksa nama dan lokasinya.",
    "File '{path}' was not found or cannot be read. Check its name and location.",
)
AGGREGATED = Msg(
    "aggregated",
    "{features} {level}: {with_data} punya data, {without} tanpa data",
    "{features} {level}: {with_data} with data, {without} without data",
)
READ_INFO_XLSX = Msg(
    "read_info_xlsx",
    "Format {format}, baris judul kolom {header_row}{sheet}",
    "Format {format}, header row {header_row}{sheet}",
)
SHEET_IGNORED = Msg(
    "cli.sheet_ignored",
    "--sheet '{sheet}' diabaikan: '{filename}' bukan berkas XLSX (formatnya {format}) dan tidak punya lembar.",
    "--sheet '{sheet}' was ignored: '{filename}' is not an XLSX file (its format is {format}) and has no sheets.",
)
GUARDED_CELLS = Msg(
    "guarded_cells",
    "{count} sel teks diawali tanda petik (') di berkas keluaran agar spreadsheet tidak menjalankannya "
    "sebagai rumus (sel yang diawali = + - @ atau tab): {columns}. Hapus tanda petik itu bila perlu; "
    "isi aslinya tidak berubah.",
    "{count} text cells got a leading apostrophe (') in the output so spreadsheets do not run them "
    "as formulas (cells starting with = + - @ or a tab): {columns}. Remove the apostrophe if needed; "
    "the original text is otherwise unchanged.",
)
DECLARED_SUBTOTALS = Msg(
    "declared_subtotals",
    "Baris subtotal lain di berkas (jumlah {subtotals}) tidak ikut dijumlahkan.",
    "Other subtotal rows in the file (together {subtotals}) were not added in.",
)
BOUNDARIES_USED = Msg(
    "boundaries_used",
    "Batas wilayah '{source}' ({driver}): {features} kelurahan; sistem koordinat {crs}{reprojected}.",
    "Boundaries '{source}' ({driver}): {features} kelurahan; coordinate system {crs}{reprojected}.",
)
BOUNDARIES_REPROJECTED = Msg("boundaries_reprojected", ", diproyeksikan ke EPSG:4326", ", reprojected to EPSG:4326")
BOUNDARIES_CRS_NONE = Msg("boundaries_crs_none", "tidak disebut", "not stated")
BOUNDARIES_FIELDS = Msg("boundaries_fields", "Kolom batas wilayah yang dipakai: {fields}", "Boundary fields used: {fields}")
BOUNDARIES_REPAIRED = Msg(
    "boundaries_repaired",
    "{count} geometri diperbaiki: {kode}",
    "{count} geometries repaired: {kode}",
)
LAYER_ROWS = Msg(
    "layer_rows",
    "Masuk ke lapisan: {matched} baris cocok. Tidak masuk: {review} perlu ditinjau, {unmatched} tidak cocok.",
    "On the layer: {matched} matched rows. Left out: {review} to review, {unmatched} unmatched.",
)
LAYER_MEASURE = Msg(
    "layer_measure",
    "'{column}': {placed} masuk ke lapisan; {left} tidak masuk (tinjau {review}, tidak cocok {unmatched})",
    "'{column}': {placed} on the layer; {left} left out (review {review}, unmatched {unmatched})",
)
LAYER_WARNING = Msg(
    "layer_warning",
    "PERINGATAN: {rows} baris tidak masuk ke lapisan, jadi angka lapisan lebih kecil dari isi berkas. "
    "Tinjau dengan 'geoapp review' (pilihan disimpan sebagai alias), lalu jalankan aggregate lagi.",
    "WARNING: {rows} rows are not on the layer, so the layer's figures are smaller than the file's. "
    "Review them with 'geoapp review' (choices are saved as aliases), then run aggregate again.",
)
