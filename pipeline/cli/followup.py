"""The follow-up commands: ``uppfoljning`` (the report), ``export`` and ``import`` (workbooks, the county)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import DATE, echo_path, echo_written, pdfs


@click.command(options_metavar="[FLAGGOR]")
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--datum", "day", type=DATE, default=None,
              help="Uppföljningen som rapporten gäller, ÅÅÅÅ-MM-DD (standard: den senaste).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Mapp för rapporten (standard: ut/<län>/<kommun>/<version>/uppfoljning).")
@click.option("--pdf", is_flag=True, help="Skriv också PDF/A-2 (taggad) bredvid; kräver LibreOffice.")
def uppfoljning(version_dir, day, out_dir, pdf):
    """Skriv uppföljningsrapporten för samverkansgruppen eller BRÅ.

    uppfoljning-ÅÅÅÅ-MM-DD.docx visar status för varje aktivitet per plan,
    förändringen sedan föregående uppföljning, indikatorerna mot utgångsvärde
    och mål, och diagram (med alternativtext och en tabell med samma värden).
    Uppföljningarna ligger i VERSIONSMAPP/uppfoljning/ÅÅÅÅ-MM-DD.yaml.
    """
    from pipeline.followup.report import write_report

    written = write_report(version_dir, day, out_dir)
    echo_written(written)
    if pdf:
        pdfs(written)


@click.command(options_metavar="[FLAGGOR]")
@click.argument("path", metavar="[VERSIONSMAPP|DATAMAPP]", required=False, default=Path("agreements"),
                type=click.Path(path_type=Path))
@click.option("--xlsx", "workbook", type=click.Path(path_type=Path), metavar="FIL.xlsx",
              help="Skriv en arbetsbok för uppföljning av versionen i VERSIONSMAPP.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default=None,
              help="Länsexporten: en rad per kommun, plan och aktivitet, som CSV (för Excel) eller JSON.")
@click.option("--ut", "--out", "target", type=click.Path(path_type=Path), metavar="FIL",
              help="Filen som länsexporten skrivs till (standard: skärmen).")
@click.option("--datum", "day", type=DATE, default=None,
              help="Arbetsboken: uppföljningens datum (standard: den senaste). Länsexporten: dagen som avgör "
                   "vilken version som gäller (standard: i dag).")
@click.option("--lägesbild", "--lagesbild", "series", is_flag=True,
              help="Länsexporten som CSV: kommunernas offentliga statistik ur lägesbilden (en rad per serie och "
                   "år) i stället för aktiviteterna. JSON har alltid båda.")
def export(path, workbook, fmt, target, day, series):
    """Exportera uppföljningen: en arbetsbok för en version, eller hela länet.

    Med --xlsx FIL.xlsx skrivs en arbetsbok för VERSIONSMAPP: ett blad per plan
    med aktiviteterna (orsak och mål), status, kommentar och indikatorernas
    värden, med rullistor och låsta id-kolumner. Fyll i den och läs in den med
    samverkan import. Med --format csv|json skrivs en rad per kommun, plan och
    aktivitet för DATAMAPP (standard agreements/), till länsstyrelsens årliga
    rapport; JSON har också kommunernas offentliga statistik ur lägesbilden, och
    med --lägesbild blir CSV:n den tabellen.
    """
    if workbook is not None and fmt is not None:
        raise click.UsageError("Ange antingen --xlsx (en version) eller --format (hela länet), inte båda.")
    if series and workbook is not None:
        raise click.UsageError("--lägesbild hör till länsexporten (--format), inte till arbetsboken.")
    if workbook is not None:
        from pipeline.followup.workbook import export_workbook

        written = export_workbook(path, workbook, day)
        echo_path("Skrev ", written)
        return
    from pipeline.followup.county import export_county

    text = export_county(path, fmt or "csv", day, "lägesbild" if series else "aktiviteter")
    if target is None:
        click.echo(text, nl=False)
        return
    from pipeline.followup.county import write_export

    write_export(target, text, path)
    click.echo(f"Skrev {target}")


@click.command("import", options_metavar="[FLAGGOR]")
@click.argument("workbook", metavar="FIL.xlsx", type=click.Path(path_type=Path))
@click.argument("version_dir", metavar="VERSIONSMAPP", type=click.Path(path_type=Path))
@click.option("--datum", "day", type=DATE, default=None,
              help="Uppföljningens datum, ÅÅÅÅ-MM-DD (standard: datumet i arbetsboken).")
@click.option("--ersätt", "--ersatt", "replace", is_flag=True,
              help="Ersätt en uppföljning med samma datum även om den är skriven eller ändrad för hand.")
def import_(workbook, version_dir, day, replace):
    """Läs in en ifylld arbetsbok som en uppföljning av versionen.

    Skriver VERSIONSMAPP/uppfoljning/ÅÅÅÅ-MM-DD.yaml i ett steg. Fel anges med
    blad och cell ('Bilaga 1'!E7) och då skrivs ingenting. En arbetsbok som inte
    har ändrats ger ingen ny fil. En uppföljning som någon har skrivit eller
    ändrat för hand skrivs bara över med --ersätt.
    """
    from pipeline.followup.importer import import_workbook

    result = import_workbook(workbook, version_dir, day, replace)
    for notice in result.notices:
        click.echo(f"Obs: {notice}")
    if result.outcome == "oförändrad":
        echo_path("Uppföljningen är oförändrad; ingenting skrevs: ", result.path)
    else:
        echo_path("Skrev " if result.outcome == "ny" else "Ersatte ", result.path)


COMMANDS = (uppfoljning, export, import_)
