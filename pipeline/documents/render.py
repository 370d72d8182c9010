"""Render a validated version to Word documents: the agreement, one bilaga per plan and the åtgärdsplan."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipeline.documents import context
from pipeline import ooxml
from pipeline.files import output
from pipeline import resources
from pipeline.documents import template
from pipeline.layout import DEFAULT_OUTPUT
from pipeline.data.validate import validate_version
from pipeline.data import inputs
from pipeline.data.version import ARCHIVE_FOLDER, Version

AGREEMENT_TEMPLATE = "overenskommelse.docx"
PLAN_TEMPLATE = "plan.docx"
AGREEMENT_FILE_NAME = "samverkansoverenskommelse.docx"
STALE_OUTPUTS = ("bilaga-*.docx", "bilaga-*.pdf", "samverkansoverenskommelse.pdf", "atgardsplan.docx",
                 "atgardsplan.pdf")


@dataclass(frozen=True)
class RenderedDocument:
    """A finished .docx in memory, with the name it is saved under.

    Made from its .docx bytes (``source``), or from a template's package and the parts that
    rendering ``changed``: then the bytes are zipped only when first asked for, which a
    comparison – reading the parts – never does. A document read from a file can bring the
    parts already unpacked as ``changed`` with no package.
    """

    name: str
    title: str
    source: bytes | None = None
    package: ooxml.Package | None = field(default=None, repr=False)
    changed: dict[str, bytes] | None = field(default=None, repr=False)

    @classmethod
    def of_parts(cls, name: str, title: str, package: ooxml.Package, parts: dict[str, bytes],
                 props: ooxml.Properties) -> RenderedDocument:
        """Return the document of ``package`` with ``parts`` replaced and properties from ``props``."""
        return cls(name, title, None, package, _with_properties(parts, props))

    @cached_property
    def data(self) -> bytes:
        """The .docx file's bytes."""
        if self.source is not None:
            return self.source
        buffer = io.BytesIO()
        ooxml.write_docx(buffer, self.package, self.changed)
        return buffer.getvalue()

    @cached_property
    def parts(self) -> dict[str, bytes]:
        """Every part of the package by name."""
        if self.package is not None:
            return {**self.package.parts, **self.changed}
        if self.changed is not None:
            return self.changed
        with zipfile.ZipFile(io.BytesIO(self.source)) as archive:
            return {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}


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
    agreement_template = template.load(folder / AGREEMENT_TEMPLATE, context.agreement_names())
    agreement = context.agreement_context(version)
    documents = [_document(agreement_template, agreement, AGREEMENT_FILE_NAME,
                           document_properties(agreement, agreement["titel"]))]
    if version.plans:
        plan_template = template.load(folder / PLAN_TEMPLATE, context.plan_names())
        for plan in version.plans:
            plan_context = context.plan_context(plan, agreement)
            title = f"Bilaga {plan.number} – {plan.data['titel']}"
            documents.append(_document(plan_template, plan_context,
                                       plan_file_name(plan.number, plan.slug),
                                       document_properties(agreement, title)))
        from pipeline.documents.atgardsplan import render_action_plan

        documents.append(render_action_plan(version, agreement, folder))
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


def render(version_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Validate the version in ``version_dir``, write its documents (a decided version's as it was
    decided) and return their paths."""
    version = validate_version(version_dir)
    documents = version_documents(version)
    target = Path(out_dir) if out_dir else default_output(version)
    output.check_output_place(version.data_root, target)
    # Our bilagor of plans that are gone, and PDFs older than the documents now, go in the same step.
    return output.write_all(target, {d.name: d.data for d in documents}, stale=STALE_OUTPUTS,
                            within=None if out_dir else DEFAULT_OUTPUT)


def document_properties(agreement: dict, title: str) -> ooxml.Properties:
    """Return the document properties of a document about ``agreement`` (an agreement context)."""
    parties = f"{agreement['kommun']} och {agreement['polisen']['namn']}"
    return ooxml.Properties(
        title=title,
        subject=f"Samverkan mellan {parties} om brottsförebyggande och trygghetsskapande arbete, "
                f"version {agreement['version']}",
        organisation=agreement["kommun"],
        date=agreement["datum"],
        keywords="samverkansöverenskommelse, brottsförebyggande, trygghet",
        description=f"Dnr {agreement['diarienummer']}",
    )


def write_document(package: ooxml.Package, parts: dict[str, bytes], props: ooxml.Properties) -> bytes:
    """Return the .docx bytes of ``package`` with ``parts`` replaced and properties from ``props``."""
    buffer = io.BytesIO()
    ooxml.write_docx(buffer, package, _with_properties(parts, props))
    return buffer.getvalue()


def _with_properties(parts: dict[str, bytes], props: ooxml.Properties) -> dict[str, bytes]:
    parts = dict(parts)
    parts[ooxml.CORE_PART] = ooxml.core_xml(props)
    parts[ooxml.APP_PART] = ooxml.app_xml(props)
    return parts


def _document(compiled: template.CompiledTemplate, ctx: dict, name: str,
              props: ooxml.Properties) -> RenderedDocument:
    return RenderedDocument.of_parts(name, props.title, compiled.package, compiled.render(ctx), props)
