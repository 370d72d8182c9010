"""The kommun's lägesbild in the browser: every stored series with where it comes from, and an
import of files the secretary downloaded (Brå, Kolada, Polisen, a survey). Registered on the pages'
blueprint when imported (:mod:`pipeline.web.app` imports it).

The library reads and stores (:mod:`pipeline.lagesbild.importer`); this page only puts the
uploaded files where the importer can read them – a private temporary folder, never the data
folder – and says the outcome in plain Swedish.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from flask import flash, redirect, render_template, request

from pipeline.data.dates import typed_date
from pipeline.errors import PipelineError, Problem
from pipeline.lagesbild import importer, store
from pipeline.lagesbild.series import SOURCE_NAMES, SOURCES
from pipeline.swedish import amount, long_date
from pipeline.web import plain
from pipeline.web.pages import bp
from pipeline.web.workspace import NotFound, current_workspace

MAX_FILES = 10
_SAFE_NAME = re.compile(r"[^0-9A-Za-zÅÄÖåäö._-]+")


def situation(county, kommun):
    """The lägesbild page (GET), or an import of uploaded files (POST)."""
    info = current_workspace().kommun(county, kommun)
    if not info.versions:
        raise NotFound(kommun)
    folder = info.versions[0].folder.parent
    problems: list[str] = []
    if request.method == "POST":
        try:
            stored = _import(folder)
        except PipelineError as exc:
            problems = [_line(p) for p in exc.problems]
        else:
            flash(stored)
            return redirect(request.path, 303)
    try:
        series = _series(store.load_kommun(folder))
    except PipelineError as exc:
        series, problems = [], problems + [_line(p) for p in exc.problems]
    return render_template("lagesbild.html", kommun=info, kallor=series, fel=problems,
                           kallval=[("", "Avgör själv ur filen")] + [(s, SOURCE_NAMES[s]) for s in SOURCES],
                           idag=dt.date.today().isoformat()), 400 if problems and request.method == "POST" else 200


def _import(folder: Path) -> str:
    """Import the uploaded files; return what was stored, in words."""
    uploads = [f for f in request.files.getlist("filer") if f and f.filename][:MAX_FILES + 1]
    if not uploads:
        raise _refused("välj minst en fil att läsa in")
    if len(uploads) > MAX_FILES:
        raise _refused(f"högst {MAX_FILES} filer åt gången")
    source = request.form.get("kalla", "")
    if source and source not in SOURCES:
        raise _refused("källan finns inte i listan")
    text = request.form.get("hamtad", "").strip()
    retrieved = typed_date(text, field="hämtad") if text else None
    with tempfile.TemporaryDirectory(prefix="samverkan-lagesbild-") as temporary:
        paths = []
        for index, upload in enumerate(uploads, start=1):
            path = Path(temporary) / str(index) / _safe(upload.filename or "")  # the file's own name is kept
            path.parent.mkdir()
            upload.save(path)
            paths.append(path)
        done = importer.import_files(folder, paths, source=source or None, retrieved=retrieved,
                                     replace=bool(request.form.get("ersatt")))
    parts = [f"{SOURCE_NAMES[d.source]}: {len(d.imported.series)} serier ({_span(d.periods())})" for d in done]
    return "Inläst. " + "; ".join(parts) + "."


def _safe(name: str) -> str:
    """Return an uploaded file's name without folders or odd characters (it is named in messages)."""
    base = re.split(r"[/\\]", name)[-1]
    return (_SAFE_NAME.sub("-", base).strip(".-") or "fil")[:80]


def _span(periods: list[str]) -> str:
    return periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}" if periods else "inga perioder"


def _refused(message: str):
    return importer.DataError(Problem(None, message))


def _line(problem: Problem) -> str:
    """Return an import's problem as a secretary reads it: which uploaded file, row and column."""
    where = []
    if problem.file is not None:
        name = Path(problem.file).name
        where.append(f"i filen {name}" if Path(problem.file).suffix.lower() != ".yaml" else "i den sparade lägesbilden")
    if problem.line:
        where.append(f"rad {problem.line}")
    if problem.column:
        where.append(f"kolumn {problem.column}")
    text = plain.message(problem).rstrip(".")
    advice = plain.hint(problem)
    head = (", ".join(where).capitalize() + ": ") if where else ""
    return f"{head}{text[:1].lower() + text[1:] if head else text}." + (f" {advice}" if advice else "")


def _series(imports) -> list[dict]:
    """Return the current series grouped by source, each with its periods' figures as text."""
    groups: dict[tuple, dict] = {}
    for series, source in store.current(imports):
        key = (source.source, source.file, source.retrieved)
        group = groups.setdefault(key, {"namn": SOURCE_NAMES.get(source.source, source.source),
                                        "beskrivning": source.description, "fil": source.file,
                                        "hamtad": long_date(source.retrieved), "adress": source.url,
                                        "serier": [], "perioder": set()})
        values = series.by_period()
        group["perioder"] |= set(values)
        group["serier"].append({"namn": series.name, "omrade": series.area, "enhet": series.unit, "varden": values})
    result = []
    for group in groups.values():
        periods = sorted(group.pop("perioder"))
        group["perioder"] = periods
        group["preliminar"] = False
        for entry in group["serier"]:
            entry["celler"] = [_cell(entry["varden"].get(p)) for p in periods]
            group["preliminar"] |= any(c.endswith("*") for c in entry["celler"])
        result.append(group)
    return result


def _cell(value) -> str:
    if value is None:
        return ""
    if value.value is None:
        return value.note or "–"
    return amount(value.value) + ("*" if value.preliminary else "")


bp.add_url_rule("/k/<county>/<kommun>/lagesbild", "situation", situation, methods=["GET", "POST"])
