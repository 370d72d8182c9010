"""Kolada's answer to a data query, as its API (v2 and v3) gives it and a browser saves it.

``https://api.kolada.se/v3/data/kpi/N01951,N07403/municipality/2034,0020,0000/year/2021,…`` answers::

    {"values": [{"kpi": "N01951", "municipality": "2034", "period": 2024,
                 "values": [{"gender": "T", "status": "", "value": 6993, "count": 1}, …]}, …],
     "count": 6, "next_page": "…"}

(v2 has the same objects; its documentation writes the period as a text.) Each KPI becomes
``kolada.<KPI>`` for the kommun, and for the region ("0020") and the country ("0000") when the
answer has them. Only the total (gender "T") is kept. A value of null is kept as missing, with
the status (if any) as its note; Kolada marks no figure as preliminary in its data, so only a
status that says "prel…" does. Another kommun's code, the same KPI and year twice, or a
value that is not a number is a located error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.lagesbild import kommuner, reading
from pipeline.lagesbild.reading import Place, Raw
from pipeline.lagesbild.series import Import, Series, Source, Value

# The KPIs the lägesbild uses, with Kolada's titles and their unit (others get their id as name).
KNOWN = {
    "N01951": ("Invånare totalt, antal", "invånare"),
    "N07403": ("Anmälda våldsbrott, antal/100 000 inv", "per 100 000 invånare"),
}
GENDERS = ("T", "K", "M")
_FIELDS = ("kpi", "municipality", "period", "values")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{0,19}")


def read(source: Path | bytes, kommun: str, kommun_code: str = "", *, name: str | None = None,
         retrieved: dt.date | None = None) -> Import:
    """Return the kommun's figures in a Kolada answer; raise DataError when the file is no such
    answer, holds another kommun's figures, repeats a KPI's year or has a value that is not a number."""
    raw = reading.load(source, name)
    content = reading.text(raw)
    data = reading.parse_json(raw, content)
    if not kommun_code:
        raise raw.error(f"kommunkoden för {kommun} behövs för att läsa Koladas svar",
                        hint="Ange kommunkoden med --kommunkod, t.ex. 2034 för Orsa.")
    entries = _entries(raw, data)
    places = reading.object_places(content)
    found: dict[tuple[str, str], Series] = {}
    inner: Iterator[Place] = iter(places.get(4, []))
    for index, entry in enumerate(entries):
        where = _place(places.get(2, []), index)
        _entry(raw, entry, index, where, inner, kommun, kommun_code, found)
    if not any(area == "kommun" for area, _ in found):
        raise raw.error(f"filen har inga värden för {kommun} ({kommun_code})",
                        hint="Ange kommunens kod i frågan till Kolada: …/municipality/" + kommun_code + "/…")
    return Import(_source(raw, data, kommun, kommun_code, found, retrieved), list(found.values()))


def looks_like(data: Any) -> bool:
    """``True`` when parsed JSON looks like a Kolada data answer (for guessing a file's source)."""
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        return False
    first = data["values"][0] if data["values"] else {}
    return isinstance(first, dict) and "kpi" in first


def _entries(raw: Raw, data: Any) -> list:
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise raw.error("filen är inte Koladas svar med data (ett objekt med listan \"values\")",
                        hint="Hämta https://api.kolada.se/v3/data/kpi/<nyckeltal>/municipality/<kommunkod> och "
                             "spara svaret som det är.")
    return data["values"]


def _place(places: list[tuple[int, int]], index: int) -> Place:
    return places[index] if index < len(places) else (None, None)


def _entry(raw: Raw, entry: Any, index: int, where: Place, inner: Iterator[Place], kommun: str, code: str,
           found: dict[tuple[str, str], Series]) -> None:
    """Add one object of the answer (a KPI, a municipality, a year) to ``found``."""
    field = f"values[{index + 1}]"
    if not isinstance(entry, dict) or any(key not in entry for key in _FIELDS):
        raise raw.error_at("posten är inte ett värde från Kolada (kpi, municipality, period och values)", where, field,
                        hint="Filen ska vara svaret på en datafråga, inte en lista över nyckeltal eller kommuner.")
    kpi, municipality = _text(raw, entry["kpi"], where, field + ".kpi"), _text(
        raw, entry["municipality"], where, field + ".municipality")
    area = kommuner.area_of_code(municipality, code)
    if area is None:
        raise raw.error_at(f"posten gäller kommunkod {municipality}, inte {kommun} ({code})", where,
                        field + ".municipality",
                        hint="Filen ska gälla kommunen, gärna med regionen (00 och länskoden) och riket (0000).")
    period = _period(raw, entry["period"], where, field + ".period")
    series = found.setdefault((area, kpi), _series(kpi, area))
    if any(v.period == period for v in series.values):
        raise raw.error_at(f"året {period} står två gånger för {kpi} ({municipality})", where, field + ".period")
    if not isinstance(entry["values"], list):
        raise raw.error_at("values ska vara en lista", where, field + ".values")
    value = None
    for offset, item in enumerate(entry["values"]):
        place = next(inner, where)
        got = _gender_value(raw, item, period, place, f"{field}.values[{offset + 1}]")
        if got is not None:
            if value is not None:
                raise raw.error_at(f"totalen (gender T) står två gånger för {kpi} {period}", place, field + ".values")
            value = got
    series.values.append(value or Value(period, None, False, ""))
    series.values.sort(key=lambda v: v.period)


def _series(kpi: str, area: str) -> Series:
    title, unit = KNOWN.get(kpi, (f"Nyckeltal {kpi}", "antal"))
    return Series(f"kolada.{kpi}", title, unit, area, [])


def _text(raw: Raw, value: Any, where: Place, field: str) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise raw.error_at(f"'{str(value)[:40]}' är ingen kod", where, field)
    return value


def _period(raw: Raw, value: Any, where: Place, field: str) -> str:
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not (len(text) == 4 and text.isdigit() and "1900" <= text <= "2999"):
        raise raw.error_at(f"'{str(value)[:40]}' är inget år", where, field)
    return text


def _gender_value(raw: Raw, item: Any, period: str, where: Place, field: str) -> Value | None:
    """Return the total's value of one gender entry, or None for women's and men's figures."""
    if not isinstance(item, dict) or item.get("gender") not in GENDERS:
        raise raw.error_at("värdet saknar gender (T, K eller M)", where, field)
    if item["gender"] != "T":
        return None
    status = item.get("status") or ""
    if not isinstance(status, str) or len(status) > 200:
        raise raw.error_at("status ska vara en text", where, field + ".status")
    number = item.get("value")
    preliminary = "prel" in status.casefold()
    if number is None:
        return Value(period, None, preliminary, status)
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise raw.error_at(f"'{str(number)[:40]}' är inget tal", where, field + ".value")
    return Value(period, reading.whole(float(number)), preliminary, status)


def _source(raw: Raw, data: dict, kommun: str, code: str, found, retrieved: dt.date | None) -> Source:
    kpis = sorted({series.id.split(".", 1)[1] for series in found.values()})
    description = "Kolada, nyckeltal " + ", ".join(kpis)
    marked = data.get("exempel")  # the example files' own mark; Kolada's answers have no such field
    if isinstance(marked, str) and reading.example_text([marked]):
        description = f"{' '.join(marked.split())[:200]}. {description}"
    return Source("kolada", raw.name, retrieved or dt.date.today(), kommun, code, "", description)
