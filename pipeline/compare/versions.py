"""Compare two versions of a kommun's agreement: redlines, change summary and decision memo.

The redlines compare rendered documents, not only data, so a change in a
template's wording shows too. When the old version was decided with
``samverkan beslut``, its documents as decided (kept in its ``beslutat/``
folder) are the old side; otherwise the old version is rendered now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline import ooxml, resources
from pipeline.data import changes as change_summary
from pipeline.data import marks, seal
from pipeline.data.load import load_yaml
from pipeline.data.validate import validate_version
from pipeline.data.version import ARCHIVE_FOLDER, Version, match_plans
from pipeline.documents import context, marking, template
from pipeline.documents import memo as memo_module
from pipeline.documents.atgardsplan import ACTION_PLAN_FILE_NAME
from pipeline.documents.lagesbild import LAGESBILD_FILE_NAME, with_lagesbild
from pipeline.documents.model import RenderedDocument, document_properties, write_document
from pipeline.documents.render import (
    AGREEMENT_FILE_NAME,
    decided_documents,
    plan_file_name,
    render_version,
    version_documents,
)
from pipeline.errors import Problem, SchemaError
from pipeline.files import output
from pipeline.layout import DEFAULT_OUTPUT, PACKAGE_FILE, SEAL_FILE
from pipeline.ooxml import redline, safexml
from pipeline.ooxml.images import add_pictures
from pipeline.swedish import bilagor_span

MEMO_TEMPLATE = "tjansteskrivelse.docx"
MEMO_FILE_NAME = "tjansteskrivelse.docx"
REDLINE_PREFIX = "andringar-"
# Our earlier outputs that go when they are not written again (PDFs are older than the documents now).
STALE_OUTPUTS = (f"{REDLINE_PREFIX}*.docx", f"{REDLINE_PREFIX}*.pdf", "tjansteskrivelse.pdf", PACKAGE_FILE)
STATUS_LABELS = {"ändrad": "Ändringar", "ny": "Ny", "utgår": "Utgår"}  # redline titles begin so


@dataclass
class Redline:
    """One compared document: its file name, what it is, and how many revisions it holds."""

    name: str
    title: str
    status: str  # "ändrad", "ny" or "utgår"
    revisions: int
    data: bytes = field(repr=False)


@dataclass
class Comparison:
    """Everything ``samverkan diff`` produces for two versions (``old`` is None for a first
    agreement: a memo and the documents, no redlines)."""

    old: Version | None
    new: Version
    changes: list[change_summary.Change]
    redlines: list[Redline]
    memo: RenderedDocument
    new_documents: list[RenderedDocument] = field(default_factory=list, repr=False)
    public: bool = False  # the public version: masked, every page says "Offentlig version"

    def package_plan(self) -> dict:
        """Return the beslutspaket as data (JSON-friendly, so batch can keep it in its manifest):
        its title, its cover, and its parts in order – each a label, where its document is
        ("underlag": beside the memo, "version": among the new version's documents), the
        document's file name and its status."""
        parts: list[tuple[str, str, str, str | None]] = [(self.memo.title, "underlag", self.memo.name, None)]
        for item in self.redlines:  # only a comparison with an old version has redlines
            title = (f"{item.title} i version {self.old.name}"
                     if item.status == "utgår" and self.old is not None else item.title)
            parts.append((f"{STATUS_LABELS[item.status]}: {title}", "underlag", item.name, item.status))
        parts += [(f"{'Underlag' if d.name == LAGESBILD_FILE_NAME else 'Förslag'}: {d.title}", "version", d.name, None)
                  for d in self.proposed_documents()]
        data = self.new.data
        meeting = (data.get("sammanträde") or {}).get("datum") or (data.get("beslut") or {}).get("datum")
        return {
            "titel": f"Beslutspaket: {memo_module.case_title(self.new)}",
            "delar": [[f"Del {n} – {label}", where, name, status]
                      for n, (label, where, name, status) in enumerate(parts, start=1)],
            "försättsblad": {"kommun": data["parter"]["kommun"]["namn"], "ärende": memo_module.case_title(self.new),
                             "diarienummer": data["diarienummer"], "organ": memo_module.organ_of(self.new),
                             "sammanträde": meeting.isoformat() if meeting else None,
                             "datum": data["datum"].isoformat(), "exempel": data.get("exempel"),
                             "markering": self.marking()},
        }

    def marking(self) -> str | None:
        """Return the line the package's cover and front pages carry: "Offentlig version" for the
        public version; for an internal one whose versions mark passages under sekretess, the line
        that names their provisions (:func:`marking.secrecy_line`); else None."""
        if self.public:
            return marking.PUBLIC_LINE
        versions = [v for v in (self.old, self.new) if v is not None]
        grounds = marks.grounds([[v.data] + [p.data for p in v.plans] for v in versions])
        return marking.secrecy_line(grounds) if grounds else None

    def proposed_documents(self) -> list[RenderedDocument]:
        """Return the new version's documents that its decision covers: all of a draft's; of a
        decided version only those kept in its beslutat/ (an åtgärdsplan made now for a version
        decided before lag 2023:196 was never part of its decision) – and the lägesbild, the
        statistics the decision rests on, when the kommun has them."""
        folder = self.new.folder / ARCHIVE_FOLDER
        if not folder.is_dir():
            return self.new_documents
        kept = {p.name for p in folder.iterdir()} | {LAGESBILD_FILE_NAME}
        return [d for d in self.new_documents if d.name in kept]

    def documents(self) -> dict[str, bytes]:
        """Return every output file, memo first."""
        files = {self.memo.name: self.memo.data}
        files.update({r.name: r.data for r in self.redlines})
        return files


def default_output(old: Version | None, new: Version) -> Path:
    """Return where a comparison goes by default: ut/<län>/<kommun>/andringar-<old>-<new>, or for a
    first agreement ut/<län>/<kommun>/underlag-<new>."""
    return new.ref.comparison_dir(old.ref) if old is not None else new.ref.first_dir()


def compare(old_dir: Path, new_dir: Path, templates_dir: Path | None = None, reversed_ok: bool = False) -> Comparison:
    """Validate both versions and return their comparison; raise SchemaError if they do not belong
    together, or if the new one is older than the old (unless ``reversed_ok``)."""
    old, new = validate_version(old_dir), validate_version(new_dir)
    check_pair(old, new, reversed_ok)
    return compare_versions(old, new, _documents(new, templates_dir), templates_dir)


def check_pair(old: Version, new: Version, reversed_ok: bool = False) -> None:
    """Raise SchemaError unless two versions belong to one kommun and come in order (unless
    ``reversed_ok``)."""
    if old.ref.kommun_dir != new.ref.kommun_dir:
        raise SchemaError(Problem(new.folder, f"versionerna hör till olika kommuner ({old.folder.parent} "
                                              f"och {new.folder.parent})",
                                  hint="Jämför två versioner av samma kommuns överenskommelse."))
    if not reversed_ok:
        check_order(old, new)


def propose(version_dir: Path, templates_dir: Path | None = None) -> Comparison:
    """Return the decision documents for a version: compared with its predecessor when it has one,
    else as a first agreement (memo and documents, no redlines)."""
    new = validate_version(version_dir)
    previous = new.data.get("föregående_version")
    if previous:
        return compare_versions(validate_version(new.ref.sibling(previous).folder), new,
                                _documents(new, templates_dir), templates_dir)
    return compare_versions(None, new, _documents(new, templates_dir), templates_dir)


def _documents(version: Version, templates_dir: Path | None) -> list[RenderedDocument]:
    """Return the documents a comparison proposes: the version's, with the lägesbild when its kommun has one."""
    return with_lagesbild(version, version_documents(version, templates_dir), templates_dir)


def check_order(old: Version, new: Version) -> None:
    """Raise SchemaError when ``new`` comes before ``old``: older date, or ``old`` builds on ``new``."""
    successor = _builds_on(old, new)
    older = new.data["datum"] < old.data["datum"]
    if old.ref == new.ref or not (successor or older):
        return
    why = (f"version {old.name} bygger på version {new.name}" if successor else
           f"version {new.name} ({new.data['datum'].isoformat()}) är äldre än version {old.name} "
           f"({old.data['datum'].isoformat()})")
    raise SchemaError(Problem(new.folder, f"jämförelsen är bakvänd: {why}",
                              hint=f"Ange den gamla versionen först: samverkan diff {new.folder} {old.folder}. "
                                   "Vill du verkligen jämföra baklänges, lägg till --bakvänd."))


def _builds_on(later: Version, earlier: Version, limit: int = 50) -> bool:
    """``True`` when ``later``'s chain of föregående_version reaches ``earlier``."""
    name = later.data.get("föregående_version")
    seen: set[str] = set()
    while name and name not in seen and len(seen) < limit:
        if name == earlier.name:
            return True
        seen.add(name)
        sibling = later.ref.sibling(name).folder / "overenskommelse.yaml"
        try:
            name = load_yaml(sibling, root=later.ref.root).data.get("föregående_version")
        except Exception:  # an unreadable predecessor ends the chain; validation reports it
            return False
    return False


def compare_versions(old: Version | None, new: Version, new_documents: list[RenderedDocument],
                     templates_dir: Path | None = None,
                     old_documents: list[RenderedDocument] | None = None, decided=None) -> Comparison:
    """Return the comparison of two valid versions, given the new version's rendered documents.

    The old side is the old version's documents as decided when it has them (read by
    ``decided``, default :func:`decided_documents`; the public version masks them),
    else ``old_documents`` (already rendered), else it is rendered now.
    """
    if old is None:
        memo = _memo(None, new, [], [], templates_dir, _lagesbild_of(new_documents))
        return Comparison(None, new, [], [], memo, new_documents)
    if old.ref == new.ref:
        old_documents = new_documents  # a version against itself: nothing has changed
    else:
        old_documents = (decided or decided_documents)(old) or old_documents or render_version(old, templates_dir)
    summary = change_summary.summarize(old, new)
    revisions = redline.Revisions(author=new.data["parter"]["kommun"]["namn"],
                                  date=f"{new.data['datum'].isoformat()}T00:00:00Z")
    redlines = _redlines(old, new, old_documents, new_documents, revisions)
    memo = _memo(old, new, summary, redlines, templates_dir, _lagesbild_of(new_documents))
    return Comparison(old, new, summary, redlines, memo, new_documents)


def diff(old_dir: Path, new_dir: Path, out_dir: Path | None = None,
         reversed_ok: bool = False) -> tuple[Comparison, list[Path]]:
    """Compare two versions, write the memo and redlines, and return the comparison and paths."""
    return write(compare(old_dir, new_dir, reversed_ok=reversed_ok), out_dir)


def write(comparison: Comparison, out_dir: Path | None = None) -> tuple[Comparison, list[Path]]:
    """Write a comparison's memo and redlines; return it and the paths written."""
    target = Path(out_dir) if out_dir else default_output(comparison.old, comparison.new)
    output.check_output_place(comparison.new.data_root, target)
    written = output.write_all(target, comparison.documents(), stale=STALE_OUTPUTS,
                               within=None if out_dir else DEFAULT_OUTPUT)
    return comparison, written


def _redlines(old: Version, new: Version, old_documents: list[RenderedDocument],
              new_documents: list[RenderedDocument], revisions: redline.Revisions) -> list[Redline]:
    old_by_name = {d.name: d for d in old_documents}
    new_by_name = {d.name: d for d in new_documents}
    agreement_props = context.agreement_context(new)
    results = [_redline_document(REDLINE_PREFIX + AGREEMENT_FILE_NAME, new_by_name[AGREEMENT_FILE_NAME].title,
                                 "ändrad", old_by_name.get(AGREEMENT_FILE_NAME), new_by_name[AGREEMENT_FILE_NAME],
                                 agreement_props, revisions)]
    removed = []
    for before, after in match_plans(old.plans, new.plans):
        previous = old_by_name.get(plan_file_name(before.number, before.slug)) if before else None
        if after is None:
            removed.append((before, previous))
            continue
        document = new_by_name[plan_file_name(after.number, after.slug)]
        results.append(_redline_document(REDLINE_PREFIX + document.name, document.title,
                                         "ändrad" if previous else "ny", previous, document,
                                         agreement_props, revisions))
    for before, previous in removed:  # plans that the new version no longer has
        if before is not None and previous is not None:  # a previous document is only found for a plan
            results.append(_redline_document(f"{REDLINE_PREFIX}utgar-{before.number}-{before.slug}.docx",
                                             previous.title, "utgår", previous, None, agreement_props, revisions))
    return results


def _root(parts: dict[str, bytes] | None, name: str):
    if parts is None or name not in parts:
        return None
    return safexml.parse(parts[name])


def _redline_document(name: str, title: str, status: str, before: RenderedDocument | None,
                      after: RenderedDocument | None, agreement: dict,
                      revisions: redline.Revisions) -> Redline:
    """Return a redline of one document; ``before`` or ``after`` is None for a wholly new or removed one."""
    props = document_properties(agreement, f"{STATUS_LABELS[status]}: {title}")
    data, count = redline_docx(before.parts if before else None, after.parts if after else None,
                               revisions, props)
    return Redline(name, title, status, count, data)


def redline_docx(old_parts: dict[str, bytes] | None, new_parts: dict[str, bytes] | None,
                 revisions: redline.Revisions, props: ooxml.Properties) -> tuple[bytes, int]:
    """Return a .docx whose body, headers and footers carry the changes from the parts of one
    document to those of another as tracked changes, and the number of revision marks it holds."""
    start = revisions.next_id
    base = new_parts if new_parts is not None else old_parts
    replaced = {}
    if new_parts is None:
        replaced["word/document.xml"] = redline.deleted_document(_root(old_parts, "word/document.xml"), revisions)
    else:
        replaced["word/document.xml"] = redline.diff_body(_root(old_parts, "word/document.xml"),
                                                          _root(new_parts, "word/document.xml"), revisions)
        for part in new_parts:  # the base
            if part.startswith(("word/header", "word/footer")) and part.endswith(".xml"):
                replaced[part] = redline.diff_part(_root(old_parts, part), _root(new_parts, part), revisions)
    encoded = {part: etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
               for part, root in replaced.items()}
    return write_document(ooxml.Package(base, Path("redline.docx")), encoded, props), revisions.next_id - start


def _lagesbild_of(documents: list[RenderedDocument]) -> RenderedDocument | None:
    """Return the lägesbild among a version's documents (None when its kommun has no stored data)."""
    return next((d for d in documents if d.name == LAGESBILD_FILE_NAME), None)


def _attachments(old: Version | None, new: Version, redlines: list[Redline],
                 lagesbild: RenderedDocument | None = None) -> list[str]:
    """Return the Beslutsunderlag: every document KS gets, dated."""
    day = context.long_date(new.data["datum"])
    plans = [p.number for p in new.plans]
    with_plans = f" med {bilagor_span(plans)}" if plans else ""
    items = [f"Tjänsteskrivelse, {day}",
             f"Förslag till samverkansöverenskommelse, version {new.name}{with_plans}, {day}"]
    if lagesbild is not None:
        items.append(f"{lagesbild.title}: statistiken under överenskommelsen, med källor, {day}")
    if plans and _action_plan_proposed(new):
        items.append(f"Förslag till åtgärdsplan, version {new.name}, {day}")
    marked = [r for r in redlines if r.status == "ändrad" and r.revisions]
    if old is not None and marked:
        items.append(f"Ändringsdokument: förslaget med ändringarna markerade mot version {old.name}, {day}")
    for item in redlines:
        if item.status == "utgår" and old is not None:  # only a comparison with an old version has redlines
            items.append(f"{item.title} i version {old.name}, som utgår, {day}")
    anchor = _decided_anchor(old) if old is not None and old.ref != new.ref else None
    if anchor:
        items.append(anchor)
    return items


def _action_plan_proposed(version: Version) -> bool:
    """``True`` when the version's åtgärdsplan goes to the decision: always for a draft, for a
    decided version only when it was decided with one (kept in beslutat/)."""
    folder = version.folder / ARCHIVE_FOLDER
    return not folder.is_dir() or (folder / ACTION_PLAN_FILE_NAME).is_file()


def _decided_anchor(version: Version) -> str | None:
    """Return the line that names a sealed version's decision and its seal's digest, so the copy
    in the diarium can be checked against the data (``samverkan kontrollera --sigill``)."""
    if not seal.is_sealed(version.folder):
        return None
    decision = version.data.get("beslut") or {}
    digest = seal.digest(version.folder / SEAL_FILE)
    return (f"Gällande samverkansöverenskommelse, version {version.name}, beslutad av "
            f"{str(decision.get('organ', '')).lower()} {context.long_date(decision['datum'])}, "
            f"{decision.get('paragraf', '')} (sigill SHA-256 {marking.code(seal.grouped(digest))})"
            ) if decision.get("datum") else None


def _memo(old: Version | None, new: Version, summary, redlines: list[Redline],
          templates_dir: Path | None, lagesbild: RenderedDocument | None = None) -> RenderedDocument:
    folder = Path(templates_dir or resources.templates_dir())
    compiled = template.load(folder / MEMO_TEMPLATE, memo_module.MEMO_NAMES)
    attachments = _attachments(old, new, redlines, lagesbild)
    agreement = context.agreement_context(new)
    memo = memo_module.memo_context(old, new, summary, attachments, agreement)
    props = document_properties(agreement, f"Tjänsteskrivelse: {memo['ärende']}")
    package, parts = add_pictures(compiled.package, compiled.render(memo), [memo["logotyp"]] if memo["logotyp"] else [])
    return RenderedDocument(MEMO_FILE_NAME, props.title, write_document(package, parts, props))
