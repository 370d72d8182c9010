"""The command ``webb``: the local web app for the secretary (see :mod:`pipeline.web`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command(options_metavar="[FLAGGOR]")
@click.argument("root", metavar="[DATAMAPP]", default="agreements", type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default="en ledig port",
              help="Porten på 127.0.0.1 som webbappen lyssnar på.")
@click.option("--no-browser", "--ingen-webblasare", "no_browser", is_flag=True,
              help="Öppna inte webbläsaren; skriv bara ut adressen.")
def webb(root, port, no_browser):
    """Redigera, kontrollera, förhandsvisa, jämför och besluta i webbläsaren.

    Startar en webbapp på den här datorn (127.0.0.1) och öppnar den i
    webbläsaren. Adressen innehåller en engångsnyckel; bara den som har den kan
    använda appen. Avsluta med Ctrl+C.
    """
    from pipeline.web.server import check_data_root, make_server

    server, session = make_server(check_data_root(root), port)
    url = session.url()
    click.echo(f"samverkan webb kör på {url}")
    click.echo("Öppna adressen i webbläsaren (den innehåller nyckeln). Avsluta med Ctrl+C.")
    sys.stdout.flush()
    if not no_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.run()
    finally:
        server.close()


COMMANDS = (webb,)
