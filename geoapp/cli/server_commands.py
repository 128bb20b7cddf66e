"""The web app's commands: ``serve``, ``settings`` and ``set-password``."""

from __future__ import annotations

import getpass

import click

from geoapp.cli import text as T
from geoapp.cli.common import IntParam, domain_errors, say
from geoapp.cli.help_text import HelpCommand


@click.command(cls=HelpCommand)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=IntParam(1, 65535))
@click.option("--threads", default=8, show_default=True, type=IntParam(1, 256), help="Threads per worker process.")
@click.option("--workers", default=1, show_default=True, type=IntParam(1, 64), help="Worker processes; more than 1 runs gunicorn (POSIX only) instead of waitress.")
@click.option("--instance", type=click.Path(file_okay=False), help="Instance folder (database, secret key, uploads, aliases). Default: ./instance or $GEOAPP_INSTANCE.")
@click.option("--wilayah", metavar="KODE", help="Working area from the shipped national data: a kabupaten/kota (36.74), a province (36) or ID; overrides the WILAYAH setting. Default: the area this instance was last served with, else 36.71, Kota Tangerang.")
@domain_errors
def serve(host: str, port: int, threads: int, workers: int, instance: str | None, wilayah: str | None) -> None:
    """Run the planners' map with a production WSGI server (waitress, or gunicorn with --workers).

    On first start it creates the SQLite database in the instance folder, imports the
    labelled sample data and prints the planner account's password once. The instance
    records the working area it is served with: 'geoapp import' on it then matches
    against that area, and a later start without --wilayah serves it again. For development only, `flask --app geoapp.web run --debug` runs
    Flask's own server instead.
    """
    from geoapp.web.serve import serve as run_server

    run_server(host=host, port=port, threads=threads, instance=instance, workers=workers,
               wilayah=wilayah, announce=announce)


def announce(planner: tuple[str, str] | None, url: str, instance: str,
             recorded_area: str | None = None) -> None:
    """The start-up banner in the user's language: the new planner account (once), the
    working area when it was kept from the instance's last start, the address."""
    if planner:
        click.echo("")
        say(T.SERVE_PLANNER, username=planner[0], password=planner[1])
        click.echo("")
    if recorded_area:
        from geoapp.cli.run_options import area_label

        say(T.SERVE_RECORDED_AREA, name=area_label(recorded_area), code=recorded_area)
    say(T.SERVE_URL, url=url, instance=instance)


@click.command("settings", cls=HelpCommand)
def settings_command() -> None:
    """List every setting with its default, environment variable and meaning.

    Override a setting in instance/config.toml or with the environment variable.
    """
    from geoapp.core.settings import describe

    for item in describe():
        click.echo(f"{item['name']} = {item['default']!r}  (${item['env']})")
        click.echo(f"    {item['help']}")


@click.command("set-password", cls=HelpCommand)
@click.argument("username")
@click.option("--role", type=click.Choice(["planner", "admin"]), default="planner", show_default=True)
@click.option("--instance", type=click.Path(file_okay=False))
@click.password_option()
@domain_errors
def set_password_command(username: str, role: str, instance: str | None, password: str) -> None:
    """Create a user or change a user's password and role."""
    from geoapp.store import save_account
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": instance} if instance else None)
    with app.app_context():
        with app.extensions["geoapp_db"]["sessions"]() as session:
            save_account(session, username, password, role, actor=cli_actor())
    click.echo(f"{username} ({role}) OK")


def cli_actor() -> str:
    """Who the audit log names for a change made on the command line: ``cli:<OS user>``."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (e.g. a container's bare uid)
        return "cli"
    return f"cli:{user}"[:64]


COMMANDS = (serve, settings_command, set_password_command)
