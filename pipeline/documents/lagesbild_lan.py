"""The county's lägesbild (``lagesbild-lan.docx``, written by ``batch`` beside the länsöversikt):
per indicator the kommuner compared per 100 000 invånare over the last five years, the change
in the latest year, the county and the country beside, and the sources – public figures only
(:mod:`pipeline.lagesbild.county`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline import ooxml, resources
from pipeline.documents import context, template
from pipeline.documents.lagesbild import MISSING, PRELIMINARY_NOTE, change_text, figure, source_entry
from pipeline.documents.model import RenderedDocument, write_document
from pipeline.lagesbild.county import YEARS_SHOWN, CountyIndicator, Row, county_indicators, source_names
from pipeline.lagesbild.series import Import
from pipeline.swedish import count, long_date

COUNTY_LAGESBILD_TEMPLATE = "lagesbild-lan.docx"
COUNTY_LAGESBILD_FILE_NAME = "lagesbild-lan.docx"
COUNTY_LAGESBILD_NAMES = {"län", "datum", "titel", "undertitel", "exempel", "om_statistiken", "indikatorer", "källor"}


def county_lagesbild_context(county: str, kommuner: dict[str, list[Import]], today: dt.date,
                             example: str | None = None) -> dict:
    """Return the template's context for a county (its name as written, "Dalarnas län") and its
    kommuner (name → stored imports)."""
    indicators = county_indicators(kommuner)
    imports = [i for found in kommuner.values() for i in found]
    sources = {(i.source.source, i.source.file, i.source.retrieved): i.source for i in imports
               if i.source.source in ("bra", "kolada")}
    return {
        "län": county,
        "datum": context.SvDate(today.year, today.month, today.day),
        "titel": f"Lägesbild för {county}",
        "undertitel": (f"Kommunerna jämförda per 100 000 invånare · {count(len(kommuner), 'kommun', 'kommuner')} "
                       f"med inläst statistik · {long_date(today)}"),
        "exempel": example,
        "om_statistiken": [
            "Bara offentlig statistik: Brås anmälda brott och Koladas nyckeltal, inte kommunernas egna enkäter.",
            "Per 100 000 invånare: antalet anmälda brott delat med kommunens folkmängd samma år (Kolada) "
            "gånger 100 000, så att kommuner av olika storlek kan jämföras.",
            "Mot året före: förändringen det senaste året, och den i procent av årets före.",
            f"{PRELIMINARY_NOTE[0].upper()}{PRELIMINARY_NOTE[1:]}.",
            f"Ett streck ({MISSING}) betyder att uppgiften saknas för kommunen.",
        ],
        "indikatorer": [_indicator(i) for i in indicators],
        "källor": [source_entry(s) for _, s in sorted(sources.items(), key=lambda item: (item[0][0], item[0][1]))],
    }


def _indicator(indicator: CountyIndicator) -> dict:
    years = [y for y in indicator.years] + [""] * (YEARS_SHOWN - len(indicator.years))
    decimals = 1
    rows = [_row(r, decimals, indicator.unit) for r in indicator.rows + indicator.beside]
    return {
        "rubrik": context.printable(f"{indicator.name}, {indicator.unit}"),
        "källa": context.printable(f"Källa: {source_names(indicator)}."),
        "fotnot": PRELIMINARY_NOTE + "." if any(any(r.preliminary) for r in indicator.rows) else "",
        "tabelltext": context.printable(f"{indicator.name} per kommun och år, {indicator.unit}"),
        "år": [_year(y, indicator) for y in years],
        "rader": rows,
    }


def _year(period: str, indicator: CountyIndicator) -> str:
    """Return a column's heading: the year, with "*" when a kommun's figure that year is preliminary."""
    if not period:
        return ""
    column = indicator.years.index(period)
    return period + ("*" if any(r.preliminary[column] for r in indicator.rows) else "")


def _row(row: Row, decimals: int, unit: str) -> dict:
    values = [figure(v, decimals) for v in row.figures] + [""] * (YEARS_SHOWN - len(row.figures))
    return {"namn": row.name, "värden": values, "förändring": change_text(row.change, unit, decimals)}


def render_county_lagesbild(ctx: dict, templates_dir: Path | None = None) -> RenderedDocument:
    """Return the county's lägesbild for a context made by :func:`county_lagesbild_context`."""
    folder = Path(templates_dir or resources.templates_dir())
    compiled = template.load(folder / COUNTY_LAGESBILD_TEMPLATE, COUNTY_LAGESBILD_NAMES)
    props = ooxml.Properties(title=ctx["titel"], subject=ctx["undertitel"], organisation=ctx["län"],
                             date=ctx["datum"], keywords="lägesbild, statistik, brottsförebyggande, län")
    return RenderedDocument(COUNTY_LAGESBILD_FILE_NAME, ctx["titel"],
                            write_document(compiled.package, compiled.render(ctx), props))
