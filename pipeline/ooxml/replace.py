"""Find and replace text in every XML part of a .docx, also where Word split it across runs.

Used to mask a public document: the body, tables, headers, footers, notes,
comments, text boxes, document properties and attribute values (alt texts,
field codes). A paragraph is read three ways – all its text, as accepted (no
deleted text) and as rejected (no inserted text) – so a passage that a redline
split into kept and deleted pieces is found too.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from pipeline.ooxml import safexml
from pipeline.ooxml.names import XML_SPACE, ZIP_LEVEL, W

_TEXT_TAGS = (W + "t", W + "delText", W + "instrText", W + "delInstrText")
Rule = tuple[re.Pattern, str]


def replace_in_docx(data: bytes, rules: list[Rule]) -> tuple[bytes, int]:
    """Return the .docx ``data`` with every match of each pattern replaced, and how many were replaced.

    Entries keep their order, names and timestamps; only parts that changed are rewritten.
    """
    count = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as target:
        for info in source.infolist():
            raw = source.read(info)
            if info.filename.endswith((".xml", ".rels")) and rules:
                raw, found = _replace_in_part(raw, rules)
                count += found
            target.writestr(info, raw)
    return buffer.getvalue(), count


def find_in_docx(data: bytes, patterns: list[re.Pattern]) -> list[tuple[str, str]]:
    """Return (part, matched text) for every match of the patterns left anywhere in the .docx."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for info in source.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            root = safexml.parse(source.read(info))
            for text in _texts(root):
                found += [(info.filename, match.group(0)) for pattern in patterns for match in pattern.finditer(text)]
    return found


def _replace_in_part(raw: bytes, rules: list[Rule]) -> tuple[bytes, int]:
    """Return a part with the rules applied (the same bytes when nothing matched) and the count."""
    root = safexml.parse(raw)
    count = 0
    for pattern, replacement in rules:
        for paragraph in root.iter(W + "p"):
            for nodes in _views(paragraph):
                count += _replace_in_nodes(nodes, pattern, replacement)
        count += _replace_in_values(root, pattern, replacement)
    if not count:
        return raw, 0
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), count


def _views(paragraph) -> list[list]:
    """Return a paragraph's text nodes three ways: all, without inserted text, without deleted text."""
    nodes = [n for n in paragraph.iter(*_TEXT_TAGS)]
    inserted = [n for n in nodes if _inside(n, W + "ins", paragraph)]
    deleted = [n for n in nodes if n.tag in (W + "delText", W + "delInstrText")]
    return [nodes, [n for n in nodes if n not in inserted], [n for n in nodes if n not in deleted]]


def _inside(node, tag: str, stop) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _replace_in_nodes(nodes: list, pattern: re.Pattern, replacement: str) -> int:
    """Replace every match in the text the nodes make together; the first node of a match takes
    the replacement, the others lose the matched characters. Return the number of matches."""
    texts = [n.text or "" for n in nodes]
    joined = "".join(texts)
    matches = list(pattern.finditer(joined))
    if not matches:
        return 0
    starts, position = [], 0
    for text in texts:
        starts.append(position)
        position += len(text)
    for match in reversed(matches):
        first = True
        for index in range(len(nodes)):
            lo, hi = starts[index], starts[index] + len(texts[index])
            if hi <= match.start() or lo >= match.end() or (lo == hi):
                continue
            a, b = max(match.start(), lo) - lo, min(match.end(), hi) - lo
            texts[index] = texts[index][:a] + (replacement if first else "") + texts[index][b:]
            first = False
    for node, text in zip(nodes, texts, strict=False):
        if (node.text or "") != text:
            node.text = text
            node.set(XML_SPACE, "preserve")
    return len(matches)


def _replace_in_values(root, pattern: re.Pattern, replacement: str) -> int:
    """Replace matches inside single text nodes and attribute values anywhere in the part."""
    count = 0
    for element in root.iter():
        for name in ("text", "tail"):
            value = getattr(element, name)
            if value and pattern.search(value):
                new, found = pattern.subn(replacement, value)
                setattr(element, name, new)
                count += found
        for key, value in element.attrib.items():
            if pattern.search(value):
                new, found = pattern.subn(replacement, value)
                element.set(key, new)
                count += found
    return count


def _texts(root) -> list[str]:
    """Return every text a reader or a program could find in a part: each paragraph read three
    ways, and every single text and attribute value."""
    texts = []
    for paragraph in root.iter(W + "p"):
        texts += ["".join(n.text or "" for n in nodes) for nodes in _views(paragraph)]
    for element in root.iter():
        texts += [t for t in (element.text, element.tail) if t]
        texts += list(element.attrib.values())
    return texts
