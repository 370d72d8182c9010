"""Follow-up records: one YAML file per follow-up date beside a version, never part of its seal.

``agreements/<län>/<kommun>/<version>/uppfoljning/ÅÅÅÅ-MM-DD.yaml`` holds, per plan,
each activity's status (grön, gul, röd, ej påbörjad, klar) with a comment and who
reported it, and each indicator's measured value. The seal lists only the version's
own files, and version discovery stops at a version's folder, so a record never
changes a decided version. Records are checked against the version: every plan,
activity and indicator they name must exist there.

A record that samverkan writes (``import``) starts with a line that names it and a
checksum of the rest; a record without that line, or whose checksum no longer
matches, was written or edited by a person and is never replaced without saying so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.data import schema
from pipeline.data.load import Loaded, closest, load_text, load_yaml
from pipeline.data.rules import forbidden_characters, party_names
from pipeline.data.tracing import trace
from pipeline.errors import DataError, OutputError, PipelineError, Problem
from pipeline.files import inputs, transaction
from pipeline.layout import FOLLOWUP_FOLDER, nfc

STATUSES = ("grön", "gul", "röd", "ej påbörjad", "klar")
_NAME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\.ya?ml")
_MARK = "# Skriven av samverkan"
_MARK_LINE = re.compile(r"# Skriven av samverkan[^\n]*kontrollsumma ([0-9a-f]{64})\n")


@dataclass
class Record:
    """One follow-up: its date, its file and its data (checked against the schema)."""

    date: dt.date
    loaded: Loaded

    @property
    def path(self) -> Path:
        return self.loaded.known_file

    def entries(self, section: str) -> dict[tuple[str, str], dict]:
        """Return the record's activities (``"aktiviteter"``) or indicators (``"indikatorer"``)
        by (plan key, id)."""
        found: dict[tuple[str, str], dict] = {}
        for plan in self.loaded.data.get("planer") or []:
            for entry in plan.get(section) or []:
                found.setdefault((plan["plan"], entry["id"]), entry)
        return found


def plan_key(plan) -> str:
    """Return how records name a plan: its file name without .yaml ("01-ungdomar-skolor")."""
    return nfc(re.sub(r"\.ya?ml$", "", plan.loaded.file.name, flags=re.IGNORECASE))


def record_files(folder: Path) -> tuple[list[tuple[dt.date, Path]], list[Problem]]:
    """Return the version's records (date, path) in date order, and problems with files in its
    uppfoljning/ folder that look like records but are not named by a date."""
    paths, problems = inputs.yaml_files(Path(folder) / FOLLOWUP_FOLDER)  # a workbook beside them is no record
    found = []
    for path in paths:
        match = _NAME.fullmatch(path.name)
        day = _date(match.group(1)) if match else None
        if day is None:
            problems.append(Problem(path, "filnamnet ska vara uppföljningens datum: ÅÅÅÅ-MM-DD.yaml",
                                    hint="T.ex. 2026-05-12.yaml för uppföljningen den 12 maj 2026."))
        else:
            found.append((day, path))
    return sorted(found), problems


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def load_records(version, today: dt.date | None = None) -> tuple[list[Record], list[Problem]]:
    """Return the version's readable, valid records in date order, and every problem of every record."""
    files, problems = record_files(version.folder)
    records = []
    for day, path in files:
        try:
            loaded = load_yaml(path, root=version.data_root)
        except DataError as exc:
            problems += exc.problems
            continue
        found = check_record(version, loaded, day, today)
        problems += found
        if not found:
            records.append(Record(day, loaded))
    return records, problems


def check_version(version, today: dt.date | None = None) -> list[Problem]:
    """Return the problems of a valid version's follow-up records."""
    return load_records(version, today)[1]


def check_record(version, loaded: Loaded, day: dt.date, today: dt.date | None = None) -> list[Problem]:
    """Return the problems of one record of ``version``: schema, characters, and ids that must exist."""
    problems = schema.check(loaded, "uppfoljning") + forbidden_characters(loaded)
    if problems:
        return problems
    if day > (today or dt.date.today()):
        problems.append(Problem(loaded.file, f"uppföljningens datum {day.isoformat()} ligger i framtiden",
                                hint="Filens namn är datumet då uppföljningen gjordes."))
    plans = {plan_key(p): p for p in version.plans}
    parties = party_names(version.data)
    seen_plans: set[str] = set()
    for index, entry in enumerate(loaded.data["planer"]):
        key = entry["plan"]
        if key in seen_plans:
            problems.append(loaded.problem(("planer", index, "plan"), f"planen '{key}' finns redan i uppföljningen"))
            continue
        seen_plans.add(key)
        if key not in plans:
            suggestion = closest(key, plans)
            problems.append(loaded.problem(("planer", index, "plan"), f"'{key}' är ingen plan i version {version.name}",
                                           hint=(f"Menade du '{suggestion}'? " if suggestion else "")
                                           + "Planerna heter som sina filer i planer/ utan .yaml: "
                                           + ", ".join(plans) + "."))
            continue
        problems += _entries(loaded, index, entry, plans[key], parties)
    return problems


def _entries(loaded: Loaded, index: int, entry: dict, plan, parties: list[str]) -> list[Problem]:
    found = trace(plan.data)
    problems = []
    for section, items, what in (("aktiviteter", found.activities, "aktivitet"),
                                 ("indikatorer", found.indicators, "indikator")):
        known = {item.id: item for item in items}
        seen: set[str] = set()
        for offset, row in enumerate(entry.get(section) or []):
            where = ("planer", index, section, offset)
            if row["id"] in seen:
                problems.append(loaded.problem(where + ("id",),
                                               f"{what}en {row['id']} finns redan i planens uppföljning"))
            elif row["id"] not in known:
                suggestion = closest(row["id"], known)
                problems.append(loaded.problem(where + ("id",), f"'{row['id']}' är ingen {what} i bilaga {plan.number}",
                                               hint=(f"Menade du '{suggestion}'? " if suggestion else "")
                                               + f"Planens {what}er: " + ", ".join(known) + "."))
            seen.add(row["id"])
            who = row.get("rapporterad_av")
            if who is not None and who not in parties:
                problems.append(loaded.problem(where + ("rapporterad_av",), f"'{who}' är ingen part i överenskommelsen",
                                               hint="Parterna är: " + ", ".join(f"'{n}'" for n in parties) + "."))
    return problems


# --- writing --------------------------------------------------------------------------------------

@dataclass
class Written:
    """What writing a record did: the file, and whether it was new, replaced or left unchanged."""

    path: Path
    outcome: str  # "ny", "ersatt", "oförändrad"
    notices: list[str] = field(default_factory=list)


def encode(data: dict, source: str) -> bytes:
    """Return a record's file: a first line naming its source with a checksum of the rest, then YAML."""
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"{_MARK} ({source}); ändra gärna, men då skrivs den inte över utan --ersätt. " \
           f"kontrollsumma {digest}\n{body}".encode()


def written_by_us(text: str) -> bool:
    """``True`` when a record's text is as samverkan wrote it (its first line's checksum matches)."""
    match = _MARK_LINE.match(text)
    if match is None:
        return False
    return hashlib.sha256(text[match.end():].encode("utf-8")).hexdigest() == match.group(1)


def write(version, day: dt.date, data: dict, source: str, replace: bool = False) -> Written:
    """Write the record of ``day`` for ``version`` in one step. An existing record with the same
    content is left as it is; one samverkan wrote is replaced; one a person wrote or edited is
    replaced only with ``replace`` – and it is said."""
    name = f"{day.isoformat()}.yaml"
    path = version.folder / FOLLOWUP_FOLDER / name
    encoded = encode(data, source)
    problems = check_record(version, load_text(path, encoded.decode("utf-8")), day)
    if problems:
        raise DataError(problems)
    notices = []
    if os.path.lexists(path):
        text = _existing_text(path, version)
        if _same_content(path, text, data):
            return Written(path, "oförändrad")
        if not written_by_us(text):
            if not replace:
                raise OutputError(Problem(path, "uppföljningen finns redan och är skriven eller ändrad för hand; "
                                                "den skrivs inte över",
                                          hint="Lägg till --ersätt för att ersätta den, eller välj ett annat datum "
                                               "med --datum."))
            notices.append(f"{path} var skriven eller ändrad för hand och har ersatts (--ersätt).")
    outcome = "ersatt" if os.path.lexists(path) else "ny"
    transaction.apply(version.folder, {f"{FOLLOWUP_FOLDER}/{name}": encoded}, purpose="skriver uppföljning")
    return Written(path, outcome, notices)


def _existing_text(path: Path, version) -> str:
    raw = inputs.read_bytes(path, version.data_root)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""


def _same_content(path: Path, text: str, data: dict) -> bool:
    """``True`` when the existing record holds exactly ``data`` (however it is written)."""
    try:
        return load_text(path, text).data == data
    except PipelineError:
        return False
