"""Add, remove and rename a draft's plans (its files in ``planer/``), all or nothing.

A new plan starts as a file with its title, the first fokusområde and the headings of
the five parts, commented, so that the form (or a text editor) shows what to fill in;
until it is filled in, validation says what is missing. Only drafts change: a decided
version is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.data import seal
from pipeline.data.load import load_yaml
from pipeline.data.version import plan_files, slugify
from pipeline.errors import DataError, Problem, SchemaError
from pipeline.files import transaction
from pipeline.layout import AGREEMENT_FILE, PLANS_FOLDER

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


def _require_draft(folder: Path) -> None:
    if seal.is_sealed(folder) or load_yaml(folder / AGREEMENT_FILE).data.get("status") == "beslutad":
        raise DataError(Problem(folder, "versionen är beslutad; dess planer kan inte ändras",
                                hint="Börja en ny version för att ändra planerna."))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_plan(folder: Path, title: str, agreement: dict) -> Path:
    """Create a new plan named after ``title`` as the draft's last bilaga; return its file."""
    _require_draft(folder)
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise SchemaError(Problem(folder / PLANS_FOLDER, "planen behöver en titel på högst "
                                                         f"{MAX_TITLE} tecken", field="titel"))
    existing = plan_files(folder)
    number = 1 + max((int(m.group()) for p in existing if (m := re.match(r"[0-9]+", p.name))), default=0)
    name = f"{number:02d}-{slugify(title)[:60]}.yaml"
    focus = next((f.get("namn") for f in agreement.get("fokusområden") or [] if isinstance(f, dict)), "") or ""
    text = _SKELETON.format(title=_quoted(title), focus=_quoted(str(focus)))
    transaction.apply(folder, {f"{PLANS_FOLDER}/{name}": text.encode("utf-8")}, purpose="ny plan")
    return folder / PLANS_FOLDER / name


def remove(folder: Path, plan: Path) -> None:
    """Remove a draft's plan file (the person asked for it in the form, after a confirmation)."""
    _require_draft(folder)
    transaction.apply(folder, {}, [f"{PLANS_FOLDER}/{plan.name}"], purpose="tar bort plan")


def rename(folder: Path, plan: Path, new_name: str) -> Path:
    """Give a draft's plan file a new name (its number decides the bilaga's place); return it."""
    _require_draft(folder)
    stem = slugify(new_name.removesuffix(".yaml"))
    number = re.match(r"[0-9]+", new_name.strip())
    prefix = f"{int(number.group()):02d}-" if number else (re.match(r"[0-9]+-", plan.name) or [""])[0]
    name = f"{prefix}{stem.lstrip('0123456789-') or 'plan'}.yaml"
    if name == plan.name:
        return plan
    if (folder / PLANS_FOLDER / name).exists():
        raise SchemaError(Problem(folder / PLANS_FOLDER / name, "det finns redan en plan med det namnet"))
    transaction.apply(folder, {f"{PLANS_FOLDER}/{name}": plan.read_bytes()}, [f"{PLANS_FOLDER}/{plan.name}"],
                      purpose="byter namn på plan")
    return folder / PLANS_FOLDER / name
