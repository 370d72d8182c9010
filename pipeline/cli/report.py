"""Print a comparison for people (grouped text) and for machines (JSON)."""

from __future__ import annotations

import json
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.data.changes import as_dicts
from pipeline.documents.review import RULES
from pipeline.errors import visible
from pipeline.swedish import distance

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # what click.progressbar returns

_WIDTH = 100


def _short(value: str | None, width: int = 60) -> str:
    if value is None:
        return "–"
    return textwrap.shorten(value, width=width, placeholder=" …")


def _around_difference(old: str | None, new: str | None, width: int = 60) -> tuple[str, str]:
    """Return both texts shortened to ``width``, starting near where they first differ."""
    if old is None or new is None:
        return _short(old, width), _short(new, width)
    common = 0
    while common < min(len(old), len(new)) and old[common] == new[common]:
        common += 1
    start = 0
    if common > width // 2:
        start = old.rfind(" ", 0, common - width // 4) + 1
    prefix = "… " if start else ""
    return (prefix + _short(old[start:], width - len(prefix)), prefix + _short(new[start:], width - len(prefix)))


def changes_text(comparison) -> str:
    """Return the change summary grouped by area, old value beside new, for a terminal."""
    old, new = comparison.old, comparison.new
    kommun = new.data["parter"]["kommun"]["namn"]
    if old is None:
        return (f"Version {new.name} ({kommun}) har ingen föregående version: tjänsteskrivelsen föreslår den "
                "som kommunens första överenskommelse.")
    lines = [f"Ändringar från version {old.name} till {new.name} ({kommun}):"]
    marks = sum(r.revisions for r in comparison.redlines)
    if not comparison.changes:
        lines.append("  Inga ändringar i innehållet." if marks else "  Inga ändringar.")
        if marks:
            lines.append(f"  Dokumenten skiljer sig ändå på {marks} ställen, t.ex. i datum, status eller "
                         "diarienummer; se ändringsdokumenten.")
    group = None
    for change in comparison.changes:
        if change.group != group:
            group = change.group
            lines += ["", group]
        lines.append(textwrap.fill(f"{change.kind:<9} {change.what}", width=_WIDTH, initial_indent="  ",
                                   subsequent_indent=" " * 12))
        if change.kind == "ändrad":
            before, after = _around_difference(change.old, change.new)
            lines.append(f"            före: {before}")
            lines.append(f"            nu:   {after}")
        elif change.kind == "borttagen" and change.old:
            lines.append(f"            var:  {_short(change.old)}")
        elif change.new:
            lines.append(f"            ny:   {_short(change.new)}")
    lines += ["", "Dokument:"]
    for item in comparison.redlines:
        status = "oförändrad" if item.revisions == 0 else f"{item.status}, {item.revisions} ändringsmarkeringar"
        lines.append(f"  {item.name}: {status}")
    return "\n".join(lines)


def changes_json(comparison, written: list[Path]) -> str:
    """Return the comparison as JSON: versions, changes, documents with revision counts."""
    return json.dumps({
        "kommun": comparison.new.data["parter"]["kommun"]["namn"],
        "gammal_version": str(comparison.old.folder) if comparison.old is not None else None,
        "ny_version": str(comparison.new.folder),
        "ändringar": as_dicts(comparison.changes),
        "dokument": [{"fil": r.name, "status": r.status, "ändringsmarkeringar": r.revisions}
                     for r in comparison.redlines],
        "skrivna_filer": [str(p) for p in written],
    }, ensure_ascii=False, indent=2)


def _problem_dict(problem) -> dict:
    return {"fil": str(problem.file) if problem.file else None, "rad": problem.line, "kolumn": problem.column,
            "fält": problem.field, "meddelande": problem.message, "tips": problem.hint}


def batch_text(report) -> str:
    """Return a batch report for people: what was done, what was unchanged, every error."""
    lines = list(report.notices)
    if report.interrupted:
        lines.append("Avbrutet. Det som hann bli klart är sparat; kör samma kommando igen för att slutföra.")
    elif not report.written and not report.removed and not report.problems:
        lines.append(f"Inget har ändrats sedan förra körningen; inga filer skrevs ({report.skipped} jobb "
                     "oförändrade).")
    else:
        done = sum(1 for r in report.ran if not r.problems)
        done += len(report.overview)
        files = len(report.written)
        written = "fil skriven" if files == 1 else "filer skrivna"
        lines.append(f"Klart: {done} jobb körda, {report.skipped} oförändrade; {files} {written} i {report.out}.")
        if report.removed:
            lines.append(f"{len(report.removed)} inaktuella filer togs bort.")
        for path in report.overview:
            label = "Länets lägesbild" if path.name == "lagesbild-lan.docx" else "Länsöversikt"
            lines.append(f"{label}: {path}")
    if report.problems:
        unique = list(dict.fromkeys(report.problems))
        lines.append("")
        rest = " (övriga kommuner är genererade)" if any(not r.problems for r in report.ran) else ""
        lines.append(f"Fel: {len(unique)} problem hittades{rest}:")
        lines += [p.format() for p in sorted(unique, key=lambda p: p.sort_key())]
    return "\n".join(lines)


def batch_json(report) -> str:
    """Return a batch report as JSON."""
    return json.dumps({
        "utdata": str(report.out),
        "avbruten": report.interrupted,
        "körda_jobb": sorted(r.key for r in report.ran if not r.problems),
        "misslyckade_jobb": sorted(r.key for r in report.ran if r.problems),
        "oförändrade_jobb": report.skipped,
        "skrivna_filer": [str(p) for p in report.written],
        "borttagna_filer": [str(p) for p in report.removed],
        "fel": [_problem_dict(p) for p in dict.fromkeys(report.problems)],
    }, ensure_ascii=False, indent=2)


class progress_printer:
    """A progress bar on a terminal, plain lines otherwise (e.g. in a log); nothing when disabled."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.bar: ProgressBar[int] | None = None

    def __enter__(self):
        return self if self.enabled else None

    def __call__(self, done: int, total: int, results) -> None:
        stream = sys.stderr
        if stream.isatty():
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="Kommuner", file=stream)
                self.bar.__enter__()
            self.bar.update(1)
            return
        failed = sum(1 for r in results if r.problems)
        name = results[0].key.rsplit("/", 1)[0] if results else "?"
        status = f"{len(results) - failed} jobb klara" + (f", {failed} med fel" if failed else "")
        click.echo(f"[{done}/{total}] {name}: {status}", err=True)

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.__exit__(*exc_info)


def new_version_text(created, shown: int = 8) -> str:
    """Return what ``ny`` did: the new version, and the dates moved or left to update."""

    lines = [visible(f"Skapade {created.folder} från {created.source} (status: utkast).")]
    if created.moved:
        first = created.moved[0]
        lines.append(f"Flyttade {len(created.moved)} datum {distance(first.old, first.new)}:")
        dates = [f"  {m.file}: {m.field} {m.old.isoformat()} → {m.new.isoformat()}" for m in created.moved]
    else:
        lines.append(f"De {len(created.to_update)} datumen är desamma som i den förra versionen. Uppdatera "
                     "dem, eller skapa versionen med --flytta-datum ÅÅÅÅ-MM-DD (den nya startdagen):")
        dates = [f"  {m.file}: {m.field} {m.old.isoformat()}" for m in created.to_update]
    lines += dates[:shown]
    if len(dates) > shown:
        lines.append(f"  … och {len(dates) - shown} till.")
    if created.kept_case_number:
        lines.append(visible(f"Diarienumret {created.case_number} är kvar från version {created.source.name} "
                             "(--behall-diarienummer). Skriv det nya ärendets diarienummer i fältet diarienummer "
                             "när det finns."))
    else:
        lines.append(visible(f"Diarienummer: {created.case_number}."))
    lines.append("Uppdatera också det som gäller den nya versionen, till exempel giltighetstid, texter med den förra "
                 "versionens datum, handläggare och sammanträde, och kör samverkan validate.")
    return "\n".join(lines)


def review_text(report) -> str:
    """Return what ``granska`` found, document by document, with the rule's name and the place."""
    lines = []
    if report.problems:
        lines.append(f"{len(report.problems)} problem hindrade dokument från att göras eller läsas:")
        lines += ["  " + p.format() for p in sorted(dict.fromkeys(report.problems), key=lambda p: p.sort_key())]
    current = None
    for finding in sorted(report.findings, key=lambda f: (f.document, f.rule, f.where)):
        if finding.document != current:
            current = finding.document
            lines.append(visible(f"{current}:"))
        lines.append(visible(f"  {RULES[finding.rule][0]} – {finding.where}: {finding.message}"))
    if report.decided:
        rules = Counter(RULES[f.rule][0] for f in report.decided)
        lines.append("I beslutade versioners dokument, som inte ändras längre (räknas inte som fel): "
                     + "; ".join(f"{rule}: {n}" for rule, n in sorted(rules.items())) + ".")
    pages = f", {report.with_pdf} av dem även som utskrivna sidor" if report.pdf else \
        " (bara som Word-dokument, inte som utskrivna sidor)"
    found = len(report.findings)
    summary = "inga fel" if not found else ("1 fel" if found == 1 else f"{found} fel")
    lines.append(f"Granskade {report.documents} dokument{pages}: {summary}.")
    return "\n".join(lines)
