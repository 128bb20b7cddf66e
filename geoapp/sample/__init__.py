"""Seeded SAMPLE program data for Kota Tangerang (not official records).

Small modules: ``reference`` (the kelurahan list), ``variants`` (messy names),
``points`` (points inside kelurahan), ``amounts`` (exact splits), one module per file,
``writer`` (the folder) and ``records`` (large synthetic tables). The public API is
re-exported by ``geoapp.sample_data``.
"""
