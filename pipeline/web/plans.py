"""Add, remove and rename a draft's plans (its files in ``planer/``), all or nothing.

A new plan starts as a file with its title, the first fokusområde and the headings of
the five parts, commented, so that the form (or a text editor) shows what to fill in;
until it is filled in, validation says what is missing. Only drafts change: a decided
version is refused, decided under the same lock as the change (:mod:`pipeline.data.drafts`),
and only regular files are read or removed, never a link.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pipeline.data import drafts, names
from pipeline.data.version import plan_files, slugify
from pipeline.errors import DataError, Problem, SchemaError
from pipeline.files.inputs import read_bytes
from pipeline.layout import PLANS_FOLDER, VersionRef, nfc

MAX_TITLE = 120

_SKELETON = """\
# Plan (problembild) – bilaga till samverkansöverenskommelsen. Fyll i de fem delarna:
# kartläggning, orsaksanalys, mål, aktiviteter och uppföljning.

titel: {title}
fokusområde: {focus}

kartläggning:
  beskrivning: ""
  källor: []

orsaksanalys:
  beskrivning: ""
  orsaker: []

mål:
  effektmål: []
  operativa_mål: []

aktiviteter: []

uppföljning: []
"""


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_plan(folder: Path, title: str, agreement: dict) -> Path:
    """Create a new plan named after ``title`` as the draft's last bilaga; return its file."""
    names.check_text(title, folder / PLANS_FOLDER, field="titel")
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise SchemaError(Problem(folder / PLANS_FOLDER, "planen behöver en titel på högst "
                                                         f"{MAX_TITLE} tecken", field="titel"))
    focus = next((f.get("namn") for f in agreement.get("fokusområden") or [] if isinstance(f, dict)), "") or ""
    focus = str(focus) if not names.text_problem(str(focus)) else ""
    text = _SKELETON.format(title=_quoted(title), focus=_quoted(focus))
    made = []

    def change():
        existing = plan_files(folder)
        number = 1 + max((int(m.group()) for p in existing if (m := re.match(r"[0-9]+", p.name))), default=0)
        name = f"{number:02d}-{slugify(title)[:60]}.yaml"
        _check_new(folder, name)
        made.append(folder / PLANS_FOLDER / name)
        return {f"{PLANS_FOLDER}/{name}": text.encode("utf-8")}, []

    drafts.change_draft(folder, "ny plan", change)
    return made[0]


def remove(folder: Path, plan: Path) -> bytes:
    """Remove a draft's plan file (the person asked for it in the form, after a confirmation);
    return what it held, for Ångra."""
    removed = []

    def change():
        removed.append(_regular_plan(folder, plan))
        return {}, [f"{PLANS_FOLDER}/{plan.name}"]

    drafts.change_draft(folder, "tar bort plan", change)
    return removed[0]


def put_back(folder: Path, name: str, data: bytes) -> Path:
    """Put a removed plan back in a draft under its old name (Ångra); refused when that name is
    taken by then, or the version is decided."""
    names.check_file_name(name, folder / PLANS_FOLDER, what="filnamnet")

    def change():
        _check_new(folder, name)
        return {f"{PLANS_FOLDER}/{name}": data}, []

    drafts.change_draft(folder, "lägger tillbaka plan", change)
    return folder / PLANS_FOLDER / name


def rename(folder: Path, plan: Path, new_name: str) -> Path:
    """Give a draft's plan file a new name (its number decides the bilaga's place); return it.

    The plan is read as a regular file (never through a link) under the lock that writes it."""
    names.check_text(new_name, folder / PLANS_FOLDER, field="nytt_namn")
    stem = slugify(new_name.strip().removesuffix(".yaml"))
    number = re.match(r"[0-9]{1,6}", new_name.strip())
    prefix = f"{int(number.group()):02d}-" if number else (re.match(r"[0-9]+-", plan.name) or [""])[0]
    name = f"{prefix}{stem.lstrip('0123456789-')[:60].strip('-') or 'plan'}.yaml"
    names.check_file_name(name, folder / PLANS_FOLDER, what="filnamnet", field="nytt_namn",
                          hint="Välj ett annat namn, gärna med bilagans nummer först: 04-resecentrum.")
    if name == plan.name:
        _regular_plan(folder, plan)
        return plan

    def change():
        data = _regular_plan(folder, plan)
        _check_new(folder, name)
        return {f"{PLANS_FOLDER}/{name}": data}, [f"{PLANS_FOLDER}/{plan.name}"]

    drafts.change_draft(folder, "byter namn på plan", change)
    return folder / PLANS_FOLDER / name


def _regular_plan(folder: Path, plan: Path) -> bytes:
    """Return the bytes of one of the draft's plans, a regular file (no link) in its planer/."""
    if plan.parent != folder / PLANS_FOLDER or plan not in plan_files(folder, links=False):
        raise DataError(Problem(plan, "planen är ingen vanlig fil i mappen planer/ och ändras inte",
                                hint="samverkan ändrar bara vanliga filer, inga länkar."))
    return read_bytes(plan, VersionRef.of(folder).root, links=False)


def _check_new(folder: Path, name: str) -> None:
    """Raise SchemaError when a plan file ``name`` cannot be made in the draft's planer/."""
    names.check_file_name(name, folder / PLANS_FOLDER, what="filnamnet")
    target = folder / PLANS_FOLDER / name
    if os.path.lexists(target) or any(nfc(n).lower() == name.lower() for n in _listing(folder / PLANS_FOLDER)):
        raise SchemaError(Problem(target, "det finns redan en plan med det namnet",
                                  hint="Välj ett annat namn eller nummer."))


def _listing(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []
