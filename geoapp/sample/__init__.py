"""Seeded SAMPLE program data for Kota Tangerang (not official records).

Small modules: ``reference`` (the kelurahan list), ``variants`` (messy names),
``points`` (points inside kelurahan), ``amounts`` (exact splits), one module per file,
``writer`` (the folder) and ``records`` (large synthetic tables). The public API is
re-exported here.
"""


from geoapp.sample.records import generate_messy_records
from geoapp.sample.variants import messy_name
from geoapp.sample.writer import build_tables, sample_truth, write_sample_data

__all__ = [
    "build_tables",
    "generate_messy_records",
    "messy_name",
    "sample_truth",
    "write_sample_data",
]
