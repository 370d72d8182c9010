"""Text out of WordprocessingML parts, as a reader sees it."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from pipeline.ooxml import safexml
from pipeline.ooxml.names import DC, W


def paragraph_texts(container) -> list[str]:
    """Return the text of every paragraph of ``container`` (an element, or XML text) in order,
    table cells included, with tabs as "\\t" and line breaks as "\\n"."""
    if isinstance(container, (str, bytes)):
        raw = container.encode("utf-8") if isinstance(container, str) else container
        container = safexml.parse(raw)
    texts = []
    for paragraph in container.iter(W + "p"):
        parts = []
        for element in paragraph.iter(W + "t", W + "tab", W + "br"):
            parts.append(element.text or "" if element.tag == W + "t" else
                         "\t" if element.tag == W + "tab" else "\n")
        texts.append("".join(parts))
    return texts


def document_title(data: bytes) -> str | None:
    """Return the title in a .docx's core properties, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = safexml.parse(archive.read("docProps/core.xml"))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    return root.findtext(DC + "title")
