"""Seeded SAMPLE program files for Kota Tangerang, and large messy record tables.

``write_sample_data`` writes the sample folder (city totals are real, rows are invented);
``generate_messy_records`` makes benchmark/accuracy tables with a known true kode per row;
``messy_name`` gives one realistic misspelling of a kelurahan name.
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
