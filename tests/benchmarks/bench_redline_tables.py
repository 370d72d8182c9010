"""Benchmark of issue 23: the redline of a document of big tables with merged cells, vs Docxodus.

    pip install -e '.[bench]'        # python-redlines[docxodus], only for the Docxodus side
    python tests/benchmarks/bench_redline_tables.py [--scale 0.1 0.25 0.5 1] [--only ours|docxodus]
        [--tables N] [--plain] [--rounds N] [--timeout S] [--save DIR] [--checkout DIR]

The pair is generated here (seeded, with lxml and zipfile only; a minimal package with
styles and settings). At scale 1 the old document has about 16 000 paragraphs, nearly
all in six tables of 500 rows each (``--tables``: as many tables, as many rows in all),
with about 7 300 merged cells: the first column merged vertically over groups of rows
(w:vMerge restart/continue), the last column merged vertically over pairs of rows, and
cells spanning grid columns (w:gridSpan); cells hold one to three paragraphs, and
headings and paragraphs stand between the tables. Every paragraph, run, row and cell
carries what Word writes (w14:paraId/textId, rsids, run and cell properties), so the
XML is about as large as a real file's (9.5 MB at scale 1); ``--plain`` leaves that out.
The new document changes words in a few hundred cells (those paragraphs get new ids and
rsids, as in Word), inserts and deletes rows, changes, inserts and deletes a few
paragraphs between the tables, and changes the merges of a couple of rows (a split
horizontal merge, a vertical group split in two, a vertical merge undone). ``--scale``
multiplies the rows and the paragraphs between the tables (0.1, 0.25, 0.5, 1, 2 …), so
the growth of the time with the size of a table shows.

Each tool runs in its own child process, so that its peak memory is its own: ours
is a Python process calling ``pipeline.compare.jamfor.compare_files`` (start-up,
imports, reading, comparing, writing); Docxodus is a Python process calling
python-redlines' ``DocxodusEngine.run_redline``, which runs the .NET comparer as a
child of its own. Time is the wall clock of the whole child process (the time
inside the call is printed too). Peak memory is the kernel's high-water mark of the
largest process in the child's tree (``wait4``'s ``ru_maxrss``), and, sampled every
0.1 s, the largest sum of the resident memory of every process in the tree. Both
outputs are checked with the test suite's own resolver (tests/test_redline_oracle.py):
accept-all must give the new document's body text, reject-all the old one's. The
revision marks counted are every w:ins, w:del, property change and cell mark.

Issue 23's target at scale 1: ours in at most half of Docxodus' time (ratio ≤ 0.5),
with a lower peak memory (ratio < 1). The script prints; it asserts no time limit.
``--checkout`` runs ours from another source tree (``git archive <commit> | tar -x -C DIR``),
to see a change's effect on the same pair.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from lxml import etree  # noqa: E402

from test_redline_oracle import content  # noqa: E402

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = f"{{{W_NS}}}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
REVISION_TAGS = tuple(W + t for t in ("ins", "del", "rPrChange", "pPrChange", "moveFrom", "moveTo",
                                      "cellIns", "cellDel", "cellMerge", "tcPrChange", "trPrChange",
                                      "tblPrChange"))

# --- the generated pair -------------------------------------------------------------------

WORDS = [
    "kommun", "polis", "trygghet", "samverkan", "lägesbild", "brottsförebyggande", "åtgärd", "uppföljning",
    "centrum", "skola", "fritidsgård", "ungdomar", "föräldrar", "vandring", "belysning", "skadegörelse",
    "anmälan", "statistik", "möte", "rådet", "insats", "ansvar", "resurser", "mål", "analys", "orsak",
    "plats", "tid", "vecka", "månad", "år", "sommar", "vinter", "narkotika", "klotter", "trafik",
    "kameror", "parkering", "nattvandrare", "socialtjänst", "fältassistenter", "bostadsbolag",
    "kollektivtrafik", "idrottsförening", "kyrka", "räddningstjänst", "näringsliv", "bibliotek",
]
RESPONSIBLE = ["Kommunen", "Polisen", "Socialtjänsten", "Skolan", "Fritidsförvaltningen", "Bostadsbolaget",
               "Kommunen och polisen", "Räddningstjänsten"]
STATUS = ["Pågår", "Klar", "Ej påbörjad", "Försenad", "Löpande"]
HEADINGS = ["Område", "Åtgärd", "Ansvarig", "Tidplan", "Status", "Kommentar"]
GRID = [1400, 3200, 1600, 1200, 1100, 2100]  # twentieths of a point, six grid columns
# Cell spans of a row after the first (vertically merged) column; they fill the five other grid columns.
LAYOUTS = [(1, 1, 1, 1, 1), (1, 2, 1, 1), (1, 1, 1, 2), (1, 1, 3), (3, 1, 1)]
LAYOUT_WEIGHTS = [1, 5, 2, 1, 1]
TABLES = 6
ROWS = 3000  # table rows in all, at scale 1
BODY = 144  # body paragraphs between the tables, at scale 1


def sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def new_row(rng: random.Random) -> dict:
    """Return a row: the spans of its cells after the first column, their paragraphs, and whether
    its last cell continues the last cell of the row above (a vertical merge over a pair)."""
    layout = rng.choices(LAYOUTS, LAYOUT_WEIGHTS)[0]
    cells = []
    for index, span in enumerate(layout):
        column = sum(layout[:index]) + 1
        count = rng.choices([1, 2, 3], [85, 12, 3])[0]
        if column == 2 and span == 1:
            texts = [rng.choice(RESPONSIBLE)]
        elif column == 3 and span == 1:
            texts = [f"{rng.choice(['Vecka', 'Kvartal'])} {rng.randint(1, 12)} {rng.choice([2024, 2025])}"]
        elif column == 4 and span == 1:
            texts = [rng.choice(STATUS)]
        else:
            texts = [sentence(rng, 5, 14) for _ in range(count)]
        cells.append(texts)
    return {"layout": layout, "cells": cells, "tail_continue": rng.random() < 0.8, "uid": rng.getrandbits(31)}


def generated_model(scale: float, seed: int, tables: int = TABLES) -> list:
    """Return the old document as a model: ("h"/"p", text) body paragraphs and ("t", groups) tables,
    a group being {"area": text, "rows": [row]} (its rows share the vertically merged first column)."""
    rng = random.Random(seed)
    blocks: list = []
    rows_per_table = max(4, round(ROWS * scale / tables))
    for number in range(tables):
        blocks.append(("h", f"{number + 1}. {sentence(rng, 2, 4)}"))
        for _ in range(max(2, round(BODY * scale / tables))):
            blocks.append(("p", " ".join(sentence(rng, 8, 18) for _ in range(rng.randint(1, 3)))))
        groups, rows = [], 0
        while rows < rows_per_table:
            size = min(rng.randint(1, 6), rows_per_table - rows)
            groups.append({"area": sentence(rng, 1, 3), "rows": [new_row(rng) for _ in range(size)]})
            rows += size
        blocks.append(("t", groups))
    blocks.append(("p", "Överenskommelsen följs upp varje år."))
    return blocks


def _pick(rng: random.Random, candidates: list, count: int) -> list:
    return rng.sample(candidates, min(count, len(candidates)))


def edited_model(blocks: list, scale: float, seed: int) -> list:
    """Return a copy of the model with realistic edits (see the module's docstring)."""
    rng = random.Random(seed + 1)
    blocks = copy.deepcopy(blocks)
    tables = [groups for kind, groups in blocks if kind == "t"]
    places = [(t, g, r) for t, groups in enumerate(tables) for g, group in enumerate(groups)
              for r in range(len(group["rows"]))]
    # Words changed in a few hundred cells (and some group names).
    for t, g, r in _pick(rng, places, max(3, round(330 * scale))):
        row = tables[t][g]["rows"][r]
        cell = rng.randrange(len(row["cells"]))
        paragraphs = row["cells"][cell]
        index = rng.randrange(len(paragraphs))
        words = paragraphs[index].rstrip(".").split()
        for _ in range(rng.randint(1, 3)):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        paragraphs[index] = " ".join(words) + "."
    for t, g, _ in _pick(rng, places, max(1, round(20 * scale))):
        tables[t][g]["area"] = sentence(rng, 1, 3)
    # Merges changed: a horizontal merge split, a vertical group split in two, a vertical pair undone.
    spanned = [(t, g, r) for t, g, r in places if tables[t][g]["rows"][r]["layout"] == (1, 2, 1, 1)]
    for t, g, r in _pick(rng, spanned, 1):
        row = tables[t][g]["rows"][r]
        row["layout"] = (1, 1, 1, 1, 1)
        row["cells"][1:2] = [["Polisen"], ["Kvartal 4 2025"]]
    paired = [(t, g, r) for t, g, r in places if r > 0 and tables[t][g]["rows"][r]["tail_continue"]
              and tables[t][g]["rows"][r]["layout"][-1] == tables[t][g]["rows"][r - 1]["layout"][-1] == 1]
    for t, g, r in _pick(rng, paired, 1):
        tables[t][g]["rows"][r]["tail_continue"] = False
        tables[t][g]["rows"][r]["cells"][-1] = ["Ny kommentar om uppföljningen."]
    big = [(t, g) for t, groups in enumerate(tables) for g, group in enumerate(groups) if len(group["rows"]) >= 4]
    for t, g in _pick(rng, big, 1):
        group = tables[t][g]
        tables[t].insert(g + 1, {"area": group["area"], "rows": group["rows"][2:]})
        group["rows"] = group["rows"][:2]
    # Rows deleted (never a group's first row, which holds the merged first column) and inserted.
    for table in tables:
        for group in table:
            kept = [group["rows"][0]]
            for row in group["rows"][1:]:
                if rng.random() >= 0.012:
                    kept.append(row)
            group["rows"] = kept
            for _ in range(sum(rng.random() < 0.012 for _ in group["rows"])):
                group["rows"].insert(rng.randint(1, len(group["rows"])), new_row(rng))
        for _ in range(max(1, round(3 * scale))):
            table.insert(rng.randint(0, len(table)), {"area": sentence(rng, 1, 3),
                                                     "rows": [new_row(rng) for _ in range(rng.randint(1, 3))]})
    # Paragraphs between the tables: changed, deleted, inserted.
    body = [i for i, (kind, _) in enumerate(blocks) if kind == "p"]
    for i in _pick(rng, body, max(3, round(12 * scale))):
        words = blocks[i][1].split()
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        blocks[i] = ("p", " ".join(words))
    doomed = set(_pick(rng, body[:-1], max(1, round(4 * scale))))
    blocks = [b for i, b in enumerate(blocks) if i not in doomed]
    for _ in range(max(1, round(4 * scale))):
        blocks.insert(rng.randint(1, len(blocks) - 1), ("p", sentence(rng, 10, 20)))
    return blocks


W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14 = f"{{{W14_NS}}}"
RSIDS = ["00A21B3C", "004F7D12", "0061C2E9", "00B83A55", "00D4E017", "001C9F60", "00E2770B", "0093AD41"]


def _hex(*key) -> str:
    """Return a stable eight-digit id (below 0x80000000, as w14:paraId must be) for ``key``."""
    return format(zlib.crc32("/".join(map(str, key)).encode()) & 0x7FFFFFFF, "08X")


class Writer:
    """Writes the model as WordprocessingML: ``wordlike`` adds what Word writes on every element
    (paragraph ids, rsids, run and cell properties), so the XML is about as large as a real file's.

    A paragraph's ids and rsids follow from a key that stays the same from the old document to
    the new (its row, cell and place) and from its text, so an unchanged paragraph keeps them and
    an edited one gets new ones, as in Word."""

    def __init__(self, wordlike: bool):
        self.wordlike = wordlike

    @staticmethod
    def element(parent, tag: str, **attributes):
        element = etree.SubElement(parent, W + tag)
        for name, value in attributes.items():
            element.set(W + name, str(value))
        return element

    def _fonts(self, parent) -> None:
        self.element(parent, "rFonts", ascii="Arial", hAnsi="Arial", cs="Arial")
        self.element(parent, "sz", val=18)
        self.element(parent, "szCs", val=18)

    def paragraph(self, parent, text: str, key, style: str | None = None, bold: bool = False) -> None:
        paragraph = self.element(parent, "p")
        rsid = RSIDS[zlib.crc32(f"{key}/{text}".encode()) % len(RSIDS)]
        if self.wordlike:
            paragraph.set(W14 + "paraId", _hex("p", key))
            paragraph.set(W14 + "textId", _hex("t", key, text))
            for name in ("rsidR", "rsidRDefault", "rsidP"):
                paragraph.set(W + name, rsid)
        if style or self.wordlike:
            props = self.element(paragraph, "pPr")
            if style:
                self.element(props, "pStyle", val=style)
            if self.wordlike:
                self.element(props, "spacing", before=40, after=40)
                self._fonts(self.element(props, "rPr"))
        if text:
            run = self.element(paragraph, "r")
            if self.wordlike:
                run.set(W + "rsidRPr", rsid)
            if bold or self.wordlike:
                props = self.element(run, "rPr")
                if self.wordlike:
                    self._fonts(props)
                if bold:
                    self.element(props, "b")
                if self.wordlike:
                    self.element(props, "lang", val="sv-SE")
            t = self.element(run, "t")
            t.set(XML_SPACE, "preserve")
            t.text = text

    def cell(self, row, span: int, width: int, paragraphs: list[str], key, merge: str | None = None,
             shaded: bool = False) -> None:
        cell = self.element(row, "tc")
        props = self.element(cell, "tcPr")
        self.element(props, "tcW", w=width, type="dxa")
        if span > 1:
            self.element(props, "gridSpan", val=span)
        if merge == "restart":
            self.element(props, "vMerge", val="restart")
        elif merge == "continue":
            self.element(props, "vMerge")
            paragraphs = [""]  # a continued cell holds one empty paragraph, as Word writes it
        if self.wordlike:
            if shaded:
                self.element(props, "shd", val="clear", color="auto", fill="F2F2F2")
            self.element(props, "vAlign", val="top")
        for number, text in enumerate(paragraphs or [""]):
            self.paragraph(cell, text, f"{key}/{number}", bold=shaded)

    def table(self, body, groups: list, number: int) -> None:
        table = self.element(body, "tbl")
        props = self.element(table, "tblPr")
        self.element(props, "tblStyle", val="TableGrid")
        self.element(props, "tblW", w=0, type="auto")
        self.element(props, "tblLook", val="04A0", firstRow=1, lastRow=0, firstColumn=1, lastColumn=0,
                     noHBand=0, noVBand=1)
        grid = self.element(table, "tblGrid")
        for width in GRID:
            self.element(grid, "gridCol", w=width)
        header = self.element(table, "tr")
        self.element(self.element(header, "trPr"), "tblHeader")
        for column, (title, width) in enumerate(zip(HEADINGS, GRID, strict=True)):
            self.cell(header, 1, width, [title], f"h{number}/{column}", shaded=True)
        rows = [(group, index, row) for group in groups for index, row in enumerate(group["rows"])]
        # The last column continues the row above only when both rows end in that one grid column.
        ends_single = [row["layout"][-1] == 1 for _, _, row in rows]
        continues = [row["tail_continue"] and k > 0 and ends_single[k] and ends_single[k - 1]
                     for k, (_, _, row) in enumerate(rows)]
        for k, (group, index, row) in enumerate(rows):
            element = self.element(table, "tr")
            if self.wordlike:
                element.set(W + "rsidR", RSIDS[row["uid"] % len(RSIDS)])
                element.set(W + "rsidTr", RSIDS[row["uid"] % len(RSIDS)])
                self.element(self.element(element, "trPr"), "cantSplit")
            merged = len(group["rows"]) > 1
            self.cell(element, 1, GRID[0], [group["area"]], f"{row['uid']}/area",
                      ("continue" if index else "restart") if merged else None, shaded=True)
            column = 1
            for place, (span, paragraphs) in enumerate(zip(row["layout"], row["cells"], strict=True)):
                merge = None
                if place == len(row["layout"]) - 1 and span == 1:
                    merge = "continue" if continues[k] else "restart" if k + 1 < len(rows) and continues[k + 1] \
                        else None
                self.cell(element, span, sum(GRID[column:column + span]), paragraphs, f"{row['uid']}/{column}",
                          merge)
                column += span

    def document(self, blocks: list) -> bytes:
        nsmap = {"w": W_NS, "r": R_NS}
        if self.wordlike:
            nsmap.update({"w14": W14_NS, "mc": MC_NS})
        root = etree.Element(W + "document", nsmap=nsmap)
        if self.wordlike:
            root.set(f"{{{MC_NS}}}Ignorable", "w14")
        body = self.element(root, "body")
        tables = 0
        for kind, data in blocks:
            if kind == "h":
                self.paragraph(body, data, data, "Heading1")
            elif kind == "p":
                self.paragraph(body, data, data)
            else:
                self.table(body, data, tables)
                self.paragraph(body, "", f"after{tables}")
                tables += 1
        section = self.element(body, "sectPr")
        self.element(section, "pgSz", w=11906, h=16838)
        self.element(section, "pgMar", top=1417, right=1417, bottom=1417, left=1417, header=708, footer=708,
                     gutter=0)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" '
    'Target="settings.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:styles xmlns:w="{W_NS}">'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/>'
    '<w:sz w:val="22"/><w:lang w:val="sv-SE"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
    '<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr>'
    '<w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>'
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:left w:w="108" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
    '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>'
    "</w:styles>"
)
_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:settings xmlns:w="{W_NS}"><w:defaultTabStop w:val="1304"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat></w:settings>'
)


def docx(blocks: list, wordlike: bool = True) -> bytes:
    """Return a minimal valid .docx (content types, relationships, styles, settings) of the model."""
    parts = {"[Content_Types].xml": _CONTENT_TYPES.encode(), "_rels/.rels": _PACKAGE_RELS.encode(),
             "word/document.xml": Writer(wordlike).document(blocks),
             "word/_rels/document.xml.rels": _DOCUMENT_RELS.encode(),
             "word/styles.xml": _STYLES.encode(), "word/settings.xml": _SETTINGS.encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def generated_pair(scale: float, seed: int = 23, wordlike: bool = True, tables: int = TABLES) -> tuple[bytes, bytes]:
    """Return (old, new) .docx bytes at ``scale`` (1: about 16 000 paragraphs) in ``tables`` tables;
    ``wordlike``: with the ids, rsids and properties Word writes (else the bare minimum of markup)."""
    blocks = generated_model(scale, seed, tables)
    return docx(blocks, wordlike), docx(edited_model(blocks, scale, seed), wordlike)


def _document(data: bytes):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))


def shape(data: bytes) -> dict:
    """Return the counts of a document: paragraphs (all, in tables), table rows, merged cells."""
    root = _document(data)
    cells = list(root.iter(W + "tc"))
    return {
        "paragraphs": sum(1 for _ in root.iter(W + "p")),
        "in tables": sum(1 for cell in cells for _ in cell.iter(W + "p")),
        "rows": sum(1 for _ in root.iter(W + "tr")),
        "tables": sum(1 for _ in root.iter(W + "tbl")),
        "merged": sum(1 for cell in cells if cell.find(f"{W}tcPr/{W}gridSpan") is not None
                      or cell.find(f"{W}tcPr/{W}vMerge") is not None),
        "gridSpan": sum(1 for cell in cells if cell.find(f"{W}tcPr/{W}gridSpan") is not None),
        "vMerge": sum(1 for cell in cells if cell.find(f"{W}tcPr/{W}vMerge") is not None),
    }


# --- running a tool in its own process ----------------------------------------------------------

OURS = """
import datetime, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from pipeline.compare.jamfor import compare_files
started = time.perf_counter()
result = compare_files(Path(sys.argv[2]), Path(sys.argv[3]), "Test", datetime.date(2024, 1, 1))
Path(sys.argv[4]).write_bytes(result.data)
print(json.dumps({"inner": time.perf_counter() - started}))
"""

DOCXODUS = """
import json, sys, time
from pathlib import Path
from python_redlines.engines import DocxodusEngine
engine = DocxodusEngine()
started = time.perf_counter()
data = engine.run_redline("Test", Path(sys.argv[2]), Path(sys.argv[3]))[0]
Path(sys.argv[4]).write_bytes(data)
print(json.dumps({"inner": time.perf_counter() - started}))
"""

TOOLS = {"ours": ("samverkan", OURS), "docxodus": ("Docxodus", DOCXODUS)}


def _tree_rss(process) -> int:
    """Return the resident memory of a process and all its descendants, in bytes (0 once gone)."""
    import psutil

    try:
        members = [process] + process.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for member in members:
        with contextlib.suppress(psutil.Error):  # a process that ended meanwhile
            total += member.memory_info().rss
    return total


def run_tool(script: str, old: Path, new: Path, out: Path, timeout: float | None, checkout: Path = ROOT) -> dict:
    """Run one tool in a child process; return its wall time, peak memory (MB), output and state
    (``checkout``: the samverkan source tree that ours runs from)."""
    import psutil

    if out.exists():
        out.unlink()
    log = out.with_suffix(".log")
    with open(log, "wb") as stream:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", script, str(checkout), str(old), str(new), str(out)],
                                 stdout=stream, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            watched = psutil.Process(child.pid)
        except psutil.Error:  # already gone: wait4 below still has its figures
            watched = None
        tree_peak, timed_out = 0, False
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if watched is not None:
                tree_peak = max(tree_peak, _tree_rss(watched))
            if timeout and time.perf_counter() - started > timeout and not timed_out:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):  # the child's own session: it and its children
                    os.killpg(child.pid, signal.SIGKILL)
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(errors="replace")
    inner = None
    for line in text.splitlines():
        if line.startswith('{"inner"'):
            inner = json.loads(line)["inner"]
    ok = child.returncode == 0 and out.exists() and not timed_out
    return {"seconds": elapsed, "inner": inner, "peak_mb": usage.ru_maxrss / 1024,  # Linux: kB
            "tree_mb": tree_peak / (1024 * 1024), "data": out.read_bytes() if ok else None,
            "error": None if ok else "timeout" if timed_out else (text.strip().splitlines() or ["failed"])[-1]}


def oracle(data: bytes | None, old_body: list, new_body: list) -> tuple[str, str]:
    """Return whether accept-all gives the new body and reject-all the old ("yes"/"NO"/"-")."""
    if data is None:
        return "-", "-"
    try:
        accepted, rejected = content(data, True)["body"], content(data, False)["body"]
    except Exception as exc:  # noqa: BLE001 - an output the resolver cannot read fails both checks
        return f"NO ({type(exc).__name__})", "NO"
    return ("yes" if accepted == new_body else "NO"), ("yes" if rejected == old_body else "NO")


def revision_marks(data: bytes | None) -> int | None:
    return sum(1 for _ in _document(data).iter(*REVISION_TAGS)) if data is not None else None


def measure(tool: str, old: Path, new: Path, folder: Path, rounds: int, timeout: float | None,
            checkout: Path = ROOT) -> dict:
    """Return the median time (and the median peak memory) of ``rounds`` runs of a tool."""
    runs = [run_tool(TOOLS[tool][1], old, new, folder / f"{tool}.docx", timeout, checkout) for _ in range(rounds)]
    runs.sort(key=lambda r: r["seconds"])
    result = dict(runs[len(runs) // 2])
    result["peak_mb"] = statistics.median(r["peak_mb"] for r in runs)
    result["tree_mb"] = statistics.median(r["tree_mb"] for r in runs)
    return result


def _format(result: dict | None) -> str:
    if result is None:
        return "not run"
    inner = f" (call {result['inner']:.1f} s)" if result["inner"] is not None else ""
    text = f"{result['seconds']:7.1f} s{inner}, peak {result['peak_mb']:6.0f} MB (tree {result['tree_mb']:.0f} MB)"
    if result["data"] is None:
        return text + f", FAILED: {result['error']}"
    return text + f", {result['marks']} revision marks, accept→new {result['accept']}, reject→old {result['reject']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0],
                        help="sizes to run, as multiples of the default (1: about 16 000 paragraphs)")
    parser.add_argument("--only", choices=sorted(TOOLS), help="run one tool only")
    parser.add_argument("--rounds", type=int, default=1, help="runs per tool and scale (median)")
    parser.add_argument("--timeout", type=float, default=None, help="stop a tool after this many seconds")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="run ours from this source tree (e.g. `git archive` of an older commit), to compare")
    parser.add_argument("--save", type=Path, help="also write the generated pairs into this folder")
    parser.add_argument("--tables", type=int, default=TABLES,
                        help=f"split the rows over this many tables (default {TABLES}; 1: one big table)")
    parser.add_argument("--plain", action="store_true",
                        help="bare markup: no paragraph ids, rsids, run or cell properties (a quarter of the XML)")
    args = parser.parse_args()
    tools = [args.only] if args.only else ["ours", "docxodus"]
    if "docxodus" in tools:
        try:
            from python_redlines.engines import DocxodusEngine

            DocxodusEngine()  # extracts the binary once, outside the measurement
        except ImportError:
            print("python-redlines with Docxodus is missing: pip install -e '.[bench]'", file=sys.stderr)
            return 1
    summary = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        old_path, new_path = folder / "old.docx", folder / "new.docx"
        # Warm-up: bytecode, disk cache, the .NET runtime's files.
        warm_old, warm_new = generated_pair(0.01, args.seed, not args.plain, args.tables)
        old_path.write_bytes(warm_old)
        new_path.write_bytes(warm_new)
        for tool in tools:
            run_tool(TOOLS[tool][1], old_path, new_path, folder / "warm.docx", None, args.checkout)
        for scale in args.scale:
            old, new = generated_pair(scale, args.seed, not args.plain, args.tables)
            old_path.write_bytes(old)
            new_path.write_bytes(new)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                stem = f"tables-{scale:g}{'-plain' if args.plain else ''}" \
                    + (f"-{args.tables}t" if args.tables != TABLES else "")
                (args.save / f"{stem}-old.docx").write_bytes(old)
                (args.save / f"{stem}-new.docx").write_bytes(new)
            counts_old, counts_new = shape(old), shape(new)
            old_body, new_body = content(old, True)["body"], content(new, True)["body"]
            print(f"scale {scale:g}: old {counts_old['paragraphs']} paragraphs ({counts_old['in tables']} in "
                  f"tables), {counts_old['rows']} rows in {counts_old['tables']} tables, "
                  f"{counts_old['merged']} merged cells ({counts_old['gridSpan']} gridSpan, "
                  f"{counts_old['vMerge']} vMerge); new "
                  f"{counts_new['paragraphs']} paragraphs, {counts_new['rows']} rows, "
                  f"{counts_new['merged']} merged cells", flush=True)
            results: dict = {tool: None for tool in TOOLS}
            for tool in tools:
                result = measure(tool, old_path, new_path, folder, args.rounds, args.timeout, args.checkout)
                result["marks"] = revision_marks(result["data"])
                result["accept"], result["reject"] = oracle(result["data"], old_body, new_body)
                results[tool] = result
                print(f"  {TOOLS[tool][0]:9}  {_format(result)}", flush=True)
            ours, theirs = results["ours"], results["docxodus"]
            if ours and theirs and ours["data"] is not None and theirs["data"] is not None:
                print(f"  ours/Docxodus: time {ours['seconds'] / theirs['seconds']:.2f} (target ≤ 0.5), "
                      f"peak memory {ours['peak_mb'] / theirs['peak_mb']:.2f} (target < 1), "
                      f"tree memory {ours['tree_mb'] / theirs['tree_mb']:.2f}", flush=True)
            summary.append((scale, counts_old, results))
    if len(summary) > 1:
        print("\n| scale | paragraphs | merged cells | samverkan s / MB | Docxodus s / MB | time ratio "
              "| memory ratio |")
        print("|---|---|---|---|---|---|---|")
        for scale, counts, results in summary:
            cells = []
            for tool in ("ours", "docxodus"):
                r = results[tool]
                cells.append("-" if r is None else f"{r['seconds']:.1f} / {r['peak_mb']:.0f}"
                             + ("" if r["data"] is not None else " (failed)"))
            ours, theirs = results["ours"], results["docxodus"]
            both = ours and theirs and ours["data"] is not None and theirs["data"] is not None
            ratios = [f"{ours['seconds'] / theirs['seconds']:.2f}", f"{ours['peak_mb'] / theirs['peak_mb']:.2f}"] \
                if both else ["-", "-"]
            print(f"| {scale:g} | {counts['paragraphs']} | {counts['merged']} | {cells[0]} | {cells[1]} | "
                  f"{ratios[0]} | {ratios[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
