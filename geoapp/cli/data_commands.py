"""``geoapp sample-data``: the seeded sample program files."""

from __future__ import annotations

import click

from geoapp.cli import text as T
from geoapp.cli.common import IntParam, domain_errors, say
from geoapp.cli.help_text import HelpCommand


@click.command("sample-data", cls=HelpCommand)
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option("--seed", default=2020, show_default=True, type=IntParam(0, 2**32 - 1), help="Random seed; the same seed writes the same files.")
@domain_errors
def sample_data(outdir: str, seed: int) -> None:
    """Write seeded SAMPLE program files (not official records) to OUTDIR.

    City totals match the published figures: 7,525 UMKM/PKL groups, 11,380 BLK
    participants, 44 KWT with 484,118 seedlings, 157 job-fair companies with 13,194
    vacancies, and an illustrative population table totalling 1,957,349.
    """
    from geoapp.sample import write_sample_data

    paths = write_sample_data(outdir, seed=seed)
    say(T.SAMPLE_WRITTEN, outdir=outdir)
    for path in paths:
        click.echo(f"  {path}")


COMMANDS = (sample_data,)
