"""Reading and writing files: program records (CSV/XLSX), boundary sets, layer exports."""
