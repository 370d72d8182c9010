"""The use case *publicera*: a decided version's public version as a static web publication.

One folder with an overview page, the agreement, one page per bilaga, the
medborgarlöften and the decision, a style sheet (with a print style) and the
public documents as PDF/A – no script, no font, nothing fetched from elsewhere.
The pages are semantic HTML in Swedish (``lang="sv"``), headings in order,
tables with captions and header cells; every value is escaped. The texts are
those of the public version (:mod:`masking`), the same that the PDFs hold.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from pipeline import resources
from pipeline.data import seal
from pipeline.data.validate import validate_version
from pipeline.data.version import Version
from pipeline.documents import context
from pipeline.errors import PipelineError, Problem
from pipeline.files import output
from pipeline.layout import DEFAULT_OUTPUT, SEAL_FILE
from pipeline.publish import masking
from pipeline.publish.pdf import pdf_bytes
from pipeline.publish.public import public_documents

WEB_TEMPLATES = "webb"
STYLE_SHEET = "stil.css"
STALE_OUTPUTS = ("*.html", "*.pdf", STYLE_SHEET)


class PublicationError(PipelineError):
    """Raised when a version cannot be published (not decided)."""


@dataclass(frozen=True)
class Page:
    """One page of the publication: its file, its name in the menu, its template."""

    fil: str
    namn: str
    mall: str


def publish_version(version_dir: Path, out_dir: Path | None = None, today: dt.date | None = None,
                    pdf: bool = True) -> list[Path]:
    """Validate a decided version and write its web publication; return the files written
    (default folder ``ut/<län>/<kommun>/<version>/webb``)."""
    version = validate_version(version_dir)
    require_decided(version, "publiceras")
    files = publication(version, today or dt.date.today(), pdf=pdf)
    target = Path(out_dir) if out_dir else version.ref.web_dir()
    output.check_output_place(version.data_root, target)
    return output.write_all(target, files, stale=STALE_OUTPUTS, within=None if out_dir else DEFAULT_OUTPUT)


def require_decided(version: Version, what: str) -> None:
    """Raise PublicationError unless ``version`` is decided and sealed."""
    if version.data.get("status") != "beslutad" or not seal.is_sealed(version.folder):
        raise PublicationError(Problem(
            version.folder, f"versionen är inte beslutad och förseglad och kan inte {what}",
            hint="Registrera beslutet först (samverkan beslut). Den offentliga versionen av ett utkast "
                 "skrivs med samverkan render --offentlig."))


def publication(version: Version, today: dt.date, pdf: bool = True) -> dict[str, bytes]:
    """Return the files of a version's web publication (name → bytes)."""
    documents = public_documents(version)

    pdfs = pdf_bytes(documents) if pdf else {}
    public = masking.public_version(version)
    agreement = context.agreement_context(public)
    plans = [(plan, context.plan_context(plan, agreement)) for plan in public.plans]
    pages = _pages(agreement, plans)
    common = dict(agreement, sidor=pages, publicerad=context.long_date(today),
                  pdfer=[{"fil": name, "namn": _pdf_title(documents, name), "storlek": _size(len(data))}
                         for name, data in pdfs.items()],
                  sigill=seal.digest(version.folder / SEAL_FILE), webbtitel=agreement["titel"])
    for item in common["planer"]:
        item["fil"] = _plan_page(item["nummer"], item["slug"])
    files = {}
    environment = _environment()
    for page in pages:
        values = dict(common, fil=page.fil, sidtitel=page.namn)
        if page.mall == "bilaga.html":
            values.update(next(ctx for plan, ctx in plans if _plan_page(plan.number, plan.slug) == page.fil))
            values.update(sidor=pages, fil=page.fil, sidtitel=f"{page.namn} – {values['titel']}")
        files[page.fil] = environment.get_template(page.mall).render(values).encode("utf-8")
    files[STYLE_SHEET] = (resources.templates_dir() / WEB_TEMPLATES / STYLE_SHEET).read_bytes()
    files.update(pdfs)
    return files


def _pages(agreement: dict, plans: list) -> list[Page]:
    """Return the pages in menu order: overview, agreement, bilagor, medborgarlöften, decision."""
    pages = [Page("index.html", "Översikt", "index.html"),
             Page("overenskommelse.html", "Överenskommelsen", "overenskommelse.html")]
    pages += [Page(_plan_page(plan.number, plan.slug), f"Bilaga {plan.number}", "bilaga.html") for plan, _ in plans]
    if agreement.get("medborgarlöften"):
        pages.append(Page("medborgarloften.html", "Medborgarlöften", "medborgarloften.html"))
    pages.append(Page("beslut.html", "Beslut", "beslut.html"))
    return pages


def _plan_page(number: int, slug: str) -> str:
    return f"bilaga-{number}-{slug}.html"


def _environment() -> jinja2.Environment:
    """Return the environment of the page templates: every value escaped, undefined names an error."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(resources.templates_dir() / WEB_TEMPLATES),
                                     autoescape=True, undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True)
    environment.filters["stycken"] = paragraphs
    return environment


def paragraphs(text) -> Markup:
    """Return a text as HTML paragraphs: one per paragraph of the data ("\\a"), line breaks kept."""
    if not text:
        return Markup("")
    def paragraph(part: str) -> Markup:
        return Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in part.split("\n")))

    return Markup("\n").join(paragraph(part) for part in re.split(r"\a", str(text)) if part.strip())


def _pdf_title(documents: list, name: str) -> str:
    stem = name[: -len(".pdf")]
    return next((d.title for d in documents if d.name[: -len(".docx")] == stem), stem)


def _size(count: int) -> str:
    """Return a file size as Swedish text: "48 kB", "1,2 MB"."""
    if count < 1_000_000:
        return f"{max(1, round(count / 1000))} kB"
    return f"{count / 1_000_000:.1f} MB".replace(".", ",")
