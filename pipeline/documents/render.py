"""Render a validated version to Word documents: the agreement, one bilaga per plan and the åtgärdsplan."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pipeline import ooxml, resources
from pipeline.data.validate import validate_version
from pipeline.data.version import ARCHIVE_FOLDER, Version
from pipeline.documents import context, template
from pipeline.documents.atgardsplan import render_action_plan
from pipeline.documents.model import RenderedDocument, document_properties
from pipeline.files import inputs, output
from pipeline.lagesbild import links
from pipeline.layout import DEFAULT_OUTPUT

AGREEMENT_TEMPLATE = "overenskommelse.docx"
PLAN_TEMPLATE = "plan.docx"
AGREEMENT_FILE_NAME = "samverkansoverenskommelse.docx"
STALE_OUTPUTS = ("bilaga-*.docx", "bilaga-*.pdf", "samverkansoverenskommelse.pdf", "atgardsplan.docx",
                 "atgardsplan.pdf")


def default_output(version: Version) -> Path:
    """Return where a version's documents go by default: ut/<län>/<kommun>/<version>."""
    return version.ref.output_dir()


def plan_file_name(number: int, slug: str) -> str:
    """Return a bilaga's file name: "bilaga-1-ungdomar-skolor.docx"."""
    return f"bilaga-{number}-{slug}.docx"


def render_version(version: Version, templates_dir: Path | None = None) -> list[RenderedDocument]:
    """Return the documents of a valid version, rendered in memory: the agreement, its bilagor and,
    when it has plans, the åtgärdsplan."""
    folder = Path(templates_dir or resources.templates_dir())
    statistics = links.for_version(version)  # the lägesbild's series the plans cite, checked
    agreement_template = template.load(folder / AGREEMENT_TEMPLATE, context.agreement_names())
    agreement = context.agreement_context(version)
    documents = [_document(agreement_template, agreement, AGREEMENT_FILE_NAME,
                           document_properties(agreement, agreement["titel"]))]
    if version.plans:
        plan_template = template.load(folder / PLAN_TEMPLATE, context.plan_names())
        for plan in version.plans:
            plan_context = context.plan_context(plan, agreement, statistics)
            title = f"Bilaga {plan.number} – {plan.data['titel']}"
            documents.append(_document(plan_template, plan_context,
                                       plan_file_name(plan.number, plan.slug),
                                       document_properties(agreement, title)))
        documents.append(render_action_plan(version, agreement, folder, statistics))
    return documents


def version_documents(version: Version, templates_dir: Path | None = None) -> list[RenderedDocument]:
    """Return a version's documents as everything shows and compares them: a decided version's
    are those it was decided with (its ``beslutat/``), never today's templates' text. A decided
    version that was never sealed has none kept; its fresh rendering says on every page that it
    is not the decided text. A draft's are rendered now."""
    if version.data.get("status") != "beslutad":
        return render_version(version, templates_dir)
    decided = decided_documents(version)
    if decided:
        return decided
    return [not_decided(d) for d in render_version(version, templates_dir)]


NOT_DECIDED = ("INTE DEN BESLUTADE TEXTEN – nyframställd ur data med dagens mallar; den beslutade "
               "överenskommelsen finns i diariet")


def not_decided(document: RenderedDocument) -> RenderedDocument:
    """Return ``document`` with :data:`NOT_DECIDED` at the top of every header (so on every page)."""
    parts = document.parts
    changed = dict(document.changed or {})
    for name in parts:
        if name.startswith("word/header") and name.endswith(".xml"):
            changed[name] = ooxml.prepend_paragraph(parts[name], NOT_DECIDED)
    return RenderedDocument(document.name, document.title, None, document.package, changed) \
        if document.package is not None else RenderedDocument(document.name, document.title, None, None, changed)


def decided_documents(version: Version) -> list[RenderedDocument]:
    """Return the documents kept when the version was decided (empty if there are none); raise
    DataError for one that is not a readable Word file."""
    folder = version.folder / ARCHIVE_FOLDER
    if not folder.is_dir():
        return []
    documents = []
    for path in sorted((p for p in folder.iterdir() if p.suffix.lower() == ".docx"), key=_document_order):
        data = inputs.read_bytes(path, version.data_root, inputs.MAX_TEMPLATE_BYTES, what="det arkiverade dokumentet")
        parts = ooxml.unpack(data, path)  # a damaged archive copy is reported here, not deep in the redline
        documents.append(RenderedDocument(path.name, ooxml.document_title(data) or path.stem, data, changed=parts))
    return documents


def _document_order(path: Path) -> tuple:
    """The order :func:`render_version` makes a version's documents in: the agreement, the bilagor by
    number, the rest (the åtgärdsplan)."""
    number = re.match(r"bilaga-(\d+)-", path.name)
    return (path.name != AGREEMENT_FILE_NAME, number is None, int(number.group(1)) if number else 0, path.name)


def render(version_dir: Path, out_dir: Path | None = None,
           documents_of: Callable[[Version], list[RenderedDocument]] = version_documents,
           stale: tuple[str, ...] = STALE_OUTPUTS) -> list[Path]:
    """Validate the version in ``version_dir``, write its documents (a decided version's as it was
    decided; ``documents_of`` makes them, e.g. with the lägesbild beside, and ``stale`` names our
    earlier outputs that go when not written now) and return their paths."""
    version = validate_version(version_dir)
    documents = documents_of(version)
    target = Path(out_dir) if out_dir else default_output(version)
    output.check_output_place(version.data_root, target)
    # Our bilagor of plans that are gone, and PDFs older than the documents now, go in the same step.
    return output.write_all(target, {d.name: d.data for d in documents}, stale=stale,
                            within=None if out_dir else DEFAULT_OUTPUT)


def _document(compiled: template.CompiledTemplate, ctx: dict, name: str,
              props: ooxml.Properties) -> RenderedDocument:
    return RenderedDocument.of_parts(name, props.title, compiled.package, compiled.render(ctx), props)
