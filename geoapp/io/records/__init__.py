"""Read CSV and XLSX program records as they really arrive from city offices."""
