"""geoapp: put Indonesian local-government program records on kelurahan maps."""

__version__ = "0.1.0"
