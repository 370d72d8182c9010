"""The use case *importera* (``samverkan lagesbild importera``): downloaded files → stored series.

Each file is read by its source's reader (given, or guessed from the file: Kolada's answer,
Polisen's list of events, the survey's header row, one of Brå's tables), files of the same
source are read together into one import, and every import is stored in the kommun's
lagesbild/ folder in one step – all or nothing. Which kommun the folder is, and its code, come
from the folder's name (Dalarna's kommuner) or from the caller.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import DataError, Problem
from pipeline.lagesbild import bra, enkat, kolada, kommuner, polisen, reading, store
from pipeline.lagesbild.reading import Raw
from pipeline.lagesbild.series import SOURCES, Import, Series
from pipeline.layout import nfc

READERS = {"bra": bra.read, "kolada": kolada.read, "enkat": enkat.read}


@dataclass
class Imported:
    """One stored import: its source, the files it came from, why the source was guessed, the
    import and what writing it did."""

    source: str
    files: list[Path]
    guessed: str  # the reason the source was guessed; "" when it was given
    imported: Import
    written: store.Written

    def periods(self) -> list[str]:
        """Return the import's periods (years or months), in order."""
        return sorted({v.period for s in self.imported.series for v in s.values})


def guess(raw: Raw) -> tuple[str, str]:
    """Return the source a file comes from and, in Swedish, what in the file says so."""
    content = reading.text(raw)
    if content.lstrip().startswith(("{", "[")):
        data = reading.parse_json(raw, content)
        if kolada.looks_like(data):
            return "kolada", "JSON med kpi, municipality och period, som Koladas svar"
        if polisen.looks_like(data):
            return "polisen", "en JSON-lista med händelser med datetime, type och location, som Polisens"
    if enkat.looks_like(content):
        return "enkat", "rubrikraden kommun;år;fråga;andel"
    if bra.looks_like(content):
        return "bra", "en tabell från Brå, Område;Brottstyp;år… eller Kommun;Antal"
    raise raw.error("samverkan kan inte avgöra vilken källa filen kommer från",
                    hint="Ange källan med --källa " + ", ".join(SOURCES) + ".")


def kommun_of(kommun_dir: Path, name: str | None = None, code: str | None = None) -> tuple[str, str]:
    """Return the kommun's name and code: as given, else from the folder's name (Dalarna's kommuner)."""
    known = kommuner.code_of(nfc(Path(kommun_dir).resolve().name))
    code = code or known
    name = name or kommuner.name_of(code)
    if not name:
        raise DataError(Problem(Path(kommun_dir), "samverkan vet inte vilken kommun mappen är",
                                hint="Ange kommunens namn med --kommun (och koden med --kommunkod för Kolada)."))
    return name, code


def import_files(kommun_dir: Path, files: Sequence[Path], source: str | None = None,
                 retrieved: dt.date | None = None, replace: bool = False, kommun: str | None = None,
                 code: str | None = None, today: dt.date | None = None) -> list[Imported]:
    """Read ``files`` as the kommun's figures and store them beside its versions; return what was stored."""
    kommun_dir = store.check_kommun_dir(kommun_dir)
    name, code = kommun_of(kommun_dir, kommun, code)
    today = today or dt.date.today()
    if retrieved is not None and retrieved > today:
        raise DataError(Problem(None, f"hämtningsdagen {retrieved.isoformat()} ligger i framtiden",
                                hint="--hämtad är dagen då filen laddades ner."))
    groups: dict[str, list[Raw]] = {}
    reasons: dict[str, str] = {}
    for path in files:
        raw = reading.load(Path(path), str(path))
        found, reason = (source, "") if source else guess(raw)
        groups.setdefault(found, []).append(raw)
        reasons.setdefault(found, reason)
    imports = [_read(found, raws, name, code, retrieved, today) for found, raws in groups.items()]
    written = store.write(kommun_dir, imports, replace)
    return [Imported(found, [r.path for r in raws], reasons[found], imported, result)
            for (found, raws), imported, result in zip(groups.items(), imports, written, strict=True)]


def _read(source: str, raws: list[Raw], name: str, code: str, retrieved: dt.date | None, today: dt.date) -> Import:
    if source == "polisen":
        imported = polisen.read_many([(raw.data, str(raw.path)) for raw in raws], name, code,
                                     retrieved=retrieved or today)
    else:
        read = READERS[source]
        imported = merge([read(raw.data, name, code, name=str(raw.path), retrieved=retrieved) for raw in raws], raws)
    if imported.source.retrieved > today:
        raise raws[0].error(f"filens hämtningsdag {imported.source.retrieved.isoformat()} ligger i framtiden")
    return imported


def merge(imports: list[Import], raws: list[Raw]) -> Import:
    """Return several imports of one source as one; a period given twice must have the same value."""
    if len(imports) == 1:
        return imports[0]
    found: dict[tuple[str, str], Series] = {}
    for imported, raw in zip(imports, raws, strict=True):
        for series in imported.series:
            target = found.setdefault((series.id, series.area), Series(series.id, series.name, series.unit,
                                                                         series.area, []))
            known = target.by_period()
            for value in series.values:
                if value.period in known and known[value.period] != value:
                    raise raw.error(f"{series.name} ({series.area}) {value.period} har ett annat värde i en annan "
                                    "av filerna", hint="Importera bara en av filerna, eller den nyaste.")
                if value.period not in known:
                    target.values.append(value)
            target.values.sort(key=lambda v: v.period)
    first = imports[0].source
    source = dataclasses.replace(first, file=", ".join(i.source.file for i in imports),
                                 retrieved=max(i.source.retrieved for i in imports))
    return Import(source, list(found.values()))
