"""The use case *arkiv*: a decided, sealed version as an E-ARK SIP 2.1 (FGS Paketstruktur 2.0).

The package holds, in representation ``rep1``, the decided documents as PDF/A
(made from ``beslutat/`` by LibreOffice) and, in ``rep2``, what they were made
from: the YAML data, the frozen county text, the documents as decided and the
seal. Descriptive metadata names the kommun, the case, its diarienummer, the
deciding body, the date and the paragraph (Dublin Core and a record of our own);
PREMIS gives every file its SHA-256 – for the sealed files the seal's checksum,
checked against the file – and the events: decision, sealing, conversion to
PDF/A, packaging. An unsealed or tampered version is refused. The package is
written as a folder and as a zip of that folder. The archive copy is complete:
passages under sekretess are in it, and the metadata says so and on what ground.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import resources
from pipeline.data import seal
from pipeline.data.validate import validate_version
from pipeline.data.version import Version
from pipeline.documents.render import decided_documents
from pipeline.errors import DataError, Problem
from pipeline.files import output
from pipeline.layout import DEFAULT_OUTPUT, SEAL_FILE
from pipeline.ooxml.package import zip_bytes
from pipeline.publish import archive_xml as xml
from pipeline.publish.pdf import pdf_bytes
from pipeline.publish.site import require_decided

SCHEMA_FILES = ("mets.xsd", "xlink.xsd")
DOCUMENTATION = "om-paketet.txt"


@dataclass
class ArchivePackage:
    """An archive package in memory: its id and its files (path inside the package → bytes)."""

    id: str
    files: dict[str, bytes] = field(default_factory=dict)

    def zip_bytes(self) -> bytes:
        """Return the package as a zip of its folder (sorted entries, fixed times)."""
        return zip_bytes({f"{self.id}/{name}": self.files[name] for name in sorted(self.files)}, level=6)


def package_id(version: Version) -> str:
    """Return a package's id and folder name: "samverkan-dalarna-orsa-2023"."""
    return f"samverkan-{version.county_slug}-{version.kommun_slug}-{version.name}"


def archive_version(version_dir: Path, out_dir: Path | None = None, now: dt.datetime | None = None) -> list[Path]:
    """Validate a decided, sealed version and write its archive package as a folder and a zip
    (default ``ut/<län>/<kommun>/<version>/arkiv``); return the files written, the zip last."""
    version = validate_version(version_dir)  # a tampered version is refused here, naming the files
    package = build(version, now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    target = Path(out_dir) if out_dir else version.ref.archive_dir()
    output.check_output_place(version.data_root, target)
    return write(package, target, within=None if out_dir else DEFAULT_OUTPUT)


def write(package: ArchivePackage, target: Path, within: Path | None = None) -> list[Path]:
    """Write the package folder one sub-folder at a time, the root METS.xml last (a folder without it
    is no package), then the zip; return every file written."""
    by_folder: dict[str, dict[str, bytes]] = {}
    for name, data in package.files.items():
        folder, _, base = name.rpartition("/")
        by_folder.setdefault(folder, {})[base] = data
    written = []
    root = target / package.id
    for folder in sorted(by_folder, key=lambda f: (f == "", f)):
        written += output.write_all(root / folder if folder else root, by_folder[folder], within=within or target)
    written += output.write_all(target, {f"{package.id}.zip": package.zip_bytes()}, within=within)
    return written


def build(version: Version, now: dt.datetime) -> ArchivePackage:
    """Return the archive package of a decided, sealed version."""
    require_decided(version, "arkiveras")
    decision, sealed = seal.read(version.folder)
    sources = _sealed_sources(version, sealed)
    pdfs = _pdfs(version)
    package = ArchivePackage(package_id(version))
    created = now.isoformat()
    reps = {
        "rep1": xml.Representation("rep1", "Beslutade dokument som PDF/A-2",
                                   {f"data/{name}": data for name, data in pdfs.items()}),
        "rep2": xml.Representation("rep2", "Källdata, dokumenten som de beslutades och sigillet",
                                   {f"data/{name}": data for name, data in sources.items()}),
    }
    for rep in reps.values():
        for name, data in rep.files.items():
            package.files[f"representations/{rep.name}/{name}"] = data
        package.files[f"representations/{rep.name}/METS.xml"] = xml.representation_mets(package.id, rep, created)
    facts = xml.facts(version, decision, seal.digest(version.folder / SEAL_FILE))
    package.files["metadata/descriptive/dc.xml"] = xml.dublin_core(facts)
    package.files["metadata/descriptive/beslut.xml"] = xml.decision_record(facts)
    package.files["metadata/preservation/premis.xml"] = xml.premis(facts, reps, sealed, created)
    package.files[f"documentation/{DOCUMENTATION}"] = xml.documentation(facts, reps).encode("utf-8")
    for name in SCHEMA_FILES:
        package.files[f"schemas/{name}"] = (resources.templates_dir() / "arkiv" / name).read_bytes()
    package.files["METS.xml"] = xml.package_mets(package.id, facts, package.files, reps, created)
    return package


def _sealed_sources(version: Version, sealed: dict[str, str]) -> dict[str, bytes]:
    """Return the sealed files and the seal (name → bytes), each checked against its checksum."""
    files = {}
    for name, expected in sorted(sealed.items()):
        data = (version.folder / name).read_bytes()
        if hashlib.sha256(data).hexdigest() != expected:  # changed since validation: refuse
            raise DataError(Problem(version.folder / name, "filen stämmer inte med sigillet; inget arkivpaket skrevs"))
        files[name] = data
    files[SEAL_FILE] = (version.folder / SEAL_FILE).read_bytes()
    return files


def _pdfs(version: Version) -> dict[str, bytes]:
    """Return the documents as decided, as PDF/A (name → bytes, by name), from one LibreOffice run."""

    return dict(sorted(pdf_bytes(decided_documents(version)).items()))
