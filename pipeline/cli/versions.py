"""The commands of a version's life: ``validate``, ``render``, ``ny``, ``beslut``, ``forsegla``, ``kontrollera``."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import DATE, echo_path, echo_written, pdfs, plural, warnings_text
from pipeline.errors import SchemaError


@click.command(options_metavar="[FLAGGOR]")
@click.argument("paths", metavar="[SÖKVÄG]...", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strikt", "strict", is_flag=True,
              help="Räkna varningar som fel (t.ex. en orsak som ingen aktivitet angriper, eller en plan i ett "
                   "utkast helt utan länkar).")
def validate(paths, strict):
    """Kontrollera data mot scheman och regler; visa alla fel på en gång.

    SÖKVÄG kan vara en versionsmapp, en kommun, ett län, hela agreements/
    (standard) eller en enskild fil. Uppföljningarna bredvid versionerna
    kontrolleras också, liksom att serierna som planerna hänvisar till finns i
    kommunens lägesbild. Varningar (det ett utkast kan sakna, t.ex. en orsak som
    ingen aktivitet angriper) visas efter felen. Avslutas med 0 om inget fel
    finns, annars 1.
    """
    from pipeline.data.validate import validate_paths
    from pipeline.lagesbild import links

    report = validate_paths(list(paths) or [Path("agreements")], strict=strict, checks=(links.check_version,))
    if not report.ok:
        error = SchemaError(report.problems)
        error.warnings = report.warnings
        raise error
    click.echo(f"Giltigt: {report.checked} {plural(report.checked, 'version', 'versioner')} "
               f"{plural(report.checked, 'kontrollerad', 'kontrollerade')}.")
    if report.warnings:
        click.echo(warnings_text(report.warnings))


@click.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för dokumenten (standard: ut/<län>/<kommun>/<version>).")
@click.option("--pdf", is_flag=True, help="Skriv också PDF/A-2 (taggad) bredvid varje dokument; kräver LibreOffice.")
@click.option("--offentlig", "public", is_flag=True,
              help="Skriv den offentliga versionen: sekretessmarkerade uppgifter borttagna, markerade personer "
                   "med sin roll (standardmapp: …/offentlig).")
def render(version_dir, out_dir, pdf, public):
    """Validera en version och skriv dess Word-dokument.

    Skriver överenskommelsen (samverkansoverenskommelse.docx), en bilaga per
    plan (bilaga-N-<namn>.docx) och åtgärdsplanen, och lägesbilden
    (lagesbild.docx) när kommunen har importerad statistik. Befintliga filer
    ersätts i ett svep; vid fel skrivs ingenting.
    """
    if public:
        from pipeline.publish.public import render_public as render_documents
    else:
        from pipeline.documents.lagesbild import render_with_lagesbild as render_documents

    written = render_documents(version_dir, out_dir)
    echo_written(written)
    if pdf:
        pdfs(written)


@click.command(options_metavar="[FLAGGOR]")
@click.argument("kommun_dir", metavar="KOMMUNMAPP", type=click.Path(path_type=Path))
@click.argument("name", metavar="VERSION")
@click.option("--flytta-datum", "new_start", type=DATE, metavar="ÅÅÅÅ-MM-DD",
              help="Den nya versionens startdag: alla datum flyttas lika långt som giltighetstidens start.")
@click.option("--nytt-diarienummer", "case_number", metavar="DNR",
              help="Det nya ärendets diarienummer, t.ex. \"KS 2027/0011\"; skrivs in i den nya versionen.")
@click.option("--behall-diarienummer", "keep_case_number", is_flag=True,
              help="Behåll den förra versionens diarienummer (med vilje, eller tills det nya finns); validate "
                   "varnar tills det är ändrat.")
def ny(kommun_dir, name, new_start, case_number, keep_case_number):
    """Starta en ny version från kommunens senaste version.

    Kopierar data och planer till KOMMUNMAPP/VERSION, sätter status utkast,
    pekar på den föregående versionen och tar bort dess beslut, så att bara det
    som ändras behöver redigeras. Ange det nya ärendets diarienummer med
    --nytt-diarienummer, eller --behall-diarienummer. Visar sedan det som ska ses
    över: datumen och varningarna för gammal text. En befintlig version skrivs
    aldrig över.
    """
    from pipeline.cli.report import new_version_text
    from pipeline.versions.lifecycle import start_version

    created = start_version(kommun_dir, name, new_start=new_start, case_number=case_number,
                            keep_case_number=keep_case_number)
    click.echo(new_version_text(created))
    if created.warnings:
        click.echo(warnings_text(created.warnings))


@click.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--organ", required=True, metavar="ORGAN",  help="Beslutande organ, t.ex. Kommunstyrelsen.")
@click.option("--datum", required=True, type=DATE, help="Beslutsdatum, ÅÅÅÅ-MM-DD.")
@click.option("--paragraf", required=True, metavar="PARAGRAF",  help="Paragraf i protokollet, t.ex. \"§ 12\".")
@click.option("--diarienummer", required=True, metavar="DNR",
              help="Ärendets diarienummer, t.ex. \"KS 2023/0042\"; ska vara versionens.")
@click.option("--nytt-diarienummer", "new_case_number", is_flag=True,
              help="Ärendet har fått ett nytt diarienummer: skriv in det i versionen också.")
@click.option("--strikt", "strict", is_flag=True,
              help="Räkna varningarna (t.ex. text med den förra giltighetstidens datum) som fel: då registreras "
                   "inget beslut.")
def beslut(version_dir, organ, datum, paragraf, diarienummer, new_case_number, strict):
    """Registrera beslutet efter sammanträdet och försegla versionen.

    Sätter status beslutad med beslutet, sparar dokumenten som de beslutades i
    VERSIONSMAPP/beslutat/, fryser länets gemensamma text och skriver ett
    sigill (kontrollsummor) bredvid data. Varningarna för utkastet (som
    validate visar) skrivs ut innan versionen förseglas; med --strikt stoppar
    de beslutet. Därefter vägrar validate och render en beslutad version vars
    filer har ändrats; rättelser görs i en ny version.
    """
    from pipeline.versions.lifecycle import Decision, record_decision

    def show(warnings):
        click.echo(warnings_text(warnings, before_decision=True))

    result = record_decision(version_dir, Decision(organ, datum.isoformat(), paragraf, diarienummer,
                                                   new_case_number), strict=strict, before_sealing=show)
    for notice in result.notices:
        click.echo(f"Obs: {notice}")
    if result.already:
        echo_path("Beslutet var redan registrerat och versionen förseglad: ", version_dir)
    else:
        echo_path("Beslutet registrerat och versionen förseglad: ", version_dir)
    for path in result.written:
        echo_path("Skrev ", path)
    _print_digest(result.digest)


@click.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
def forsegla(version_dir):
    """Försegla en version vars beslut redan står i data (t.ex. en äldre, inlagd version).

    Gör samma sak som beslut utom att skriva beslutet: sparar dokumenten i
    beslutat/, fryser länets gemensamma text och skriver sigillet.
    """
    from pipeline.versions.lifecycle import seal_decided

    result = seal_decided(version_dir)
    for path in result.written:
        echo_path("Skrev ", path)
    _print_digest(result.digest)


def _print_digest(digest: str) -> None:
    click.echo(f"Sigillets kontrollsumma (SHA-256): {digest}")
    click.echo("För in kontrollsumman i beslutet i diariet; med den kan versionen kontrolleras senare: "
               "samverkan kontrollera VERSIONSMAPP --sigill KONTROLLSUMMA")


@click.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--sigill", "expected", metavar="KONTROLLSUMMA",
              help="Sigillets kontrollsumma som den står i diariet; jämförs med sigill.json.")
def kontrollera(version_dir, expected):
    """Kontrollera att en beslutad version är orörd sedan beslutet.

    Jämför varje fil med sigillets kontrollsummor och, med --sigill, sigillet
    självt med kontrollsumman i kommunens diarium. Avslutas med 0 bara när allt
    stämmer, annars 1.
    """
    from pipeline.data.seal import verify

    digest, problems = verify(version_dir, expected)
    if problems:
        raise SchemaError(problems)
    click.echo(f"Sigillets kontrollsumma (SHA-256): {digest}")
    if expected:
        click.echo("Allt stämmer: filerna är som när versionen beslutades, och sigillet är det i diariet.")
    else:
        click.echo("Filerna är som när versionen beslutades. Jämför kontrollsumman ovan med den i diariet, "
                   "eller ange den med --sigill.")



COMMANDS = (validate, render, ny, beslut, forsegla, kontrollera)
