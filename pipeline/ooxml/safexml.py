"""Parse XML that nobody vouches for – every part of a Word file, a template, a workbook.

One parser for all of them: no entities expanded, nothing fetched from the network,
libxml2's own limits kept on (no ``huge_tree``: at most 256 levels of nesting and
10 MB in one text node), and a bound on a part's size, so that a small hostile file
can neither exhaust the memory nor make the code that walks the tree recurse too deep.
Errors are ``etree.XMLSyntaxError`` with a Swedish message for the limits, so callers
report them like any other broken part.
"""

from __future__ import annotations

from lxml import etree

MAX_DEPTH = 256  # libxml2's limit without XML_PARSE_HUGE; real documents nest a few dozen levels
MAX_PART_BYTES = 128 * 1024 * 1024  # a 1 000-page document's text is a few tens of MB

PARSER = etree.XMLParser(resolve_entities=False, huge_tree=False, no_network=True)


class LimitError(etree.XMLSyntaxError):
    """An XML part beyond the limits (too large or nested too deep)."""


def parse(data: bytes) -> etree._Element:
    """Return the root of the XML in ``data``; raise ``etree.XMLSyntaxError`` when it does not
    parse or goes beyond the limits."""
    if len(data) > MAX_PART_BYTES:
        raise LimitError(f"delen är större än {MAX_PART_BYTES // (1024 * 1024)} MB", 0, 0, 0)
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise LimitError(f"XML nästlad djupare än {MAX_DEPTH} nivåer", 0, 0, 0) from None
        raise
    if root.getroottree().docinfo.doctype:
        # Office Open XML forbids DTDs (ECMA-376 part 2); one declaring entities would lose text here.
        raise etree.XMLSyntaxError("delen har en dokumenttypdeklaration (DTD), som Word-filer aldrig har", 0, 0, 0)
    return root
