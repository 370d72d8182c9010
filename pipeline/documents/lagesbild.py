"""The lägesbild document (``lagesbild.docx``): the parties' own lägesbild text from the agreement,
then the numbers under it.

Per indicator: where the figures come from and when they were retrieved, a chart over the years
(with alt text), and a table over the years – the count, per 100 000 invånare, the change from the
year before and from the average of the three years before, and the county's and the country's
figures beside when the data has them. Then Polisen's events per type and month, and every
source. Preliminary years are marked "2025*"; numbers are written the Swedish way ("1 234,5").
The figures are computed in :mod:`pipeline.lagesbild.figures`.
"""

from __future__ import annotations

from pathlib import Path

from pipeline import ooxml, resources
from pipeline.data.validate import validate_version
from pipeline.data.version import Version
from pipeline.documents import context, render, template
from pipeline.documents import lagesbild_charts as charts
from pipeline.documents.model import DeferredDocument, RenderedDocument, document_properties
from pipeline.lagesbild import figures
from pipeline.lagesbild.figures import Change, EventYear, Indicator, Year
from pipeline.lagesbild.series import POPULATION, SOURCE_NAMES, Import, Source
from pipeline.layout import LAGESBILD_FOLDER
from pipeline.ooxml.charts import Chart
from pipeline.ooxml.images import add_pictures
from pipeline.swedish import decimal, joined, long_date

LAGESBILD_TEMPLATE = "lagesbild.docx"
LAGESBILD_FILE_NAME = "lagesbild.docx"
LAGESBILD_NAMES = {"kommun", "dnr", "datum", "titel", "undertitel", "exempel", "lägesbild", "om_statistiken",
                   "indikatorer", "händelser", "källor"}
MISSING = "–"
PRELIMINARY_NOTE = "* preliminära uppgifter, som källan kan komma att ändra"
# Decimals of a value by unit: counts and people are whole, shares and indices have one decimal.
VALUE_PLACES = {"antal": 0, "invånare": 0, "kronor": 0, "procent": 1, "index": 1, "per 100 000 invånare": 1}


# --- the use case --------------------------------------------------------------------------------

def lagesbild_imports(kommun_folder: Path) -> list[Import]:
    """Return the kommun's stored lägesbild imports (none when it has no ``lagesbild/`` folder)."""
    if not (Path(kommun_folder) / LAGESBILD_FOLDER).is_dir():
        return []
    from pipeline.lagesbild import store  # the stored imports' reader, only for a kommun that has them

    return store.load_kommun(Path(kommun_folder))


def lagesbild_title(kommun: str) -> str:
    """Return the lägesbild's title (its heading and its name in a beslutspaket): "Lägesbild – Orsa kommun"."""
    return f"Lägesbild – {kommun}"


def version_lagesbild(version: Version, templates_dir: Path | None = None) -> RenderedDocument | None:
    """Return the lägesbild document of a valid version, made when first read (a comparison that
    only names it never draws its charts), or None when its kommun has no stored data."""
    imports = lagesbild_imports(version.ref.kommun_dir)
    if not imports:
        return None
    return DeferredDocument(LAGESBILD_FILE_NAME, lagesbild_title(version.data["parter"]["kommun"]["namn"]),
                            make=lambda: lagesbild_document(version, imports, templates_dir))


def with_lagesbild(version: Version, documents: list[RenderedDocument],
                   templates_dir: Path | None = None) -> list[RenderedDocument]:
    """Return a version's documents with the lägesbild after the agreement, before the bilagor
    (the documents as they are when the kommun has no stored lägesbild data)."""
    document = version_lagesbild(version, templates_dir)
    if document is None:
        return documents
    return documents[:1] + [document] + documents[1:]


def render_with_lagesbild(version_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """The use case *rendera* with the lägesbild: validate the version, write its documents and –
    when its kommun has stored lägesbild data – ``lagesbild.docx`` beside them, in one step; return
    the paths. An earlier lagesbild.docx (and its PDF) goes when the data is gone."""
    return render.render(version_dir, out_dir,
                         lambda version: with_lagesbild(version, render.version_documents(version)),
                         stale=(*render.STALE_OUTPUTS, LAGESBILD_FILE_NAME, "lagesbild.pdf"))


def render_lagesbild(version_folder: Path | Version, imports: list[Import],
                     templates_dir: Path | None = None) -> RenderedDocument:
    """Return the lägesbild document of the version in ``version_folder`` (validated first) with the
    figures of ``imports``."""
    version = version_folder if isinstance(version_folder, Version) else validate_version(Path(version_folder))
    return lagesbild_document(version, imports, templates_dir)


def lagesbild_document(version: Version, imports: list[Import], templates_dir: Path | None = None) -> RenderedDocument:
    """Return the lägesbild document of a valid version with the figures of ``imports``."""
    folder = Path(templates_dir or resources.templates_dir())
    compiled = template.load(folder / LAGESBILD_TEMPLATE, LAGESBILD_NAMES)
    agreement = context.agreement_context(version)
    ctx, pictures = lagesbild_context(agreement, imports)
    props = document_properties(agreement, ctx["titel"])
    props = ooxml.Properties(**{**props.__dict__, "date": ctx["datum"],
                                "keywords": "lägesbild, statistik, brottsförebyggande, trygghet"})
    package, parts = add_pictures(compiled.package, compiled.render(ctx), pictures)
    return RenderedDocument.of_parts(LAGESBILD_FILE_NAME, props.title, package, parts, props)


# --- the context ---------------------------------------------------------------------------------

def lagesbild_context(agreement: dict, imports: list[Import]) -> tuple[dict, list]:
    """Return the template's context for an agreement's context and the imports, and the charts it shows."""
    kommun = agreement["kommun"]
    indicators = figures.indicators(imports)
    pictures: list = []
    shown = [_indicator(i, kommun, pictures) for i in indicators]
    latest = max(i.source.retrieved for i in imports)
    return {
        "kommun": kommun,
        "dnr": agreement["dnr"],
        "datum": context.SvDate(latest.year, latest.month, latest.day),
        "titel": lagesbild_title(kommun),
        "undertitel": (f"Statistiken under samverkansöverenskommelsen, version {agreement['version']} · "
                       f"uppgifter hämtade till och med {long_date(latest)}"),
        "exempel": agreement["exempel"],
        "lägesbild": agreement["lägesbild"],
        "om_statistiken": about(indicators),
        "indikatorer": shown,
        "händelser": _events(figures.event_years(imports), kommun),
        "källor": [source_entry(i.source) for i in sorted(imports, key=lambda i: (i.source.source, i.source.file))],
    }, pictures


def about(indicators: list[Indicator]) -> list[str]:
    """Return the lines that say how to read the tables (only those the figures call for)."""
    lines = []
    if any(i.rated for i in indicators):
        lines.append("Per 100 000 invånare: antalet delat med kommunens folkmängd samma år (Kolada, "
                     f"{POPULATION.split('.', 1)[1]}, den 31 december) gånger 100 000.")
    lines.append("Mot året före: förändringen från året före, och den i procent av årets före.")
    lines.append("Mot snittet av de tre åren före: skillnaden mot medelvärdet av de tre närmast föregående "
                 "åren, och den i procent av medelvärdet (bara när alla tre åren har en uppgift).")
    if any(i.county or i.country for i in indicators):
        lines.append("Länet och riket: samma mått för hela länet och hela landet, när källan ger dem.")
    if any(i.preliminary for i in indicators):
        lines.append("En stjärna efter året (2025*) betyder preliminära uppgifter, som källan kan komma att ändra.")
    lines.append(f"{MISSING} betyder att uppgiften saknas eller inte redovisas av källan, eller att den inte "
                 "går att räkna fram.")
    return lines


def _indicator(indicator: Indicator, kommun: str, pictures: list) -> dict:
    """Return one indicator as the template shows it, its chart added to ``pictures``."""
    chart: Chart | str = ""  # the template shows nothing for ""
    if indicator.id != POPULATION and sum(charts.shown(indicator, y) is not None for y in indicator.years) > 1:
        # a chart of at least two points; the population is the rates' denominator, its table is enough
        chart = charts.indicator_chart(indicator, kommun, len(pictures) + 1)
        pictures.append(chart)
    return {
        "rubrik": context.printable(indicator.name),
        "källa": source_line(indicator),
        "bild": chart,
        "räknas": indicator.rated,
        "jämförelse": beside_areas(indicator),
        "jämförelse_rubriker": [f"{area} per 100\u00a0000" if indicator.rated else area
                                for area in beside_areas(indicator)],
        "enhet": unit_heading(indicator.unit),
        "förändring_i": ", procentenheter" if indicator.unit == "procent" else "",
        "tabelltext": context.printable(f"{indicator.name} i {kommun} per år"),
        "rader": [year_row(indicator, year) for year in indicator.years],
        "fotnot": footnote(indicator),
    }


def unit_heading(unit: str) -> str:
    """Return the heading of a value column: "Procent", "Invånare", "Per 100 000 invånare" (the
    number kept on one line)."""
    return (unit[:1].upper() + unit[1:]).replace("100 000", "100\u00a0000")


def places(unit: str) -> int:
    """Return the decimals a value in ``unit`` is written with."""
    return VALUE_PLACES.get(unit, 1)


def figure(value: float | None, decimals: int) -> str:
    """Return a figure the Swedish way, or "–" for one that is missing."""
    return MISSING if value is None else decimal(value, decimals)


def change_text(found: Change | None, unit: str, decimals: int) -> str:
    """Return a change as a cell shows it: "+4 (+7,7 %)"; for a share "+2,0" (percentage points)."""
    if found is None:
        return MISSING
    if unit == "procent":  # in percentage points, as the column's heading says
        return decimal(found.difference, decimals, signed=True)
    if found.percent is None:
        return decimal(found.difference, decimals, signed=True)
    return f"{decimal(found.difference, decimals, signed=True)} ({decimal(found.percent, 1, signed=True)}\u00a0%)"


def year_row(indicator: Indicator, year: Year) -> dict:
    """Return one row of an indicator's table."""
    unit = indicator.unit
    own = places(unit)
    beside = 1 if indicator.rated else own
    return {
        "år": charts.period_label(year),
        "värde": year.note if year.value is None and year.note else figure(year.value, own),
        "per100k": figure(year.rate, 1),
        "föregående": change_text(year.previous, unit, own),
        "snitt": change_text(year.average, unit, max(own, 1)),  # a mean of three is rarely whole
        "jämförelse": [figure(year.county if area == "Länet" else year.country, beside)
                       for area in beside_areas(indicator)],
    }


def beside_areas(indicator: Indicator) -> list[str]:
    """Return the areas whose figures stand beside the kommun's: "Länet", "Riket", when the data has them."""
    return [area for area, present in (("Länet", indicator.county), ("Riket", indicator.country)) if present]


def footnote(indicator: Indicator) -> str:
    """Return the small line over an indicator's table: what a star and a source's own mark mean,
    and a survey question's number of answers."""
    notes = [PRELIMINARY_NOTE] if indicator.preliminary else []
    if indicator.answers:
        notes.append("Antal svar: " + ", ".join(f"{period} {figure(number, 0)}"
                                                for period, number in sorted(indicator.answers.items())))
    marks = sorted({y.note for y in indicator.years if y.value is None and y.note})
    if marks:
        notes.append(f"{joined([repr_mark(m) for m in marks])}: källans markering för en uppgift som saknas "
                     "eller inte redovisas")
    return ". ".join(notes) + "." if notes else ""


def repr_mark(mark: str) -> str:
    """Return a source's mark quoted the Swedish way: ”..”."""
    return f"\u201d{mark}\u201d"


# --- sources -----------------------------------------------------------------------------------

def retrieved(source: Source) -> str:
    """Return "Brå, statistikdatabasen över anmälda brott, filen x.csv, hämtad 12 mars 2026"."""
    name = SOURCE_NAMES.get(source.source, source.source)
    return f"{name}, filen {source.file}, hämtad {long_date(source.retrieved)}"


def source_line(indicator: Indicator) -> str:
    """Return where an indicator's figures come from and when they were retrieved, and – for a
    count – where the population it is divided by comes from."""
    text = "Källa: " + "; ".join(retrieved(s) for s in indicator.sources) + "."
    if indicator.rate_sources:
        label = "Invånare" if indicator.rate_series == POPULATION else "Per 100 000 invånare enligt källan"
        text += f" {label}: " + "; ".join(retrieved(s) for s in indicator.rate_sources) + "."
    return context.printable(text)


def source_entry(source: Source) -> str:
    """Return one source as the list of sources gives it: name, table, file, address and date."""
    parts = [SOURCE_NAMES.get(source.source, source.source)]
    if source.description:
        parts.append(f"\u201d{source.description}\u201d")
    parts.append(f"filen {source.file}")
    if source.url:
        parts.append(f"från {source.url}")
    parts.append(f"hämtad {long_date(source.retrieved)}")
    return context.printable(", ".join(parts))


# --- Polisen's events ----------------------------------------------------------------------------

def _events(years: list[EventYear], kommun: str) -> dict | None:
    """Return Polisen's events as the template shows them (None when the imports have none)."""
    if not years:
        return None
    sources = [s for year in years for s in year.sources]
    unique = [s for n, s in enumerate(sources) if s not in sources[:n]]
    return {
        "inledning": (f"Händelser i {kommun} som Polisen har publicerat på polisen.se, räknade per typ och månad. "
                      "Polisen publicerar ett urval av händelserna, inte alla anmälda brott."),
        "källa": context.printable("Källa: " + "; ".join(retrieved(s) for s in unique) + "."),
        "år": [_event_year(year, kommun) for year in years],
    }


def _event_year(year: EventYear, kommun: str) -> dict:
    preliminary = any(r.preliminary for r in year.rows)
    missing = any(m is None for r in year.rows for m in r.months)
    return {
        "rubrik": f"Händelser {year.year}",
        "tabelltext": f"Polisens händelser i {kommun} {year.year} per typ och månad",
        "rader": [{"typ": context.printable(r.name) + ("*" if r.preliminary else ""),
                   "månader": [figure(m, 0) for m in r.months], "summa": figure(r.total, 0)} for r in year.rows],
        "fotnot": " ".join(note for note, wanted in ((f"{PRELIMINARY_NOTE}.", preliminary),
                                                     (f"{MISSING}: inga uppgifter för månaden.", missing)) if wanted),
    }
