"""Formatting as Word shows it, to tell a real formatting change from another way of writing it.

Two runs look the same when their *effective* properties are the same, whatever the XML
says: ``<w:b/>``, ``<w:b w:val="true"/>`` and ``<w:b w:val="on"/>`` are all bold, a
switched-off toggle (``<w:i w:val="0"/>``) is no italics, ``<w:color w:val="auto"/>``,
``<w:u w:val="none"/>`` and a baseline ``w:vertAlign`` are the defaults, the order of the
properties and of their attributes, revision-session ids (``w:rsid…``), font hints,
language and proofing marks say nothing about the look, and a character style stands for the
properties it (and the styles it is based on) sets. A formatting change is written only when
these differ, so Word never shows a "Formaterat" balloon for nothing.
"""

from __future__ import annotations

from lxml import etree

from pipeline.ooxml.names import W

_TOGGLES = {W + t for t in (
    "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss", "imprint",
    "vanish", "specVanish", "rtl", "cs", "oMath", "keepNext", "keepLines", "pageBreakBefore", "widowControl",
    "suppressLineNumbers", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "contextualSpacing", "mirrorIndents",
    "suppressOverlap")}
_DEFAULT_VALUES = {W + "color": "auto", W + "u": "none", W + "vertAlign": "baseline", W + "highlight": "none",
                   W + "effect": "none", W + "em": "none"}
_UNSEEN_RUN = {W + t for t in ("lang", "noProof", "rPrChange", "webHidden", "ins", "del", "moveFrom", "moveTo")}
_UNSEEN_ATTRIBUTES = {W + "hint"}
_TRUE = {None, "1", "true", "on"}


class StyleBook:
    """The character styles of one document, as the run properties each stands for."""

    def __init__(self, styles_root=None):
        self._styles = {}
        if styles_root is not None:
            for style in styles_root.iter(W + "style"):
                if style.get(W + "type") == "character" and style.get(W + "styleId"):
                    self._styles[style.get(W + "styleId")] = style
        self._resolved: dict[str, dict] = {}

    def run_style(self, style_id: str, depth: int = 0) -> dict:
        """Return {tag: value} that a character style sets, the styles it is based on included."""
        if style_id in self._resolved:
            return self._resolved[style_id]
        style = self._styles.get(style_id)
        result: dict = {}
        if style is not None and depth < 16:
            based = style.find(W + "basedOn")
            if based is not None and based.get(W + "val") != style_id:
                result.update(self.run_style(based.get(W + "val"), depth + 1))
            result.update(_values(style.find(W + "rPr"), _UNSEEN_RUN))
        self._resolved[style_id] = result
        return result


def run_key(rpr, styles: StyleBook | None = None) -> bytes:
    """Return a run's effective properties as bytes: equal exactly when the runs look the same."""
    if rpr is None:
        return b""
    values: dict = {}
    style = rpr.find(W + "rStyle")
    if style is not None:
        values.update(styles.run_style(style.get(W + "val", "")) if styles is not None
                      else {W + "rStyle": (("val", style.get(W + "val", "")),)})
    values.update(_values(rpr, _UNSEEN_RUN | {W + "rStyle"}))
    return _key(values)


def paragraph_key(ppr, unseen: set) -> bytes:
    """Return a paragraph's properties (without ``unseen`` children) as bytes, written any way."""
    if ppr is None:
        return b""
    return _key(_values(ppr, unseen))


def _values(props, unseen: set) -> dict:
    """Return {tag: normalised value} of a property element's children."""
    if props is None:
        return {}
    values: dict = {}
    for child in props:
        if not isinstance(child.tag, str) or child.tag in unseen:
            continue
        values[child.tag] = _value(child)
    return values


def _value(child):
    """Return one property's value: toggles as True/False, attributes sorted, children nested."""
    if child.tag in _TOGGLES:
        return child.get(W + "val") in _TRUE
    attributes = tuple(sorted((etree.QName(k).localname, v) for k, v in child.attrib.items()
                              if k not in _UNSEEN_ATTRIBUTES and not etree.QName(k).localname.startswith("rsid")))
    nested = tuple(sorted((c.tag, _value(c)) for c in child if isinstance(c.tag, str)))
    return (attributes, nested) if nested else attributes


def _key(values: dict) -> bytes:
    """Return normalised values as bytes, the defaults (off, auto, none, baseline) left out."""
    kept = []
    for tag, value in sorted(values.items()):
        if value is False or value == ():  # switched off, or nothing left to say (a font hint alone)
            continue
        if tag in _DEFAULT_VALUES and value == (("val", _DEFAULT_VALUES[tag]),):
            continue
        kept.append(f"{tag}={value!r}")
    return "\n".join(kept).encode("utf-8")
