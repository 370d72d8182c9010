"""Sekretess marks and role-only persons in the data: how they are written and checked.

A secretary marks a passage inside any text::

    [sekretess: OSL 18 kap. 1 §]Polisen har uppgifter om …[/sekretess]

a whole section (a plan's ``kartläggning``, the agreement's ``lägesbild``, one
``fokusområden`` or ``kontaktfunktioner`` item) with a field beside its texts::

    kartläggning:
      sekretess: OSL 18 kap. 1 §

and a person (``handläggare``, an ``underskrifter`` item) to be published by role
only with ``publiceras_som: roll``. Internal documents show the text without the
mark; the public ones are made by :mod:`pipeline.publish.masking`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.data.load import Loaded
from pipeline.errors import Problem

MARK_FIELD = "sekretess"
PERSON_FIELD = "publiceras_som"
ROLE_ONLY = "roll"
# Tags are matched loosely (case, spaces, the colon) so a near miss is read as a tag and checked,
# never left in the text by accident.
_OPEN = re.compile(r"\[\s*sekretess\b\s*:?\s*([^\]]*)\]", re.IGNORECASE)
_CLOSE = re.compile(r"\[\s*/\s*sekretess\s*\]", re.IGNORECASE)
_TAG = re.compile(rf"{_OPEN.pattern}|{_CLOSE.pattern}", re.IGNORECASE)
# A legal ground names a chapter and a section: "OSL 18 kap. 1 §", "21 kap. 3 § OSL".
_GROUND = re.compile(r"\d+\s*kap\.?\s*\d+\s*[a-z]?\s*§", re.IGNORECASE)
GROUND_HINT = ("Skriv lagrummet efter 'sekretess:', t.ex. [sekretess: OSL 18 kap. 1 §]…[/sekretess] "
               "(offentlighets- och sekretesslagen, kapitel och paragraf).")


@dataclass(frozen=True)
class Span:
    """One marked passage of a text: where it is, what it says, and its legal ground."""

    start: int  # of the opening tag
    end: int  # after the closing tag
    text: str  # the passage, tags left out
    ground: str


def spans(text: str) -> tuple[list[Span], list[str]]:
    """Return the marked passages of ``text`` and, in Swedish, what is wrong with its tags."""
    found, wrong = [], []
    opened = None
    for match in _TAG.finditer(text):
        if match.group(0).lstrip("[ ").startswith("/"):
            if opened is None:
                wrong.append("'[/sekretess]' utan ett '[sekretess: …]' före")
                continue
            found.append(Span(opened.start(), match.end(), text[opened.end():match.start()].strip(),
                              " ".join(opened.group(1).split())))
            opened = None
        elif opened is not None:
            wrong.append("en markering börjar innan den förra har avslutats med '[/sekretess]'")
        else:
            opened = match
    if opened is not None:
        wrong.append(f"'{opened.group(0)}' avslutas aldrig med '[/sekretess]'")
    return found, wrong


def segments(text: str) -> list[tuple[str, str | None]]:
    """Return ``text`` in pieces, tags left out: (piece, legal ground) for a marked passage, (piece,
    None) for the rest. Lenient, for a text cut short as an excerpt: a passage whose closing tag was
    cut off runs to the end, and a closing tag with no opening one is left out."""
    found: list[tuple[str, str | None]] = []
    ground, last = None, 0
    for match in _TAG.finditer(text):
        if text[last:match.start()]:
            found.append((text[last:match.start()], ground))
        last = match.end()
        closing = match.group(0).lstrip("[ ").startswith("/")
        ground = None if closing else " ".join((match.group(1) or "").split())
    if text[last:]:
        found.append((text[last:], ground))
    return found


def grounds(value) -> list[str]:
    """Return the legal grounds of every marked passage and section in data (mappings, lists and
    texts), in order, each once."""
    found: list[str] = []

    def walk(item):
        if isinstance(item, dict):
            own = item.get(MARK_FIELD)
            if isinstance(own, str) and own.strip():
                found.append(" ".join(own.split()))
            for key, child in item.items():
                if key != MARK_FIELD:
                    walk(child)
        elif isinstance(item, list):
            for child in item:
                walk(child)
        elif isinstance(item, str) and "[" in item:
            found.extend(span.ground for span in spans(item)[0] if span.ground)

    walk(value)
    return list(dict.fromkeys(found))


def strip(text: str) -> str:
    """Return ``text`` as internal documents show it: the passages kept, their tags removed."""
    if "[" not in text:
        return text
    return _TAG.sub("", text)


def ground_problem(ground: object) -> str | None:
    """Return why ``ground`` is not a legal ground (missing, or no chapter and section), or None."""
    if not isinstance(ground, str) or not ground.strip():
        return "sekretessmarkeringen saknar lagrum"
    if not _GROUND.search(ground):
        return f"'{ground.strip()}' är inget lagrum med kapitel och paragraf"
    return None


def problems(loaded: Loaded) -> list[Problem]:
    """Return a problem for every sekretess mark in ``loaded`` whose tags or legal ground are wrong,
    and for every role-only person without a role."""
    found: list[Problem] = []

    def walk(value, path):
        if isinstance(value, dict):
            if MARK_FIELD in value:
                reason = ground_problem(value[MARK_FIELD])
                if reason:
                    found.append(loaded.problem(path + (MARK_FIELD,), reason, hint=GROUND_HINT))
            for key, child in value.items():
                walk(child, path + (key,))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, path + (index,))
        elif isinstance(value, str) and "[" in value:
            marked, wrong = spans(value)
            found.extend(loaded.problem(path, reason, hint=GROUND_HINT) for reason in wrong)
            for span in marked:
                reason = ground_problem(span.ground)
                if reason:
                    found.append(loaded.problem(path, f"{reason} (vid '{_short(span.text)}')", hint=GROUND_HINT))
                elif not span.text:
                    found.append(loaded.problem(path, "sekretessmarkeringen omger ingen text",
                                                hint="Skriv texten mellan [sekretess: …] och [/sekretess]."))

    walk(loaded.data, ())
    return found + _person_problems(loaded)


def _person_problems(loaded: Loaded) -> list[Problem]:
    """Return a problem for a role-only person whose role is not written."""
    found = []
    for path, person in persons(loaded.data):
        if person.get(PERSON_FIELD) == ROLE_ONLY and not role_of(person):
            found.append(loaded.problem(path + (PERSON_FIELD,), "personen ska publiceras med sin roll, men "
                                                                "rollen saknas",
                                        hint="Skriv rollen i fältet 'roll' (för handläggaren 'titel')."))
    return found


def persons(data) -> list[tuple[tuple, dict]]:
    """Return (path, mapping) for every person in agreement data who may be marked role-only."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[tuple, dict]] = []
    if isinstance(data.get("handläggare"), dict):
        found.append((("handläggare",), data["handläggare"]))
    for index, item in enumerate(data.get("underskrifter") or []):
        if isinstance(item, dict):
            found.append((("underskrifter", index), item))
    return found


def role_of(person: dict) -> str | None:
    """Return the role a role-only person is published with: ``roll``, or a handläggare's ``titel``."""
    role = person.get("roll") or person.get("titel")
    return role.strip() if isinstance(role, str) and role.strip() else None


def named_by_role(person: dict) -> bool:
    """``True`` when a person's name is their role – a role-only person in the public version – so
    that a document prints the role once, not as both name and role."""
    role = role_of(person)
    name = person.get("namn")
    return role is not None and isinstance(name, str) and " ".join(name.split()).casefold() == role.casefold()


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
