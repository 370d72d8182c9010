"""A document made in memory – its name, title and parts – and the properties every document of
an agreement carries. The renderers (the agreement, the åtgärdsplan, the memo, the follow-up
report, the overview) all make these."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipeline import ooxml


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
        return cls(name, title, None, package, with_properties(parts, props))

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
        return ooxml.unpack(self.source, Path(self.name))


@dataclass(frozen=True)
class DeferredDocument(RenderedDocument):
    """A document whose name and title are known now and whose content ``make`` makes when it is
    first read: a comparison that only names it (the memo's Beslutsunderlag) never pays for it."""

    make: Callable[[], RenderedDocument] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def made(self) -> RenderedDocument:
        """The document, made once."""
        assert self.make is not None, "a deferred document needs something that makes it"
        return self.make()

    @cached_property
    def data(self) -> bytes:
        """The .docx file's bytes."""
        return self.made.data

    @cached_property
    def parts(self) -> dict[str, bytes]:
        """Every part of the package by name."""
        return self.made.parts


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
    ooxml.write_docx(buffer, package, with_properties(parts, props))
    return buffer.getvalue()


def with_properties(parts: dict[str, bytes], props: ooxml.Properties) -> dict[str, bytes]:
    """Return ``parts`` with the core and app properties made from ``props``."""
    parts = dict(parts)
    parts[ooxml.CORE_PART] = ooxml.core_xml(props)
    parts[ooxml.APP_PART] = ooxml.app_xml(props)
    return parts
