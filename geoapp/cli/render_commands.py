"""``geoapp render``: the printed map (A4 landscape PDF or PNG) of an instance's data."""

from __future__ import annotations

from pathlib import Path

import click

from geoapp.cli import text as T
from geoapp.cli.common import IntParam, current_lang, domain_errors, say
from geoapp.cli.help_text import HelpCommand
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

NO_FORMAT = Msg(
    "cli.render_format",
    "Cannot tell the format of '{path}': name the output file .pdf or .png, or give --format.",
)
OPTIONS = ("layer", "scheme", "k", "year", "program", "kecamatan", "points", "bbox")


def _format(output: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix not in ("pdf", "png"):
        raise GeoappError(NO_FORMAT, 400, path=output[:200])
    return suffix


@click.command("render", cls=HelpCommand)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Output file (.pdf or .png).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "png"]), help="Output format (default: the output file's extension).")
@click.option("--layer", help="Choropleth: a program (umkm, blk, kwt, jobfair) or a layer key such as umkm-nilai. Default: the first program with data.")
@click.option("--scheme", type=click.Choice(["quantiles", "fisher_jenks", "equal_interval"]), help="Classification, as on the map page (default: quantiles).")
@click.option("--k", type=IntParam(2, 9), help="Number of classes, 2 to 9 (default: 5).")
@click.option("--year", help="Only this year's rows.")
@click.option("--program", help="Only one sub-program, written program:value (e.g. 'blk:Barista').")
@click.option("--kecamatan", help="Only one kecamatan, by its kode (e.g. 36.71.01).")
@click.option("--points", help="Point layers drawn on top, comma-separated (kwt-titik, ecofarm-titik, kampung-tematik).")
@click.option("--bbox", help="Extent minx,miny,maxx,maxy in longitude/latitude (default: the whole map).")
@click.option("--instance", type=click.Path(file_okay=False), help="Instance folder (database, secret key, uploads, aliases). Default: ./instance or $GEOAPP_INSTANCE.")
@domain_errors
def render(output: str, fmt: str | None, instance: str | None, **choices: object) -> None:
    """Print the map of the instance's active data to an A4 landscape PDF or PNG.

    The same map as the web page's "Cetak / Unduh peta" (/map/print.pdf): title, legend
    with its unit, source and import date, scale bar, north arrow, print date and the
    sample-data label when the data is sample data.
    """
    from geoapp.web import create_app
    from geoapp.web.db import ACTIVE_EXT, EXT
    from geoapp.web.print_view import print_map

    fmt = _format(output, fmt)
    args = {name: str(choices[name]) for name in OPTIONS if choices.get(name) is not None}
    app = create_app({"INSTANCE_PATH": instance} if instance else None)
    with app.app_context():
        with app.extensions[EXT]["sessions"]() as session:
            body = print_map(session, app.extensions[ACTIVE_EXT], args, fmt,
                             lang=current_lang())
    Path(output).write_bytes(body)
    say(T.WROTE, path=output)


COMMANDS = (render,)
