"""The ``geoapp`` click group and its commands. Each command's docstring is its help text.

The commands live in one module per group (records, sample data, web app, backup);
none of them imports this module, which only assembles them.
"""

from __future__ import annotations

import click

from geoapp.cli import (
    backup_commands,
    data_commands,
    db_commands,
    import_commands,
    match_commands,
    render_commands,
    server_commands,
)
from geoapp.cli.common import CleanErrorsGroup
from geoapp.cli.help_text import HelpGroup


class MainGroup(CleanErrorsGroup, HelpGroup):
    """The ``geoapp`` group: clean error messages and translated --help."""


@click.group(cls=MainGroup)
@click.option("--lang", type=click.Choice(["id", "en"]), is_eager=True, help="Interface language (default: id, or $GEOAPP_LANG).")
@click.version_option(package_name="geoapp")
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """geoapp: put program records of any Indonesian region on desa/kelurahan maps.

    Reads messy CSV/XLSX records, matches every row to a desa/kelurahan of the working
    area (a kabupaten/kota, a province or the whole country; default Kota Tangerang),
    proves nothing was lost, aggregates, exports GeoJSON/CSV/GeoPackage and serves the
    planners' map.
    """
    ctx.obj = {"lang": lang}


for _module in (match_commands, import_commands, data_commands, server_commands,
                backup_commands, render_commands, db_commands):
    for _command in _module.COMMANDS:
        main.add_command(_command)
