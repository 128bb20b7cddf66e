"""Single cell values: kode wilayah, place names, numbers and coordinates (parse and format)."""
