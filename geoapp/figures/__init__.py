"""Per-kelurahan figures: aggregation, map layers from the store, PNG rendering."""
