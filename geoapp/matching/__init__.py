"""Match record rows to kelurahan: code, coordinates, name, alias, fuzzy."""
