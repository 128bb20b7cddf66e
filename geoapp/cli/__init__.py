"""The ``geoapp`` command line: one module per command group."""

from geoapp.cli.main import main

__all__ = ["main"]
