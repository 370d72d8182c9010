"""The publishing commands: ``publicera`` (web pages) and ``arkiv`` (an E-ARK archive package)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import echo_path


@click.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för webbsidorna (standard: ut/<län>/<kommun>/<version>/webb).")
def publicera(version_dir, out_dir):
    """Gör en webbpublicering av en beslutad versions offentliga version.

    Skriver webbsidor (översikt, överenskommelsen, en sida per bilaga,
    medborgarlöftena och beslutet), en stilmall och dokumenten som PDF/A, allt i
    en mapp som kan läggas ut som den är. Sekretessmarkerade uppgifter är
    borttagna och markerade personer står med sin roll. Kräver LibreOffice.
    """
    from pipeline.publish.site import publish_version

    for path in publish_version(version_dir, out_dir):
        echo_path("Skrev ", path)


@click.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för arkivpaketet (standard: ut/<län>/<kommun>/<version>/arkiv).")
def arkiv(version_dir, out_dir):
    """Gör ett arkivpaket (E-ARK SIP 2.1, FGS Paketstruktur 2.0) av en beslutad, förseglad version.

    Paketet innehåller dokumenten som de beslutades som PDF/A, data, dokumenten
    som Word-filer och sigillet, med kontrollsummor (PREMIS) och uppgifter om
    kommun, ärende, diarienummer, organ, datum och paragraf. Det skrivs som en
    mapp och som en zip-fil. En version som inte är förseglad, eller vars filer
    har ändrats sedan beslutet, vägras. Kräver LibreOffice.
    """
    from pipeline.publish.archive import archive_version

    for path in archive_version(version_dir, out_dir):
        echo_path("Skrev ", path)



COMMANDS = (publicera, arkiv)
