"""The public version: marked passages and sections masked, role-only persons by their role.

Masking works on two levels. The data of a version is masked before anything is
rendered or compared (:func:`public_version`), so the documents, the memo's
change table and the redlines never see a secret. Documents kept as decided
(``beslutat/``) are masked as Word files (:func:`mask_document`), and every public
document is checked for what is left (:func:`check_document`) – in every XML part,
across runs, in any case – before it is written.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.data import marks
from pipeline.data.version import Plan, Version
from pipeline.documents import marking
from pipeline.errors import PipelineError, Problem
from pipeline.ooxml import replace

NOTICE = "[Uppgift borttagen med stöd av {ground}]"
PERSONAL_NOTICE = "[Personuppgift borttagen]"
MIN_LENGTH = 3  # shorter texts are not searched for (they would mask words everywhere)


class MaskingError(PipelineError):
    """Raised when a public document still holds a masked text after masking."""


@dataclass(frozen=True)
class Mask:
    """A text that must not be published, and what stands in its place."""

    text: str
    replacement: str
    ground: str | None = None  # the legal ground of a marked passage or section


def grounds_of(version: Version) -> list[str]:
    """Return the legal grounds of the version's marked passages and sections, in order."""
    return list(dict.fromkeys(" ".join(m.ground.split()) for m in masks_of(version) if m.ground))


def notice(ground: str) -> str:
    """Return what replaces a passage under sekretess: "[Uppgift borttagen med stöd av OSL 18 kap. 1 §]"."""
    return NOTICE.format(ground=" ".join(ground.split()))


def masks_of(version: Version) -> list[Mask]:
    """Return every text of ``version`` that its public version leaves out, longest first."""
    found: list[Mask] = []
    for data in [version.data] + [plan.data for plan in version.plans]:
        _collect(data, found)
    for _path, person in marks.persons(version.data):
        if person.get(marks.PERSON_FIELD) == marks.ROLE_ONLY and marks.role_of(person):
            found += _person_masks(person)
    return unique(found)


def unique(masks: list[Mask]) -> list[Mask]:
    """Return ``masks`` without repeats or too-short texts, the longest first (so a passage that
    holds a name is replaced whole)."""
    seen, result = set(), []
    for mask in masks:
        key = _key(mask.text)
        if len(key) >= MIN_LENGTH and key not in seen:
            seen.add(key)
            result.append(mask)
    return sorted(result, key=lambda m: -len(m.text))


def _collect(value, found: list[Mask], ground: str | None = None) -> None:
    """Add the masks in ``value``: texts of marked sections, and marked passages in texts."""
    if isinstance(value, dict):
        own = value.get(marks.MARK_FIELD)
        inner = own if isinstance(own, str) and own.strip() else ground
        for key, child in value.items():
            if key != marks.MARK_FIELD:
                _collect(child, found, inner)
    elif isinstance(value, list):
        for child in value:
            _collect(child, found, ground)
    elif isinstance(value, str):
        if ground:
            found += [Mask(piece, notice(ground), ground) for piece in _pieces(marks.strip(value))]
        else:
            for span in marks.spans(value)[0]:
                found += [Mask(piece, notice(span.ground), span.ground) for piece in _pieces(span.text)]


def _person_masks(person: dict) -> list[Mask]:
    """Return the masks of a role-only person: the name (also without a note in brackets, as
    "(exempel)") by the role, telephone and e-mail left out."""
    role = marks.role_of(person)
    name = str(person.get("namn") or "").strip()
    found = [Mask(name, role)]
    bare = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()
    if bare != name:
        found.append(Mask(bare, role))
    found += [Mask(str(person[key]), PERSONAL_NOTICE) for key in ("telefon", "epost") if person.get(key)]
    return found


def _pieces(text: str) -> list[str]:
    """Return a text as the pieces a document can hold whole: its paragraphs."""
    return [p.strip() for p in re.split(r"\n[ \t]*\n|\a", text) if p.strip()]


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def pattern(text: str) -> re.Pattern:
    """Return a pattern finding ``text`` in any case, whatever whitespace or line break stands
    between its words."""
    words = text.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def rules(masks: list[Mask]) -> list[tuple[re.Pattern, str]]:
    """Return the find-and-replace rules for ``masks``."""
    return [(pattern(m.text), m.replacement) for m in masks]


def mask_text(text: str, masks: list[Mask]) -> str:
    """Return ``text`` as published: marked passages by their notice, every masked text replaced."""
    for span in reversed(marks.spans(text)[0]):
        text = text[:span.start] + notice(span.ground) + text[span.end:]
    for find, replacement in rules(masks):
        text = find.sub(replacement, text)
    return marks.strip(text)


def _masked(value, masks: list[Mask], ground: str | None = None):
    """Return a copy of ``value`` as published: texts of a marked section by one notice each (a
    list of them by a single notice), every other text by :func:`mask_text`."""
    if isinstance(value, dict):
        own = value.get(marks.MARK_FIELD)
        inner = own if isinstance(own, str) and own.strip() else ground
        return {k: (v if k == marks.MARK_FIELD else _masked(v, masks, inner)) for k, v in value.items()}
    if isinstance(value, list):
        if ground and value and all(isinstance(item, str) for item in value):
            return [notice(ground)]
        return [_masked(item, masks, ground) for item in value]
    if isinstance(value, str):
        return notice(ground) if ground else mask_text(value, masks)
    return copy.deepcopy(value)


def _masked_persons(data: dict) -> dict:
    """Return agreement data whose role-only persons show their role (and no telephone or e-mail)."""
    for _path, person in marks.persons(data):
        if person.get(marks.PERSON_FIELD) == marks.ROLE_ONLY and marks.role_of(person):
            person["namn"] = marks.role_of(person)
            for key in ("telefon", "epost"):
                person.pop(key, None)
    return data


def public_version(version: Version, extra: Sequence[Mask] = ()) -> Version:
    """Return ``version`` as published: every text masked with its own masks and ``extra`` (the
    other version's, when two are compared), and no sekretess marks left (what they marked is gone,
    so the public documents mark nothing)."""
    masks = unique(masks_of(version) + list(extra))
    agreement = dataclasses.replace(version.agreement,
                                    data=_unmarked(_masked_persons(_masked(version.data, masks))))
    plans = [Plan(dataclasses.replace(p.loaded, data=_unmarked(_masked(p.data, masks))), p.number, p.slug)
             for p in version.plans]
    return Version(folder=version.folder, agreement=agreement, plans=plans, county=version.county)


def _unmarked(value):
    """Return data without its sections' ``sekretess`` fields."""
    if isinstance(value, dict):
        return {k: _unmarked(v) for k, v in value.items() if k != marks.MARK_FIELD}
    if isinstance(value, list):
        return [_unmarked(item) for item in value]
    return value


def mask_document(data: bytes, masks: list[Mask]) -> bytes:
    """Return a .docx with every masked text replaced wherever it stands (runs, headers, footers,
    comments, properties, attribute values), the sekretess tags removed, and an internal document's
    markings for the registrator taken away (the header line, the labels, the shading)."""
    masked, _ = replace.replace_in_docx(marking.unmarked(data), rules(masks) + [(_TAGS, "")])
    return masked


_TAGS = re.compile(rf"{marks._OPEN.pattern}|{marks._CLOSE.pattern}", re.IGNORECASE)


def check_document(name: str, data: bytes, masks: list[Mask]) -> bytes:
    """Return a public .docx after masking once more whatever is left; raise MaskingError if a
    masked text still stands anywhere in it."""
    data = mask_document(data, masks)
    left = replace.find_in_docx(data, [pattern(m.text) for m in masks] + marking.LEFTOVERS)
    if left:
        part, text = left[0]
        raise MaskingError(Problem(None, f"den offentliga versionen av {name} innehåller fortfarande en "
                                         f"maskerad uppgift ({part}); inget skrevs",
                                   hint="Rapportera felet till dem som underhåller samverkan."))
    return data


def check_values(name: str, values, masks: list[Mask]) -> None:
    """Raise MaskingError when a text in ``values`` (nested lists and mappings) still holds a masked
    text or a sekretess tag: the same residual search as :func:`check_document`, for data that
    leaves as text (the county export)."""
    patterns = [pattern(m.text) for m in masks] + [_TAGS]
    for text in _texts(values):
        if any(p.search(text) for p in patterns):
            raise MaskingError(Problem(None, f"{name} innehåller fortfarande en maskerad uppgift; inget skrevs",
                                       hint="Rapportera felet till dem som underhåller samverkan."))


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
