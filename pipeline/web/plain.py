"""Problems as a secretary reads them: where (the agreement or a bilaga, the field's label from
``schemas/etiketter.yaml``, the item's number) and what, in plain Swedish.

The library's messages are written for the command line too, where a file, a line, a field
path or an option is what helps. The web app shows the same problems through this module and
never a file name, field path, YAML key, command or option: those parts are said with the
form's own words, or left out.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import Problem
from pipeline.layout import PLANS_FOLDER
from pipeline.swedish import sentence
from pipeline.web import forms

# Options of the commands that a message may name, as the web app's own words say them.
_OPTIONS = {"--nytt-diarienummer": "det nya diarienumret", "--behall-diarienummer": "rutan för att behålla det",
            "--bakvänd": "rätt ordning", "--datum": "datumet", "--paragraf": "paragrafen",
            "--organ": "beslutande organ", "--diarienummer": "diarienumret"}
_NOT_PLAIN = re.compile(r"--[a-zåäö]|samverkan [a-z]|\.ya?ml\b|\.docx\b|[/\\]\w")


def schema_of(problem: Problem) -> str:
    """Return the schema the problem's file follows: a plan's, or the agreement's."""
    return "plan" if _in_plan(problem) else "overenskommelse"


def _in_plan(problem: Problem) -> bool:
    return problem.file is not None and Path(problem.file).parent.name == PLANS_FOLDER


def label(schema: str, field: str | None) -> str | None:
    """Return the form's label of a field path ("aktiviteter[2].ansvarig" → "Ansvarig"), if it has one."""
    if not field:
        return None
    key = re.sub(r"\[\d+\]", "", field).replace("..", ".")
    return (forms.labels().get(schema, {}).get(key) or {}).get("etikett")


def label_of_path(schema: str, path: tuple) -> str:
    """Return the label of a value's place in a file (keys, with list positions skipped), else its
    key in words: what a read-only view shows for a key."""
    keys = [str(k) for k in path if not isinstance(k, int)]
    return label(schema, ".".join(keys)) or keys[-1].replace("_", " ").capitalize()


def message(problem: Problem) -> str:
    """Return the problem's message without keys or options: "obligatoriskt fält 'aktivitet' saknas"
    becomes "Aktivitet saknas"."""
    text = problem.message
    schema = schema_of(problem)

    def named(match: re.Match) -> str:
        path = f"{problem.field}.{match.group(1)}" if problem.field else match.group(1)
        return (label(schema, path) or match.group(1).replace("_", " ")).lower()

    text = re.sub(r"obligatoriskt fält '([^']+)' saknas", lambda m: f"{named(m)} måste fyllas i", text)
    text = re.sub(r"^får inte vara tomt$", "måste fyllas i", text)  # the field says which; the page, how
    text = re.sub(r"okänt fält '([^']+)'", lambda m: f"okänd uppgift ”{m.group(1).replace('_', ' ')}”", text)
    text = re.sub(r"har fel form \(ska matcha [^)]*\)", "har fel form", text)
    for option, words in _OPTIONS.items():
        text = text.replace(f"'{option}'", words).replace(option, words)
    return sentence(text)


def hint(problem: Problem) -> str:
    """Return the problem's hint when it speaks to a secretary (no option, command or file), else ""."""
    if not problem.hint or _NOT_PLAIN.search(problem.hint):
        return ""
    return problem.hint


def where(problem: Problem) -> str:
    """Return where the problem is: "I överenskommelsen, gäller från (nummer 2)" or "I en bilaga, ansvarig"."""
    place = "I en bilaga" if _in_plan(problem) else "I överenskommelsen"
    found = label(schema_of(problem), problem.field)
    if found:
        numbers = re.findall(r"\[(\d+)\]", problem.field or "")
        place += f", {found.lower()}" + (f" (nummer {numbers[-1]})" if numbers else "")  # paths count from 1
    return place


def line(problem: Problem) -> str:
    """Return the whole problem as one line: where, what, and what to do."""
    what = message(problem).rstrip(".")
    advice = hint(problem)
    return f"{where(problem)}: {what[:1].lower()}{what[1:]}." + (f" {advice}" if advice else "")


def at_field(problem: Problem) -> str:
    """Return the problem as its field shows it (the field says where): what, and what to do."""
    what = message(problem).rstrip(".")
    advice = hint(problem)
    return f"{what}." + (f" {advice}" if advice else "")
