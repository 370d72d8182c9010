"""The redline engine: two WordprocessingML documents compared into tracked changes.

``engine`` compares block containers (body, cells, headers, footers, notes, text
boxes); ``tokens`` turns a paragraph into words and units (fields, links, equations);
``words`` makes the word diff readable; ``align`` pairs changed blocks in near-linear
time; ``paragraphs`` writes a compared paragraph back with ``w:ins``/``w:del``;
``resolve`` accepts or rejects every change; ``docx`` compares whole packages.
"""

from pipeline.ooxml.names import W_NS, W  # noqa: F401
from pipeline.ooxml.redline.engine import (  # noqa: F401
                                           Revisions,
                                           Sides,
                                           body,
                                           count_revisions,
                                           deleted_document,
                                           diff_body,
                                           diff_container,
                                           diff_part,
                                           mark_block,
)
from pipeline.ooxml.redline.resolve import resolve  # noqa: F401
from pipeline.ooxml.text import paragraph_texts  # noqa: F401

__all__ = ["W", "W_NS", "Revisions", "Sides", "body", "count_revisions", "deleted_document", "diff_body",
           "diff_container", "diff_part", "mark_block", "resolve", "paragraph_texts"]
