"""The lägesbild's commands: ``lagesbild importera`` (downloaded statistics → stored series) and
``lagesbild visa`` (the stored series as tables)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import CONTEXT, DATE, echo_path, plural

SOURCE_CHOICES = ("bra", "kolada", "polisen", "enkat")


@click.group(context_settings=CONTEXT, options_metavar="[FLAGGOR]", subcommand_metavar="KOMMANDO [ARGUMENT]...")
def lagesbild():
    """Lägesbildens statistik: läs in nedladdade filer från Brå, Kolada, Polisen och enkäter.

    Serierna sparas bredvid kommunens versioner, i KOMMUNMAPP/lagesbild/
    (<källa>-ÅÅÅÅ-MM-DD.yaml), aldrig i en version.
    """


@lagesbild.command(options_metavar="[FLAGGOR]")
@click.argument("kommun_dir", metavar="KOMMUNMAPP", type=click.Path(path_type=Path))
@click.argument("files", metavar="FIL...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--källa", "--kalla", "source", type=click.Choice(SOURCE_CHOICES), default=None,
              help="Filernas källa (standard: avgörs av innehållet i varje fil, och det sägs hur).")
@click.option("--hämtad", "--hamtad", "retrieved", type=DATE, default=None,
              help="Dagen då filerna laddades ner, ÅÅÅÅ-MM-DD (standard: i dag, eller datumet i Brås tabell).")
@click.option("--ersätt", "--ersatt", "replace", is_flag=True,
              help="Ersätt en import med samma källa och dag även om den är skriven eller ändrad för hand.")
@click.option("--kommun", "kommun", default=None, metavar="NAMN",
              help="Kommunens namn som källorna skriver det (standard: efter mappens namn, Dalarnas kommuner).")
@click.option("--kommunkod", "code", default=None, metavar="KOD",
              help="Kommunens fyrsiffriga kod, som Kolada använder (standard: efter mappens namn).")
def importera(kommun_dir, files, source, retrieved, replace, kommun, code):
    """Läs in nedladdade filer som kommunens serier till lägesbilden.

    FIL är Brås tabell över anmälda brott (CSV), Koladas svar (JSON), Polisens
    händelser (JSON) eller en enkät (CSV med kolumnerna kommun;år;fråga;andel).
    Filer från samma källa läses ihop. Allt sparas i ett steg i
    KOMMUNMAPP/lagesbild/<källa>-ÅÅÅÅ-MM-DD.yaml; vid fel (med fil, rad och
    kolumn) sparas ingenting. En fil som någon har ändrat för hand skrivs bara
    över med --ersätt.
    """
    from pipeline.lagesbild.importer import import_files

    for item in import_files(kommun_dir, files, source, retrieved, replace, kommun, code):
        if item.guessed:
            click.echo(f"{_names(item.files)}: källan gissades till {item.source} – {item.guessed}.")
        for notice in item.written.notices:
            click.echo(f"Obs: {notice}")
        count = len(item.imported.series)
        what = f"{count} {plural(count, 'serie', 'serier')}, {_span(item.periods())}"
        if item.written.outcome == "oförändrad":
            echo_path(f"Oförändrad ({what}); ingenting skrevs: ", item.written.path)
        else:
            echo_path(f"{'Skrev' if item.written.outcome == 'ny' else 'Ersatte'} {what}: ", item.written.path)


@lagesbild.command(options_metavar="[FLAGGOR]")
@click.argument("kommun_dir", metavar="KOMMUNMAPP", type=click.Path(path_type=Path))
def visa(kommun_dir):
    """Visa kommunens serier i lägesbilden som tabeller, med källa och hämtningsdag.

    Där två importer har samma serie visas den som hämtades sist. En
    preliminär uppgift har en stjärna (*).
    """
    from pipeline.lagesbild.table import kommun_text

    click.echo(kommun_text(kommun_dir), nl=False)


def _names(paths) -> str:
    return ", ".join(Path(p).name for p in paths)


def _span(periods: list[str]) -> str:
    """Return "åren 2021–2025", "året 2024" or "månaderna 2025-01–2025-12"."""
    monthly = any(len(p) > 4 for p in periods)
    if not periods:
        return "inga värden"
    if len(periods) == 1:
        return ("månaden " if monthly else "året ") + periods[0]
    return ("månaderna " if monthly else "åren ") + f"{periods[0]}–{periods[-1]}"


COMMANDS = (lagesbild,)
