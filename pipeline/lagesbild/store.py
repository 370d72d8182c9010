"""Stored imports: one YAML file per source and retrieval date beside a kommun's versions.

``agreements/<län>/<kommun>/lagesbild/<källa>-<ÅÅÅÅ-MM-DD>.yaml`` (schema
``schemas/lagesbild.yaml``) holds one :class:`~pipeline.lagesbild.series.Import`: where the
figures come from and the series. The folder is not a version (it has no
overenskommelse.yaml), so version discovery passes it by, and nothing is ever written inside a
version: a decided version does not change when newer figures arrive.

A file samverkan writes starts with a line that names it and a checksum of the rest (as the
follow-up records do); a file without that line, or whose checksum no longer matches, was written
or edited by a person and is replaced only when asked (``--ersätt``). Several files are written
in one step, all or nothing. Reading a kommun's imports checks every file against the schema and
locates each problem; where two imports have the same series (id and area), the one retrieved
last wins (:func:`current`).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.data import schema, yamlerrors
from pipeline.data.followups import written_by_us
from pipeline.data.load import Loaded, load_text
from pipeline.data.rules import forbidden_characters
from pipeline.data.version import is_version_folder
from pipeline.errors import DataError, OutputError, PipelineError, Problem, SchemaError
from pipeline.files import inputs, transaction
from pipeline.lagesbild.series import SOURCES, Import, Series, Source, Value
from pipeline.layout import COUNTY_FILE, LAGESBILD_FOLDER, PLANS_FOLDER, absolute

SCHEMA = "lagesbild"
_NAME = re.compile(r"(" + "|".join(SOURCES) + r")-([0-9]{4}-[0-9]{2}-[0-9]{2})\.yaml")
_MARK = "# Skriven av samverkan"
# How many values one import may store (a value is at most five YAML nodes, a series six): the
# real exports are a few hundred; what is over is refused before anything is written.
MAX_STORED_VALUES = 1_920


@dataclass
class Written:
    """What writing one import did: the file, and whether it was new, replaced or unchanged."""

    path: Path
    outcome: str  # "ny", "ersatt", "oförändrad"
    notices: list[str] = field(default_factory=list)


def folder(kommun_dir: Path) -> Path:
    """Return the folder of a kommun's stored imports."""
    return Path(kommun_dir) / LAGESBILD_FOLDER


def file_name(source: Source) -> str:
    """Return the name an import is stored under: "<källa>-<ÅÅÅÅ-MM-DD>.yaml" (the retrieval date)."""
    return f"{source.source}-{source.retrieved.isoformat()}.yaml"


# --- data ↔ YAML ----------------------------------------------------------------------------------

def to_data(imported: Import) -> dict:
    """Return an import as the stored file's data (Swedish keys, schema lagesbild.yaml)."""
    source = imported.source
    data: dict = {"källa": source.source, "fil": source.file, "hämtad": source.retrieved, "kommun": source.kommun}
    for key, value in (("kommunkod", source.kommun_code), ("adress", source.url), ("beskrivning", source.description)):
        if value:
            data[key] = value
    data["serier"] = [_series_data(series) for series in imported.series]
    return data


def _series_data(series: Series) -> dict:
    values = []
    for value in series.values:
        item: dict = {"period": value.period, "värde": value.value}
        if value.preliminary:
            item["preliminär"] = True
        if value.note:
            item["not"] = value.note
        values.append(item)
    return {"id": series.id, "namn": series.name, "enhet": series.unit, "område": series.area, "värden": values}


def from_data(data: dict) -> Import:
    """Return the import a stored file's data (checked against the schema) holds."""
    source = Source(data["källa"], data["fil"], data["hämtad"], data["kommun"], data.get("kommunkod", ""),
                    data.get("adress", ""), data.get("beskrivning", ""))
    series = [Series(s["id"], s["namn"], s["enhet"], s["område"],
                     [Value(str(v["period"]), v["värde"], bool(v.get("preliminär", False)), v.get("not", ""))
                      for v in s["värden"]])
              for s in data["serier"]]
    return Import(source, series)


# libyaml's emitter when PyYAML has it (a fifth of the pure-Python one's time), else the same
# output from the Python one.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _body(imported: Import) -> str:
    """Return the YAML of an import: a value per line, in flow style."""
    return yaml.dump(to_data(imported), Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=None)


def encode(imported: Import, what: str) -> bytes:
    """Return the stored file of an import: a first line naming it with a checksum of the rest, then
    YAML (a value per line, in flow style)."""
    body = _body(imported)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"{_MARK} ({what}); ändra gärna, men då skrivs den inte över utan --ersätt. " \
           f"kontrollsumma {digest}\n{body}".encode()


# --- checking -------------------------------------------------------------------------------------

def check(loaded: Loaded) -> list[Problem]:
    """Return the problems of one stored file: schema, characters, its name, ids and periods."""
    problems = schema.check(loaded, SCHEMA) + forbidden_characters(loaded)
    if problems:
        return problems
    data = loaded.data
    expected = f"{data['källa']}-{data['hämtad'].isoformat()}.yaml"
    if loaded.file is not None and loaded.file.name != expected:
        problems.append(loaded.problem(("hämtad",), f"filen ska heta {expected} efter källan och datumet",
                                       hint="Byt namn på filen eller rätta källa och hämtad."))
    seen: set[tuple[str, str]] = set()
    for index, series in enumerate(data["serier"]):
        if not series["id"].startswith(data["källa"] + "."):
            problems.append(loaded.problem(("serier", index, "id"), f"seriens id ska börja med {data['källa']}."))
        key = (series["id"], series["område"])
        if key in seen:
            problems.append(loaded.problem(("serier", index, "id"),
                                           f"serien {series['id']} ({series['område']}) står två gånger"))
        seen.add(key)
        problems += _periods(loaded, index, series)
    return problems


def _periods(loaded: Loaded, index: int, series: dict) -> list[Problem]:
    problems, seen = [], set()
    for offset, value in enumerate(series["värden"]):
        if value["period"] in seen:
            problems.append(loaded.problem(("serier", index, "värden", offset, "period"),
                                           f"perioden {value['period']} står två gånger i serien {series['id']}"))
        seen.add(value["period"])
    return problems


# --- reading --------------------------------------------------------------------------------------

def stored_files(kommun_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Return the stored import files of a kommun in name order, and problems with files in its
    lagesbild/ folder that look like imports but are not named as one."""
    paths, problems = inputs.yaml_files(folder(kommun_dir))  # downloaded files may be kept beside them
    found = []
    for path in paths:
        if _NAME.fullmatch(path.name):
            found.append(path)
        else:
            problems.append(Problem(path, "filnamnet ska vara källan och datumet: <källa>-ÅÅÅÅ-MM-DD.yaml",
                                    hint="Källan är " + ", ".join(SOURCES) + ", t.ex. bra-2026-02-16.yaml."))
    return found, problems


def load_kommun(kommun_dir: Path) -> list[Import]:
    """Return every stored import of a kommun, oldest first (by retrieval date, then file name);
    raise SchemaError (or DataError) with every problem of every file."""
    root = absolute(kommun_dir).parent.parent
    files, problems = stored_files(kommun_dir)
    imports = []
    for path in files:
        try:
            loaded, found = _read_stored(path, root)
        except DataError as exc:
            problems += exc.problems
            continue
        problems += found
        if not found:
            imports.append(from_data(loaded.data))
    if problems:
        raise SchemaError(problems)
    return sorted(imports, key=lambda i: (i.source.retrieved, file_name(i.source)))


def _read_stored(path: Path, root: Path) -> tuple[Loaded, list[Problem]]:
    """Return a stored file's data and its problems. A file as samverkan wrote it (its checksum
    holds) and without anchors or aliases is read by libyaml, five times faster; every other file
    – edited by hand, or not valid – with the loader that locates each value and guards against
    alias bombs."""
    text = yamlerrors.decode(path, inputs.read_bytes(path, root))
    if written_by_us(text) and "&" not in text and "*" not in text:
        fast = Loaded(yaml.load(text, Loader=_LOADER), file=path)  # nosec B506 - a safe loader
        if not check(fast):
            return fast, []
    loaded = load_text(path, text)
    return loaded, check(loaded)


def current(imports: list[Import]) -> list[tuple[Series, Source]]:
    """Return every series of the imports once: where two imports have the same id and area, the one
    retrieved last (in the order :func:`load_kommun` gives) wins."""
    found: dict[tuple[str, str], tuple[Series, Source]] = {}
    for imported in imports:
        for series in imported.series:
            found[(series.id, series.area)] = (series, imported.source)
    return list(found.values())


# --- writing --------------------------------------------------------------------------------------

def check_kommun_dir(kommun_dir: Path) -> Path:
    """Return the kommun's folder; raise DataError when it is no folder, a version (or part of
    one), a county or the whole data."""
    kommun_dir = Path(kommun_dir)
    if not kommun_dir.is_dir():
        raise DataError(Problem(kommun_dir, "kommunens mapp finns inte",
                                hint="Ange kommunens mapp, t.ex. agreements/dalarna/orsa."))
    if is_version_folder(kommun_dir) or kommun_dir.name == PLANS_FOLDER or is_version_folder(kommun_dir.parent):
        raise DataError(Problem(kommun_dir, "mappen är en version (eller en del av en); lägesbilden sparas bredvid "
                                            "versionerna, aldrig i en version",
                                hint=f"Ange kommunens mapp: {absolute(kommun_dir).parent}."))
    if (kommun_dir / COUNTY_FILE).is_file() or any((child / COUNTY_FILE).is_file()
                                                   for child in kommun_dir.iterdir() if child.is_dir()):
        raise DataError(Problem(kommun_dir, "mappen är ett län eller hela data, inte en kommun",
                                hint="Ange kommunens mapp, t.ex. agreements/dalarna/orsa."))
    return kommun_dir


def write(kommun_dir: Path, imports: list[Import], replace: bool = False) -> list[Written]:
    """Write every import to the kommun's lagesbild/ folder in one step, all or nothing. An existing
    file with the same content is left as it is; one samverkan wrote is replaced; one a person wrote
    or edited is replaced only with ``replace`` – and it is said."""
    kommun_dir = check_kommun_dir(kommun_dir)
    writes, results = {}, []
    for imported in imports:
        name = file_name(imported.source)
        if f"{LAGESBILD_FOLDER}/{name}" in writes:
            raise DataError(Problem(kommun_dir / LAGESBILD_FOLDER / name, "två importer skulle få samma fil"))
        encoded = checked_encoding(kommun_dir / LAGESBILD_FOLDER / name, imported)
        written = _outcome(kommun_dir, name, imported, replace)
        results.append(written)
        if written.outcome != "oförändrad":
            writes[f"{LAGESBILD_FOLDER}/{name}"] = encoded
    if writes:
        transaction.apply(kommun_dir, writes, purpose="skriver lägesbild")
    return results


def checked_encoding(path: Path, imported: Import) -> bytes:
    """Return the file of an import to be stored at ``path``, after checking that it reads back
    and passes the schema; raise DataError or SchemaError otherwise."""
    count = sum(len(series.values) for series in imported.series)
    if count > MAX_STORED_VALUES:
        raise DataError(Problem(path, f"importen har {count} värden, fler än de {MAX_STORED_VALUES} en fil rymmer",
                                hint="Importera färre år eller månader åt gången."))
    encoded = encode(imported, f"import från {imported.source.file}")
    # Our own text, just written: read back with libyaml (no limits needed) and checked as a
    # stored file is; a difference would be a fault of ours, never of the downloaded file.
    data = yaml.load(encoded, Loader=_LOADER)  # nosec B506 - a safe loader (CSafeLoader or SafeLoader)
    problems = check(Loaded(data, file=path))
    if not problems and data != to_data(imported):
        problems = [Problem(path, "importen blir inte densamma när den läses tillbaka",
                            hint="Det är ett fel i samverkan; rapportera det med filen som lästes in.")]
    if problems:
        raise SchemaError(problems)
    return encoded


def _outcome(kommun_dir: Path, name: str, imported: Import, replace: bool) -> Written:
    path = kommun_dir / LAGESBILD_FOLDER / name
    if not os.path.lexists(path):
        return Written(path, "ny")
    text = _existing_text(path, kommun_dir)
    if _same_content(path, text, imported):
        return Written(path, "oförändrad")
    if written_by_us(text):
        return Written(path, "ersatt")
    if not replace:
        raise OutputError(Problem(path, "filen finns redan och är skriven eller ändrad för hand; den skrivs inte över",
                                  hint="Lägg till --ersätt för att ersätta den, eller ange ett annat datum med "
                                       "--hämtad."))
    return Written(path, "ersatt", [f"{path} var skriven eller ändrad för hand och har ersatts (--ersätt)."])


def _existing_text(path: Path, kommun_dir: Path) -> str:
    raw = inputs.read_bytes(path, absolute(kommun_dir).parent.parent, links=False)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""


def _same_content(path: Path, text: str, imported: Import) -> bool:
    """``True`` when the existing file holds exactly this import (however it is written)."""
    if written_by_us(text):  # as we wrote it: the same import is the same text after the first line
        return text.split("\n", 1)[1] == _body(imported)
    try:
        return load_text(path, text).data == to_data(imported)
    except PipelineError:
        return False
