"""The comparing commands: ``diff`` and ``underlag`` (two versions) and ``jamfor`` (any two Word files)."""

from __future__ import annotations

import copy
from pathlib import Path

import click

from pipeline.cli.common import echo_path, pdfs, plural


@click.command(options_metavar="[FLAGGOR]")
@click.argument("old_dir", metavar="GAMMAL_VERSION", type=click.Path(path_type=Path))
@click.argument("new_dir", metavar="NY_VERSION", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för dokumenten (standard: ut/<län>/<kommun>/andringar-<gammal>-<ny>).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Sammanfattningen som läsbar text eller som JSON.")
@click.option("--pdf", is_flag=True, help="Skriv också PDF/A-2 (taggad) bredvid varje dokument; kräver LibreOffice.")
@click.option("--paket", is_flag=True,
              help="Skriv också beslutspaket.pdf: tjänsteskrivelsen, ändringarna och förslaget i en fil.")
@click.option("--bakvänd", "--bakvand", "reversed_ok", is_flag=True,
              help="Jämför även om NY_VERSION är äldre än GAMMAL_VERSION.")
@click.option("--offentlig", "public", is_flag=True,
              help="Skriv den offentliga versionen: sekretessmarkerade uppgifter borttagna, markerade personer "
                   "med sin roll (standardmapp: …/offentlig).")
def diff(old_dir, new_dir, out_dir, fmt, pdf, paket, reversed_ok, public):
    """Gör ändringsdokument och tjänsteskrivelse av två versioner.

    Inför beslut i kommunstyrelsen: skriver överenskommelsen och varje plan
    med ändringarna markerade (spårade ändringar i Word), tjänsteskrivelsen
    med tabellen "Ändringar jämfört med gällande överenskommelse", och visar
    sammanfattningen av ändringarna. GAMMAL_VERSION och NY_VERSION är två
    versionsmappar för samma kommun.
    """
    if public:
        from pipeline.publish.public import diff_public as compare_versions
    else:
        from pipeline.compare.versions import diff as compare_versions

    comparison, written = compare_versions(old_dir, new_dir, out_dir, reversed_ok=reversed_ok)
    _show_comparison(comparison, written, fmt, pdf, paket)


@click.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för dokumenten (standard: som diff, eller ut/<län>/<kommun>/underlag-<version> för "
                   "en första överenskommelse).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Sammanfattningen som läsbar text eller som JSON.")
@click.option("--pdf", is_flag=True, help="Skriv också PDF/A-2 (taggad) bredvid varje dokument; kräver LibreOffice.")
@click.option("--paket", is_flag=True, help="Skriv också beslutspaket.pdf med allt kommunstyrelsen ska ha.")
@click.option("--offentlig", "public", is_flag=True,
              help="Skriv den offentliga versionen: sekretessmarkerade uppgifter borttagna, markerade personer "
                   "med sin roll (standardmapp: …/offentlig).")
def underlag(version_dir, out_dir, fmt, pdf, paket, public):
    """Skriv beslutsunderlaget för en version: tjänsteskrivelsen och ändringsdokumenten.

    Har versionen en föregående version jämförs den med den (som diff). Annars
    är den kommunens första överenskommelse: tjänsteskrivelsen föreslår den
    utan jämförelse, och beslutspaketet innehåller förslaget och bilagorna.
    """
    if public:
        from pipeline.publish.public import propose_public

        comparison, written = propose_public(version_dir, out_dir)
    else:
        from pipeline.compare.versions import propose, write

        comparison, written = write(propose(version_dir), out_dir)
    _show_comparison(comparison, written, fmt, pdf, paket)


def _show_comparison(comparison, written, fmt: str, pdf: bool, paket: bool) -> None:
    """Print a comparison, the files written, and make the PDFs and package asked for."""
    from pipeline.cli.report import changes_json, changes_text

    if fmt == "json":
        click.echo(changes_json(comparison, written))
    else:
        click.echo(changes_text(comparison))
        for path in written:
            echo_path("Skrev ", path)
    if pdf or paket:
        from pipeline.publish.package import decision_package

        package = decision_package(comparison, written[0].parent)
        pdfs(written if pdf else [], [package] if paket else [], quiet=fmt == "json")


@click.command(options_metavar="[FLAGGOR]")
@click.argument("old", metavar="GAMMAL.docx", type=click.Path(path_type=Path))
@click.argument("new", metavar="NY.docx", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), metavar="UT.docx",
              help="Filen som skrivs (standard: NY-andringar.docx bredvid NY.docx).")
@click.option("--forfattare", metavar="NAMN", help="Namnet som står på ändringarna (standard: samverkan).")
@click.option("--datum", metavar="ÅÅÅÅ-MM-DD", help="Datumet på ändringarna, ÅÅÅÅ-MM-DD (standard: i dag).")
@click.option("--pdf", is_flag=True, help="Skriv också en PDF/A-2 (taggad) bredvid; kräver LibreOffice.")
def jamfor(old, new, out, forfattare, datum, pdf):
    """Markera ändringarna mellan två Word-filer, vilka som helst.

    Skriver en kopia av NY.docx där skillnaderna mot GAMMAL.docx är spårade
    ändringar. Vilka Word-filer som helst (.docx): brödtext, tabeller, fotnoter
    och slutnoter, sidhuvud och sidfot, bilder, textrutor, ekvationer och
    länkar. Resultatet öppnas i Word eller LibreOffice, där ändringarna kan
    godkännas eller avvisas. En fil som redan har spårade ändringar jämförs som
    den ser ut med dem godkända. Även `samverkan jämför`.
    """
    from pipeline.compare.jamfor import jamfor as compare_files

    written = compare_files(old, new, out, forfattare, datum)
    for notice in written.comparison.notices:
        click.echo(f"Obs: {notice}")
    click.echo(f"Skrev {written.path} ({written.comparison.revisions} "
               f"{plural(written.comparison.revisions, 'ändringsmarkering', 'ändringsmarkeringar')})")
    if pdf:
        pdfs([written.path])




def _alias(command: click.Command) -> click.Command:
    """Return ``command`` under another name, left out of the help."""

    alias = copy.copy(command)
    alias.hidden = True
    return alias


COMMANDS = (diff, underlag, jamfor)
ALIASES = {"jämför": _alias(jamfor)}
