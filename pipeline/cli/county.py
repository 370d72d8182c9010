"""The county coordinator's commands: ``batch``, everything for every kommun at once, and ``granska``,
the same documents read against the rules every document keeps."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import DATE


@click.command(options_metavar="[FLAGGOR]")
@click.argument("root", metavar="[DATAMAPP]", required=False, default=Path("agreements"),
                type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default=Path("ut"), show_default=True, type=click.Path(path_type=Path),
              help="Utdatamapp (får inte ligga i datamappen).")
@click.option("--jobs", "jobs", type=click.IntRange(min=1), default=None, metavar="ANTAL",
              help="Antal processer, minst 1 (standard: datorns antal kärnor).")
@click.option("--force", is_flag=True, help="Gör om allt, även det som inte har ändrats.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Rapporten som läsbar text eller som JSON.")
@click.option("--datum", "today", default=None, type=DATE,
              help="Dagen som länsöversikten avser (standard: i dag).")
@click.option("--pdf", is_flag=True,
              help="Skriv också PDF/A-2 av varje dokument och ett beslutspaket för varje version som väntar "
                   "på beslut; kräver LibreOffice.")
@click.option("--offentlig", "public", is_flag=True,
              help="Skriv också den offentliga versionen av varje versions dokument och varje jämförelse "
                   "(i mappen offentlig/ bredvid dokumenten).")
@click.option("--arkiv", "archive", is_flag=True,
              help="Skriv också ett arkivpaket (E-ARK SIP) för varje beslutad, förseglad version som saknar ett; "
                   "kräver LibreOffice.")
def batch(root, out_dir, jobs, force, fmt, today, pdf, public, archive):
    """Gör om allt för länets kommuner: dokument, ändringar, tjänsteskrivelser och länsöversikt.

    DATAMAPP (standard agreements/) kan vara hela data eller ett län. Allt
    valideras och varje fel i varje kommun rapporteras; en trasig kommun
    stoppar inte de andra, men avslutningskoden blir 1. Det som inte har
    ändrats sedan förra körningen (enligt manifest.json i utdatamappen) görs
    inte om. Avbryts körningen blir inga halvskrivna filer kvar, och nästa
    körning gör klart det som återstår.
    """
    from pipeline.cli.report import batch_json, batch_text, progress_printer
    from pipeline.county.batch import run_batch

    with progress_printer(enabled=fmt == "text") as progress:
        report = run_batch(root, out_dir, jobs=jobs, force=force, today=today, progress=progress, pdf=pdf,
                           public=public, archive=archive)
    click.echo(batch_json(report) if fmt == "json" else batch_text(report))
    if report.interrupted:
        raise click.exceptions.Exit(128 + report.interrupted)
    if report.problems:
        raise click.exceptions.Exit(1)


@click.command(options_metavar="[FLAGGOR]")
@click.argument("folder", metavar="[DATAMAPP|VERSIONSMAPP]", required=False, default=Path("agreements"),
                type=click.Path(path_type=Path))
@click.option("--utan-pdf", "no_pdf", is_flag=True,
              help="Läs bara Word-dokumenten, skriv inte ut dem som PDF (snabbare, men sidorna granskas inte).")
def granska(folder, no_pdf):
    """Granska dokumenten: gör alla dokument och läs dem som mottagaren gör.

    Dokumenten för DATAMAPP (standard agreements/), ett län, en kommun eller en
    version görs i en tillfällig mapp – interna och offentliga, och som PDF när
    LibreOffice finns – och läses mot reglerna: inga fältnamn ur datan, inga
    upprepade meningar, datum utskrivna, giltigheten angiven en gång, varje rad
    i ändringstabellen på papperet, kontrollsumman obruten, offentliga dokument
    märkta. Inget skrivs i datamappen. Avslutningskoden är 1 om något hittas.
    """
    from pipeline.cli.report import progress_printer, review_text
    from pipeline.county.review import review_folder

    with progress_printer(enabled=True) as progress:
        report = review_folder(folder, pdf=False if no_pdf else None, progress=progress)
    click.echo(review_text(report))
    if report.findings or report.problems:
        raise click.exceptions.Exit(1)


COMMANDS = (batch, granska)
