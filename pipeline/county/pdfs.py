"""PDFs and beslutspaket for a batch run: made where missing or older than their documents,
all in one LibreOffice run, and recorded in the manifest like any job.

A PDF is the job "pdf:<path>", fingerprinted by its document's checksum; a package is
"paket:<comparison key>", fingerprinted by its parts. Without ``--pdf`` the PDFs that
no longer match their documents are removed, so no PDF ever disagrees with its .docx.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.county.manifest import Manifest, fingerprint
from pipeline.county.plan import BatchPlan
from pipeline.county.results import BatchReport
from pipeline.layout import PACKAGE_FILE
from pipeline.publish.package import package_from_plan
from pipeline.publish.pdf import EXPORT_FILTER, convert_run


@dataclass
class Wanted:
    """The PDFs and packages the outputs call for: each key with its fingerprint, and those due."""

    prints: dict[str, str] = field(default_factory=dict)
    documents: list[Path] = field(default_factory=list)  # .docx whose PDF is missing or old
    packages: list[tuple[str, list[str], Path]] = field(default_factory=list)  # (key, members, target)


def make_pdfs(plan: BatchPlan, manifest: Manifest, report: BatchReport, force: bool, make: bool) -> None:
    """Make the PDFs (and beslutspaket) that are missing or older than their documents; without
    ``make``, remove the ones that are older, so no PDF disagrees with its document."""

    if not make and not any(k.startswith(("pdf:", "paket:")) for k in manifest.entries):
        return  # no PDFs were ever made here: nothing can be out of date
    counties = {county.name for county in plan.counties}
    wanted = _wanted(manifest, counties, force, EXPORT_FILTER)
    for key in [k for k in manifest.entries if k.startswith(("pdf:", "paket:")) and k not in wanted.prints
                and k.split(":", 1)[1].split("/")[0] in counties]:
        report.removed += manifest.drop(key)  # the document it was made from is gone
    if make:
        _convert(manifest, report, wanted)
    else:
        _remove_outdated(manifest, report, wanted)


def _wanted(manifest: Manifest, counties: set[str], force: bool, export_filter: str) -> Wanted:
    """Return every PDF and package the county's outputs call for, and which are due."""
    wanted = Wanted()
    for key, entry in sorted(manifest.entries.items()):
        if key.split("/")[0] not in counties:
            continue
        for name, record in entry.files.items():
            if name.endswith(".docx"):
                pdf_key = "pdf:" + name[: -len(".docx")] + ".pdf"
                wanted.prints[pdf_key] = fingerprint(record["sha256"], export_filter)
                if force or not manifest.up_to_date(pdf_key, wanted.prints[pdf_key]):
                    wanted.documents.append(manifest.folder / name)
    for key, members in _awaiting_decision(manifest, counties).items():
        package_key = "paket:" + key
        wanted.prints[package_key] = fingerprint([manifest.entries[m].files for m in members], export_filter)
        if force or not manifest.up_to_date(package_key, wanted.prints[package_key]):
            wanted.packages.append((key, members, manifest.folder / key / PACKAGE_FILE))
    return wanted


def _remove_outdated(manifest: Manifest, report: BatchReport, wanted: Wanted) -> None:
    """Remove the PDFs and packages that are older than their documents (no --pdf this time)."""
    keys = ["pdf:" + path.with_suffix(".pdf").relative_to(manifest.folder).as_posix() for path in wanted.documents]
    keys += ["paket:" + key for key, _, _ in wanted.packages]
    for key in keys:
        if key in manifest.entries:
            report.removed += manifest.drop(key)


def _convert(manifest: Manifest, report: BatchReport, wanted: Wanted) -> None:
    """Convert what is due in one LibreOffice run and record what was made."""

    if not wanted.documents and not wanted.packages:
        return
    written, problems = convert_run(wanted.documents, [_package(manifest, members, target)
                                                       for _, members, target in wanted.packages])
    report.problems += problems
    made = set(written)
    made_keys = [("pdf:" + path.with_suffix(".pdf").relative_to(manifest.folder).as_posix(), path.with_suffix(".pdf"))
                 for path in wanted.documents]
    made_keys += [("paket:" + key, target) for key, _, target in wanted.packages]
    for key, target in made_keys:
        if target in made:
            manifest.record(key, wanted.prints[key], [target], {target: _sha(target)})
    report.written += written


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _awaiting_decision(manifest: Manifest, counties: set[str]) -> dict[str, list[str]]:
    """Return, for each comparison or first-agreement memo whose version is a draft, the jobs its
    package is made of (the memo and redlines, then the version's documents). Which version a job
    belongs to is a fact the job recorded, never parsed out of its name."""
    found = {}
    for key, entry in manifest.entries.items():
        facts = entry.facts or {}
        if key.split("/")[0] not in counties or "version_jobb" not in facts or "paket" not in facts:
            continue
        version = manifest.entries.get(facts["version_jobb"])
        if version is not None and (version.facts or {}).get("status") == "utkast" and entry.files:
            found[key] = [key, facts["version_jobb"]]
    return found


def _package(manifest: Manifest, members: list[str], target: Path):
    """Return (title, parts, target, cover) for pdf.convert_run, as the comparison planned it: the
    memo and redlines from its folder, the proposal from the version's folder."""
    comparison = manifest.entries[members[0]]
    folders = {"underlag": target.parent, "version": manifest.folder / members[1]}
    plan = (comparison.facts or {})["paket"]  # the members were chosen for having one
    return package_from_plan(plan, lambda where, name: (folders[where] / name).read_bytes(), target)
