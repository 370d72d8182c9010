"""The rules every document the product writes keeps, read the way its reader meets it.

A document is read as a reader sees it: the running text (paragraphs outside tables), the table
cells, the headers and footers, and, when there is one, the PDF that LibreOffice made of it, page
by page (what a committee member prints). Each rule in :data:`RULES` looks at that and says where
it is broken, in Swedish, for ``samverkan granska`` (see :mod:`pipeline.county.review`, which
makes the documents) and for the tests, which hold every later feature to the same rules.

The rules are about what went wrong before: field names of the data in the text ("id: M2; mål:"),
joins like ".;", a sentence repeated in one table cell, two validities in one agreement, ISO dates
in running text, a change table whose rows are missing from the printed pages, a seal digest
hyphenated across lines, two page-number styles in one package, a public document without
"Offentlig version" on every page, and counts in the wrong number ("8 klar").
"""

from __future__ import annotations

import html.parser
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.data.schema import load_schema
from pipeline.errors import DataError, Problem
from pipeline.ooxml.names import W
from pipeline.ooxml.package import Package, unpack
from pipeline.ooxml.text import paragraph_texts
from pipeline.swedish import MONTHS

MAX_PDF_BYTES = 64 * 1024 * 1024  # the product's largest beslutspaket is under 2 MB
MAX_PDF_PAGES = 2000
MAX_HTML_BYTES = 16 * 1024 * 1024
PUBLIC_LABEL = "Offentlig version"


@dataclass(frozen=True)
class Cell:
    table: int  # counted from 1 in the order the tables stand in the document
    row: int
    column: int
    text: str


@dataclass
class DocumentText:
    """What a reader of one document sees. ``pages`` is the PDF's text page by page, or None."""

    name: str
    public: bool = False
    running: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    pages: list[str] | None = None
    headings: list[str] = field(default_factory=list)  # the text of every heading (Heading 1, 2, …)

    def tables(self) -> dict[int, list[list[str]]]:
        """Return each table's rows, each row its cells' texts."""
        tables: dict[int, dict[int, list[str]]] = {}
        for cell in self.cells:
            tables.setdefault(cell.table, {}).setdefault(cell.row, []).append(cell.text)
        return {number: [rows[row] for row in sorted(rows)] for number, rows in tables.items()}

    def all_text(self) -> Iterator[tuple[str, str]]:
        """Yield (where, text) for every piece of text the document has (not the PDF)."""
        for number, text in enumerate(self.running, start=1):
            yield f"stycke {number}", text
        for cell in self.cells:
            yield f"tabell {cell.table}, rad {cell.row}", cell.text
        for text in self.headers:
            yield "sidhuvud eller sidfot", text


@dataclass(frozen=True)
class Finding:
    document: str
    rule: str
    where: str
    message: str

    def format(self) -> str:
        return f"{self.document} ({self.where}): {self.message}"


# --- reading --------------------------------------------------------------------------------------------

def read_docx(path: Path, name: str, public: bool = False) -> DocumentText:
    """Return the text of a .docx as its reader sees it (inserted text of tracked changes included,
    deleted text not). Raise DataError for a file that is not a readable Word document."""
    package = Package(unpack(path.read_bytes(), path), path)
    main = package.main_part()
    if main is None:
        raise DataError(Problem(path, "filen är inte ett Word-dokument"))
    document = DocumentText(name, public)
    body = package.xml(main).find(W + "body")
    if body is not None:
        _read_body(body, document)
    for part in sorted(package.parts):
        if re.fullmatch(r"word/(header|footer)\d*\.xml", part):
            document.headers += [text for text in paragraph_texts(package.xml(part)) if text.strip()]
    return document


def _read_body(body: etree._Element, document: DocumentText) -> None:
    for paragraph in body.iter(W + "p"):
        if not any(ancestor.tag == W + "tbl" for ancestor in paragraph.iterancestors()):
            document.running += [text for text in paragraph_texts(paragraph) if text.strip()]
            style = paragraph.find(f"{W}pPr/{W}pStyle")
            if style is not None and str(style.get(W + "val", "")).startswith("Heading"):
                document.headings += [text.strip() for text in paragraph_texts(paragraph) if text.strip()]
    for number, table in enumerate(body.iter(W + "tbl"), start=1):
        for row_number, row in enumerate(table.findall(W + "tr"), start=1):
            for column, cell in enumerate(row.findall(W + "tc"), start=1):
                document.cells.append(Cell(number, row_number, column, "\n".join(paragraph_texts(cell))))


def read_pdf_pages(path: Path) -> list[str]:
    """Return the text of each page of a PDF; raise DataError for one that is too large or unreadable."""
    from pypdf import PdfReader  # imported here: only a review with PDFs needs it (about 150 ms)
    from pypdf.errors import PdfReadError

    if path.stat().st_size > MAX_PDF_BYTES:
        raise DataError(Problem(path, f"PDF-filen är större än {MAX_PDF_BYTES // (1024 * 1024)} MB"))
    try:
        reader = PdfReader(str(path))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DataError(Problem(path, f"PDF-filen har fler än {MAX_PDF_PAGES} sidor"))
        return [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise DataError(Problem(path, "PDF-filen går inte att läsa")) from exc


class _HtmlText(html.parser.HTMLParser):
    """Collect the text of blocks (running text) and of table cells from an HTML page."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "figcaption", "caption", "header",
              "footer"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.running: list[str] = []
        self.cells: list[Cell] = []
        self._table = 0
        self._row = 0
        self._column = 0
        self._buffer: list[str] | None = None
        self._skip = 0
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._table += 1
            self._row = 0
        elif tag == "tr":
            self._row += 1
            self._column = 0
        elif tag in ("td", "th"):
            self._column += 1
            self._in_cell = True
            self._buffer = []
        elif tag in self.BLOCKS and self._buffer is None:
            self._buffer = []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._buffer is not None:
            self.cells.append(Cell(self._table, self._row, self._column, " ".join("".join(self._buffer).split())))
            self._buffer = None
            self._in_cell = False
        elif tag in self.BLOCKS and self._buffer is not None and not self._in_cell:
            text = " ".join("".join(self._buffer).split())
            if text:
                self.running.append(text)
            self._buffer = None

    def handle_data(self, data):
        if self._buffer is not None and not self._skip:
            self._buffer.append(data)


def read_html(path: Path, name: str) -> DocumentText:
    """Return the text of a public web page (every page of the site is public)."""
    if path.stat().st_size > MAX_HTML_BYTES:
        raise DataError(Problem(path, f"sidan är större än {MAX_HTML_BYTES // (1024 * 1024)} MB"))
    reader = _HtmlText()
    reader.feed(path.read_text(encoding="utf-8", errors="replace"))
    reader.close()
    return DocumentText(name, public=True, running=reader.running, cells=reader.cells)


# --- the rules -----------------------------------------------------------------------------------------

Rule = Callable[[DocumentText], Iterator[tuple[str, str]]]


def _schema_keys() -> frozenset[str]:
    keys: set[str] = set()

    def walk(schema) -> None:
        if isinstance(schema, dict):
            for key, value in schema.items():
                if isinstance(value, dict) and not key.startswith(("type", "schema", "meta")):
                    keys.add(str(key))
                walk(value)
        elif isinstance(schema, list):
            for item in schema:
                walk(item)

    for name in ("overenskommelse", "plan", "lan", "uppfoljning"):
        walk(load_schema(name))
    return frozenset(key for key in keys if re.fullmatch(r"[a-zåäö_]+", key))


_KEYS: frozenset[str] | None = None


def schema_keys() -> frozenset[str]:
    """Return the field names of the data (lower case, as written in YAML), read once."""
    global _KEYS
    if _KEYS is None:
        _KEYS = _schema_keys()
    return _KEYS


def field_names(document: DocumentText) -> Iterator[tuple[str, str]]:
    """A field name of the data shown to the reader, as a program writes it: "id: M2; mål: …",
    "gäller_från". A field name a person writes is fine ("följande fokusområden:", "Ort och datum:"),
    so a name with a colon counts only at the start of a text or after ";", and "id:" anywhere."""
    keys = schema_keys()
    for where, text in document.all_text():
        for match in re.finditer(r"(?<![\w-])([a-zåäö]+(?:_[a-zåäö]+)*)(:(?=\s|$))?", text):
            word, colon = match.group(1), match.group(2)
            if word not in keys:
                continue
            serialized = colon and (word == "id" or not text[:match.start()].strip() or
                                    text[:match.start()].rstrip().endswith(";"))
            if serialized or "_" in word:
                yield where, f"fältnamnet ”{match.group(0)}” ur datan står i texten: ”{_excerpt(text, match.start())}”"


def joined_punctuation(document: DocumentText) -> Iterator[tuple[str, str]]:
    """Sentences glued together with ".;" (a list joined by a program, not written by a person)."""
    for where, text in document.all_text():
        at = text.find(".;")
        if at >= 0:
            yield where, f"”.;” i texten: ”{_excerpt(text, at)}”"


def _sentences(text: str) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"(?<=[.!?])\s+|\n+", text) if len(part.strip()) >= 12]


def repeated_sentences(document: DocumentText) -> Iterator[tuple[str, str]]:
    """The same sentence more than once in one table cell."""
    for cell in document.cells:
        counts = Counter(sentence.casefold() for sentence in _sentences(cell.text))
        for sentence, count in counts.items():
            if count > 1:
                shown = next(s for s in _sentences(cell.text) if s.casefold() == sentence)
                yield (f"tabell {cell.table}, rad {cell.row}, kolumn {cell.column}",
                       f"samma mening står {count} gånger i cellen: ”{_shorten(shown)}”")


_MONTH = "|".join(MONTHS)
_VALIDITY = re.compile(r"gäller\s+(?:från\s+och\s+med|fr\.\s*o\.\s*m\.|från\s+den|från)\s+"
                       rf"(?:den\s+)?(\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})", re.IGNORECASE)


def validity_once(document: DocumentText) -> Iterator[tuple[str, str]]:
    """A document says from when the agreement is valid with one date, not two (a change table may
    show the old date beside the new one; running text and headers may not)."""
    dates: dict[tuple[int, int, int], tuple[str, str]] = {}
    texts = [(f"stycke {number}", text) for number, text in enumerate(document.running, start=1)]
    for where, text in texts + [("sidhuvud eller sidfot", text) for text in document.headers]:
        for match in _VALIDITY.finditer(text):
            written = " ".join(match.group(1).split())
            dates.setdefault(_day(written), (written, where))
    if len(dates) > 1:
        listed = ", ".join(f"{written} ({where})" for written, where in dates.values())
        yield "hela dokumentet", f"dokumentet anger olika dagar som det gäller från: {listed}"


def _day(written: str) -> tuple[int, int, int]:
    """Return (year, month, day) of "1 mars 2027" or "2027-03-01", so one day written two ways is one."""
    if "-" in written:
        year, month, day = (int(part) for part in written.split("-"))
        return year, month, day
    day_text, month_name, year_text = written.lower().split()
    return int(year_text), MONTHS.index(month_name) + 1, int(day_text)


_ISO_DATE = re.compile(r"(?<![\d/-])\d{4}-\d{2}-\d{2}(?![\d-])")


_PROSE_DATE = re.compile(r"[A-Za-zÅÄÖåäö]\s+(\d{4}-\d{2}-\d{2})(?![\d-])")


def iso_dates(document: DocumentText) -> Iterator[tuple[str, str]]:
    """Dates in running text are written the Swedish way ("1 maj 2027"); ISO dates belong in
    headers (Datum 2027-03-01) and in tables, where a cell holds the date alone ("2027-05-01",
    "2027-05-01 – 2027-09-30"), not within words ("Från 2027-05-01")."""
    for number, text in enumerate(document.running, start=1):
        match = _ISO_DATE.search(text)
        if match:
            yield f"stycke {number}", f"datumet {match.group(0)} står i löptext: ”{_excerpt(text, match.start())}”"
    for cell in document.cells:
        match = _PROSE_DATE.search(cell.text)
        if match:
            yield (f"tabell {cell.table}, rad {cell.row}, kolumn {cell.column}",
                   f"datumet {match.group(1)} står i en mening: ”{_excerpt(cell.text, match.start())}”")


def _squeezed(text: str) -> str:
    """Text with every space, line break, soft hyphen and hyphen taken away (hyphenation and line
    breaks of the PDF then do not matter), and with typographic quotes made plain."""
    return re.sub(r"[\s\u00ad\u2010\u2011-]+", "", text).replace("”", '"').replace("“", '"').casefold()


def change_rows_printed(document: DocumentText) -> Iterator[tuple[str, str]]:
    """Every row of a change table (Område, Ändring, Tidigare, Nytt) is on the printed pages."""
    if document.pages is None:
        return
    printed = _squeezed("".join(document.pages))
    for number, rows in document.tables().items():
        if not rows or [text.strip() for text in rows[0][:2]] != ["Område", "Ändring"]:
            continue
        for row_number, row in enumerate(rows[1:], start=2):
            change = row[1] if len(row) > 1 else ""
            probe = _squeezed(change)[:60]
            if probe and probe not in printed:
                yield (f"tabell {number}, rad {row_number}",
                       f"raden ”{_shorten(change)}” finns i dokumentet men inte på de utskrivna sidorna")


_DIGEST = re.compile(r"(?<![0-9a-f])(?:[0-9a-f]{4}[ \u00a0\u2009\u202f]?){15}[0-9a-f]{4}(?![0-9a-f])")


def digest_unbroken(document: DocumentText) -> Iterator[tuple[str, str]]:
    """A seal's SHA-256 is printed so that it can be typed from paper: on the page exactly as in
    the document, never hyphenated."""
    if document.pages is None:
        return
    printed = " ".join(" ".join(page.split()) for page in document.pages)
    for where, text in document.all_text():
        for match in _DIGEST.finditer(text):
            digest = " ".join(match.group(0).replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
                              .split())
            if digest not in printed.replace("\u00a0", " "):
                yield where, f"kontrollsumman {digest[:19]}… står inte obruten på de utskrivna sidorna"


_PAGE_STYLES = {"Sida N (M)": re.compile(r"Sida \d+ \(\d+\)"), "Sida N av M": re.compile(r"Sida \d+ av \d+")}


def one_page_number_style(document: DocumentText) -> Iterator[tuple[str, str]]:
    """One way of numbering pages in one document."""
    texts = document.pages if document.pages is not None else document.headers
    used = [style for style, pattern in _PAGE_STYLES.items() if any(pattern.search(text) for text in texts)]
    if len(used) > 1:
        yield "sidnumren", f"sidorna numreras på två sätt: {' och '.join(used)}"


def public_label(document: DocumentText) -> Iterator[tuple[str, str]]:
    """A public document says so on every page."""
    if not document.public:
        return
    if document.pages is not None:
        for number, page in enumerate(document.pages, start=1):
            if PUBLIC_LABEL.casefold() not in " ".join(page.split()).casefold():
                yield f"sida {number}", f"”{PUBLIC_LABEL}” står inte på sidan"
                return
    elif not any(PUBLIC_LABEL.casefold() in text.casefold() for text in document.headers + document.running[:3]):
        yield "sidhuvudet", f"”{PUBLIC_LABEL}” står inte i sidhuvudet"


# Counted words and their plural: "1 aktivitet", "2 aktiviteter"; "8 klara", never "8 klar".
_PLURALS = {"klar": "klara", "grön": "gröna", "gul": "gula", "röd": "röda", "grå": "grå", "försenad": "försenade",
            "påbörjad": "påbörjade", "punkt": "punkter", "ändring": "ändringar", "aktivitet": "aktiviteter",
            "plan": "planer", "version": "versioner", "bilaga": "bilagor", "indikator": "indikatorer",
            "orsak": "orsaker", "kommun": "kommuner", "sida": "sidor", "fråga": "frågor", "rad": "rader",
            "ny": "nya", "ändrad": "ändrade", "borttagen": "borttagna", "tillagd": "tillagda"}
_SINGULARS = {plural: singular for singular, plural in _PLURALS.items() if plural != singular}
_NUMBER_WORDS = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9,
                 "tio": 10, "elva": 11, "tolv": 12}
_LABEL_BEFORE = re.compile(r"\b(bilaga|bilagan|bilagorna|kap\.|kapitel|sida|sidan|nr|§|punkt|version|"
                           r"versionen|steg|del|år|lag|mål|aktivitet|orsak|indikator)\s*$", re.IGNORECASE)
_COUNT = re.compile(r"(?<![\w,.])(\d+|" + "|".join(_NUMBER_WORDS) + r")\s+(\w+)", re.IGNORECASE)


def plural_agreement(document: DocumentText) -> Iterator[tuple[str, str]]:
    """A count agrees with what it counts: "8 klara", "1 aktivitet", "elva nya punkter"."""
    for where, text in document.all_text():
        for match in _COUNT.finditer(text):
            number, word = match.group(1).lower(), match.group(2).lower()
            if _LABEL_BEFORE.search(text[:match.start()]):
                continue  # "bilaga 1 ändrade", "kap. 2 …": a number that names, not counts
            count = int(number) if number.isdigit() else _NUMBER_WORDS[number]
            if count != 1 and word in _PLURALS and _PLURALS[word] != word:
                yield where, f"”{match.group(0)}” ska vara ”{match.group(1)} {_PLURALS[word]}”"
            elif count == 1 and number.isdigit() and word in _SINGULARS:
                yield where, f"”{match.group(0)}” ska vara ”{match.group(1)} {_SINGULARS[word]}”"


_PAGE_NUMBER = re.compile(r"^(?:Sida \d+(?: av \d+)?|\d+)$")


def headings_kept_with_text(document: DocumentText) -> Iterator[tuple[str, str]]:
    """No heading is the last line of a printed page, apart from its text on the next."""
    if document.pages is None or not document.headings:
        return
    headings = {" ".join(h.split()) for h in document.headings}
    furniture = {" ".join(h.split()) for h in document.headers}
    for number, page in enumerate(document.pages[:-1], start=1):
        lines = [" ".join(line.split()) for line in page.splitlines()]
        lines = [line for line in lines if line and line not in furniture and not _PAGE_NUMBER.match(line)]
        if lines and lines[-1] in headings:
            yield f"sidan {number}", f"rubriken ”{lines[-1]}” står ensam sist på sidan; texten börjar på nästa"


# name: (what the secretary reads about the rule, the rule)
RULES: dict[str, tuple[str, Rule]] = {
    "fältnamn": ("Inga fältnamn ur datan i texten", field_names),
    "skiljetecken": ("Inga hopfogade meningar (”.;”)", joined_punctuation),
    "upprepning": ("Ingen mening två gånger i samma tabellcell", repeated_sentences),
    "giltighet": ("Giltigheten anges en gång", validity_once),
    "datum": ("Datum i löptext skrivs ut (1 maj 2027)", iso_dates),
    "ändringstabell": ("Varje rad i ändringstabellen finns på de utskrivna sidorna", change_rows_printed),
    "kontrollsumma": ("Kontrollsumman står obruten på papper", digest_unbroken),
    "sidnummer": ("Ett sätt att numrera sidor", one_page_number_style),
    "offentlig": ("Offentliga dokument är märkta ”Offentlig version” på varje sida", public_label),
    "plural": ("Antal och ord stämmer (8 klara, 1 aktivitet)", plural_agreement),
    "rubrik": ("Ingen rubrik ensam sist på en sida", headings_kept_with_text),
}


def review(document: DocumentText, rules: dict[str, tuple[str, Rule]] | None = None) -> list[Finding]:
    """Return every place where ``document`` breaks one of ``rules`` (default: all)."""
    findings = []
    for name, (_, rule) in (rules or RULES).items():
        findings += [Finding(document.name, name, where, message) for where, message in rule(document)]
    return findings


def _excerpt(text: str, at: int, width: int = 60) -> str:
    start = max(0, at - width // 2)
    piece = " ".join(text[start:start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def _shorten(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"

