"""Polisen's open API of events (``https://polisen.se/api/events``), counted per type and month.

The answer is a JSON list of events::

    [{"id": 542272, "datetime": "2024-08-15 17:47:48 +02:00", "name": "15 augusti 16.55, Bråk, Västerås",
      "summary": "Samtal om pågående bråk.", "url": "/aktuellt/handelser/2024/augusti/15/…",
      "type": "Bråk", "location": {"name": "Västerås", "gps": "59.609901,16.544809"}}, …]

An event is the kommun's when ``location.name`` is the kommun, or when it is a county and the
place that ends ``name`` is the kommun. Each type becomes ``polisen.handelser.<typ>``
(``polisen.handelser.trafikolycka``) with a count per month ("2024-08") of ``datetime`` (the time
Polisen published the event). Only months in which the kommun has at least one event are
counted; there, a type without events counts 0. The month the file was retrieved in, and later
ones, are preliminary. Several files (one per month, ``?DateTime=2024-08&locationname=Orsa``) are
read together; an event in two of them is counted once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.lagesbild import kommuner, reading
from pipeline.lagesbild.reading import Raw
from pipeline.lagesbild.series import SOURCE_NAMES, Import, Series, Source, Value

_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{1,2}):([0-9]{2}):([0-9]{2}) [+-][0-9]{2}:[0-9]{2}")
_REQUIRED = ("id", "datetime", "name", "type", "location")


@dataclass(frozen=True)
class Event:
    """What counting needs of one event: its id, month, type and places, and where it was written."""

    id: int
    month: str
    type: str
    place: str  # location.name
    titled: str  # the place that ends the event's name ("…, Bråk, Västerås")
    summary: str
    file: str
    line: int | None


def read(source: Path | bytes, kommun: str, kommun_code: str = "", *, name: str | None = None,
         retrieved: dt.date | None = None) -> Import:
    """Return the kommun's events in one answer of Polisen's API, counted per type and month."""
    return read_many([(source, name)], kommun, kommun_code, retrieved=retrieved)


def read_many(sources: list[tuple[Path | bytes, str | None]], kommun: str, kommun_code: str = "", *,
              retrieved: dt.date | None = None) -> Import:
    """Return the kommun's events in several answers read together (an event in two counted once)."""
    raws: list[Raw] = []
    found: dict[int, Event] = {}
    for source, name in sources:
        raw = reading.load(source, name)
        raws.append(raw)
        for event in events(raw):
            earlier = found.setdefault(event.id, event)
            if _differs(earlier, event):
                raise raw.error(f"händelsen {event.id} står också i {earlier.file} men med annan tid, typ eller plats",
                                event.line, field="id")
    return count(raws, list(found.values()), kommun, kommun_code, retrieved or dt.date.today())


def looks_like(data: Any) -> bool:
    """``True`` when parsed JSON looks like Polisen's events (for guessing a file's source)."""
    return isinstance(data, list) and bool(data) and isinstance(data[0], dict) and "datetime" in data[0] \
        and "location" in data[0]


def events(raw: Raw) -> list[Event]:
    """Return every event of one answer; raise DataError when it is not a list of events."""
    content = reading.text(raw)
    data = reading.parse_json(raw, content)
    if not isinstance(data, list):
        raise raw.error("filen är inte Polisens lista över händelser (en JSON-lista)",
                        hint="Spara svaret från https://polisen.se/api/events som det är.")
    places = reading.object_places(content).get(1, [])
    found = []
    seen: dict[int, int] = {}
    for index, item in enumerate(data):
        line, column = places[index] if index < len(places) else (None, None)
        event = _event(raw, item, index, line, column)
        if event.id in seen:
            raise raw.error(f"händelsen {event.id} står två gånger (händelse {seen[event.id]} och {index + 1})",
                            line, column, f"[{index + 1}].id")
        seen[event.id] = index + 1
        found.append(event)
    return found


def _event(raw: Raw, item: Any, index: int, line: int | None, column: int | None) -> Event:
    field = f"[{index + 1}]"
    if not isinstance(item, dict):
        raise raw.error("händelsen är inget objekt", line, column, field)
    missing = [key for key in _REQUIRED if key not in item]
    if missing:
        raise raw.error(f"händelsen saknar fältet '{missing[0]}'", line, column, field,
                        hint="En händelse har id, datetime, name, summary, url, type och location.")
    identifier = item["id"]
    if isinstance(identifier, bool) or not isinstance(identifier, int):
        raise raw.error(f"'{str(identifier)[:40]}' är inget id (ett heltal)", line, column, field + ".id")
    month = _month(raw, item["datetime"], line, column, field + ".datetime")
    kind = reading.name_cell(raw, _string(raw, item["type"], line, column, field + ".type"), line, column,
                             "händelsetypen", field + ".type")
    location = item["location"]
    if not isinstance(location, dict) or not isinstance(location.get("name"), str):
        raise raw.error("location ska ha en plats (name)", line, column, field + ".location")
    title = _string(raw, item["name"], line, column, field + ".name")
    summary = item["summary"] if isinstance(item.get("summary"), str) else ""
    return Event(identifier, month, kind, location["name"], title.rsplit(",", 1)[-1].strip(), summary, raw.name, line)


def _string(raw: Raw, value: Any, line, column, field: str) -> str:
    if not isinstance(value, str) or len(value) > reading.MAX_CELL_CHARS:
        raise raw.error("värdet ska vara en text", line, column, field)
    return " ".join(value.split())


def _month(raw: Raw, value: Any, line, column, field: str) -> str:
    match = _DATETIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise raw.error(f"'{str(value)[:40]}' är ingen tidpunkt som Polisens (ÅÅÅÅ-MM-DD TT:MM:SS +02:00)",
                        line, column, field)
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise raw.error(f"'{value}' är ingen tidpunkt som finns", line, column, field) from None
    return f"{match.group(1)}-{match.group(2)}"


def _differs(first: Event, second: Event) -> bool:
    return (first.month, first.type, first.place) != (second.month, second.type, second.place)


def mine(event: Event, kommun: str) -> bool:
    """``True`` when the event happened in the kommun (its place, or a county and the place in its name)."""
    if kommuner.same_kommun(event.place, kommun):
        return True
    return kommuner.folded(event.place).endswith(" län") and kommuner.same_kommun(event.titled, kommun)


def count(raws: list[Raw], read: list[Event], kommun: str, code: str, retrieved: dt.date) -> Import:
    """Return the kommun's events among those ``read`` counted per type and month."""
    own = [e for e in read if mine(e, kommun)]
    if not own:
        raise raws[0].error(f"filen har inga händelser i {kommun}",
                            hint=f"Hämta händelserna för kommunen: https://polisen.se/api/events?locationname={kommun}")
    months = sorted({e.month for e in own})
    now = f"{retrieved.year:04d}-{retrieved.month:02d}"
    series = []
    for kind in sorted({e.type for e in own}, key=kommuner.folded):
        counts = {m: 0 for m in months}
        for event in own:
            if event.type == kind:
                counts[event.month] += 1
        values = [Value(m, counts[m], m >= now) for m in months]
        series.append(Series("polisen.handelser." + (kommuner.slug(kind) or "okand"), kind, "antal", "kommun", values))
    _check_ids(raws[0], series)
    return Import(_source(raws, own, kommun, code, retrieved), series)


def _check_ids(raw: Raw, series: list[Series]) -> None:
    """Raise DataError when two types get the same id ("Stöld/inbrott" and "Stöld inbrott")."""
    seen: dict[str, str] = {}
    for item in series:
        if item.id in seen:
            raise raw.error(f"händelsetyperna '{seen[item.id]}' och '{item.name}' går inte att skilja åt")
        seen[item.id] = item.name


def _source(raws: list[Raw], own: list[Event], kommun: str, code: str, retrieved: dt.date) -> Source:
    names = ", ".join(raw.name for raw in raws)
    description = SOURCE_NAMES["polisen"]
    if all(reading.EXAMPLE_MARK in e.summary.casefold() for e in own):
        description = "Exempeldata – påhittade händelser. " + description
    return Source("polisen", names, retrieved, kommun, code, "", description)
