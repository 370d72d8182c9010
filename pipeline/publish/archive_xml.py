"""The XML of an archive package: METS (E-ARK CSIP/SIP 2.1), PREMIS 3, Dublin Core and the decision.

Only :mod:`archive` uses this; it knows nothing of files on disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lxml import etree

from pipeline import __version__
from pipeline.data import marks
from pipeline.data.version import Version
from pipeline.documents.memo import case_title
from pipeline.publish import masking

METS_NS = "http://www.loc.gov/METS/"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PREMIS_NS = "http://www.loc.gov/premis/v3"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
RECORD_NS = "urn:samverkan:beslut:1"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_TYPE = "Samverkansöverenskommelse"
_M, _C, _X = f"{{{METS_NS}}}", f"{{{CSIP_NS}}}", f"{{{XLINK_NS}}}"
_P = f"{{{PREMIS_NS}}}"
MIME_TYPES = {".pdf": "application/pdf", ".yaml": "application/yaml", ".json": "application/json",
              ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              ".xml": "application/xml", ".xsd": "application/xml", ".txt": "text/plain"}
FORMAT_NAMES = {".pdf": "PDF/A-2b", ".yaml": "YAML", ".json": "JSON", ".docx": "Office Open XML (Word)",
                ".xml": "XML", ".xsd": "XML Schema", ".txt": "Text (UTF-8)"}


@dataclass
class Representation:
    """One representation: its folder name, what it is, and its files (path in it → bytes)."""

    name: str
    label: str
    files: dict[str, bytes]


def facts(version: Version, decision: dict, seal_digest: str) -> dict:
    """Return what the metadata says about a decided version."""
    data = version.data
    grounds = sorted({m.replacement for m in masking.masks_of(version) if m.replacement.startswith("[Uppgift")})
    return {
        "kommun": data["parter"]["kommun"]["namn"], "län": version.county_slug,
        "lokalpolisområde": data["parter"]["polisen"]["lokalpolisområde"], "ärende": case_title(version),
        "diarienummer": decision.get("diarienummer") or data["diarienummer"],
        "organ": decision.get("organ", ""), "datum": decision.get("datum", ""),
        "paragraf": decision.get("paragraf", ""), "version": version.name,
        "från": str(data["giltighetstid"]["från"]), "till": str(data["giltighetstid"]["till"]),
        "sigill": seal_digest, "sekretess": [g.strip("[]").replace("Uppgift borttagen med stöd av ", "")
                                             for g in grounds],
        "roll": [p["roll"] for _, p in marks.persons(data)
                 if p.get(marks.PERSON_FIELD) == marks.ROLE_ONLY and p.get("roll")],
        "exempel": data.get("exempel"),
    }


def _tostring(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def dublin_core(f: dict) -> bytes:
    """Return the Dublin Core record of the package."""
    root = etree.Element("metadata", nsmap={"dc": DC_NS, "dcterms": DCTERMS_NS})
    d, t = f"{{{DC_NS}}}", f"{{{DCTERMS_NS}}}"
    _sub(root, d + "title", f"Samverkansöverenskommelse mellan {f['kommun']} och lokalpolisområde "
                            f"{f['lokalpolisområde']}, version {f['version']}")
    _sub(root, d + "creator", f["kommun"])
    _sub(root, d + "contributor", f"Polismyndigheten, lokalpolisområde {f['lokalpolisområde']}")
    _sub(root, d + "subject", "Samverkansöverenskommelse; brottsförebyggande arbete; trygghet")
    _sub(root, d + "description", decision_sentence(f))
    _sub(root, d + "date", f["datum"])
    _sub(root, d + "type", CONTENT_TYPE)
    _sub(root, d + "identifier", f["diarienummer"])
    _sub(root, d + "language", "sv")
    _sub(root, t + "valid", f"{f['från']}/{'' if f['till'] == 'tills vidare' else f['till']}")
    _sub(root, d + "rights", access_note(f))
    return _tostring(root)


def decision_sentence(f: dict) -> str:
    """Return the decision in one sentence."""
    return (f"{f['organ']} i {f['kommun']} beslutade {f['datum']}, {f['paragraf']}, att godkänna "
            f"överenskommelsen (ärende: {f['ärende']}; diarienummer {f['diarienummer']}).")


def access_note(f: dict) -> str:
    """Return what the package says about sekretess and persons published by role."""
    notes = []
    if f["sekretess"]:
        notes.append("Handlingarna innehåller uppgifter som är sekretessmarkerade med stöd av "
                     + ", ".join(f["sekretess"]) + "; pröva sekretessen innan de lämnas ut.")
    if f["roll"]:
        notes.append("Namnen på " + ", ".join(r.lower() for r in f["roll"]) + " publiceras endast med roll.")
    return " ".join(notes) or "Inga uppgifter i handlingarna är sekretessmarkerade."


def decision_record(f: dict) -> bytes:
    """Return the decision as a record of its own (kommun, ärende, diarienummer, organ, datum, paragraf)."""
    root = etree.Element(f"{{{RECORD_NS}}}beslut", nsmap={None: RECORD_NS})
    n = f"{{{RECORD_NS}}}"
    for key, tag in (("kommun", "kommun"), ("län", "lan"), ("ärende", "arende"), ("diarienummer", "diarienummer"),
                     ("organ", "organ"), ("datum", "datum"), ("paragraf", "paragraf"), ("version", "version")):
        _sub(root, n + tag, f[key])
    _sub(root, n + "giltighet", None, fran=f["från"], till=f["till"])
    _sub(root, n + "sigill", f["sigill"], algoritm="SHA-256")
    secrecy = _sub(root, n + "sekretess")
    for ground in f["sekretess"]:
        _sub(secrecy, n + "lagrum", ground)
    if f["exempel"]:
        _sub(root, n + "exempel", f["exempel"])
    return _tostring(root)


def _mets_root(object_id: str, label: str, created: str, representation: bool, organisation: str | None = None):
    nsmap = {"mets": METS_NS, "csip": CSIP_NS, "sip": SIP_NS, "xlink": XLINK_NS, "xsi": XSI_NS}
    root = etree.Element(_M + "mets", nsmap=nsmap)
    root.set("OBJID", object_id)
    root.set("LABEL", label)
    root.set("TYPE", "Other")
    root.set(_C + "OTHERTYPE", CONTENT_TYPE)
    root.set(_C + "CONTENTINFORMATIONTYPE", "OTHER")
    root.set(_C + "OTHERCONTENTINFORMATIONTYPE", CONTENT_TYPE)
    root.set("PROFILE", SIP_PROFILE)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{METS_NS} schemas/mets.xsd {XLINK_NS} schemas/xlink.xsd"
             if not representation else f"{METS_NS} ../../schemas/mets.xsd {XLINK_NS} ../../schemas/xlink.xsd")
    header = _sub(root, _M + "metsHdr", CREATEDATE=created, LASTMODDATE=created, RECORDSTATUS="NEW")
    header.set(_C + "OAISPACKAGETYPE", "SIP")
    agent = _sub(header, _M + "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    _sub(agent, _M + "name", "samverkan")
    _sub(agent, _M + "note", __version__).set(_C + "NOTETYPE", "SOFTWARE VERSION")
    if organisation:  # the archival creator and the submitter (SIP 2.1): the kommun
        _sub(_sub(header, _M + "agent", ROLE="ARCHIVIST", TYPE="ORGANIZATION"), _M + "name", organisation)
        _sub(_sub(header, _M + "agent", ROLE="OTHER", OTHERROLE="SUBMITTER", TYPE="ORGANIZATION"), _M + "name",
             organisation)
    return root


def _file(group, path: str, data: bytes, created: str, file_id: str):
    suffix = "." + path.rsplit(".", 1)[-1].lower()
    entry = _sub(group, _M + "file", ID=file_id, MIMETYPE=MIME_TYPES.get(suffix, "application/octet-stream"),
                 SIZE=len(data), CREATED=created, CHECKSUM=hashlib.sha256(data).hexdigest(), CHECKSUMTYPE="SHA-256")
    _sub(entry, _M + "FLocat", LOCTYPE="URL").attrib.update({_X + "type": "simple", _X + "href": path})
    return entry


def _md_ref(section, path: str, data: bytes, created: str, md_type: str, other: str | None = None):
    ref = _sub(section, _M + "mdRef", LOCTYPE="URL", MDTYPE=md_type, MIMETYPE="application/xml", SIZE=len(data),
               CREATED=created, CHECKSUM=hashlib.sha256(data).hexdigest(), CHECKSUMTYPE="SHA-256")
    if other:
        ref.set("OTHERMDTYPE", other)
    ref.attrib.update({_X + "type": "simple", _X + "href": path})


def _ids(prefix: str, path: str) -> str:
    return prefix + "-" + hashlib.sha1(path.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def representation_mets(package: str, rep: Representation, created: str) -> bytes:
    """Return a representation's METS: its files in one group, and its structural map."""
    root = _mets_root(f"{package}-{rep.name}", rep.label, created, representation=True)
    files = _sub(root, _M + "fileSec", ID="filesec-" + rep.name)
    group = _sub(files, _M + "fileGrp", ID="grp-data", USE="Data")
    ids = [_file(group, path, data, created, _ids("file", path)).get("ID") for path, data in sorted(rep.files.items())]
    structure = _sub(root, _M + "structMap", ID="struct-" + rep.name, TYPE="PHYSICAL", LABEL="CSIP")
    top = _sub(structure, _M + "div", ID="div-" + rep.name, LABEL=rep.name)
    data_div = _sub(top, _M + "div", ID="div-data", LABEL="Data")
    for file_id in ids:
        _sub(data_div, _M + "fptr", FILEID=file_id)
    return _tostring(root)


def package_mets(package: str, f: dict, files: dict[str, bytes], reps: dict[str, Representation],
                 created: str) -> bytes:
    """Return the package's root METS: metadata sections, file groups for documentation, schemas and
    each representation's METS, and the CSIP structural map."""
    root = _mets_root(package, f"Samverkansöverenskommelse {f['kommun']}, version {f['version']}", created,
                      representation=False, organisation=f["kommun"])
    dmd_ids = []
    for name, md_type, other in (("dc.xml", "DC", None), ("beslut.xml", "OTHER", "samverkan-beslut")):
        path = f"metadata/descriptive/{name}"
        dmd_ids.append("dmd-" + name.split(".")[0])
        section = _sub(root, _M + "dmdSec", ID=dmd_ids[-1], CREATED=created, STATUS="CURRENT")
        _md_ref(section, path, files[path], created, md_type, other)
    amd = _sub(root, _M + "amdSec")
    digiprov = _sub(amd, _M + "digiprovMD", ID="digiprov-premis", STATUS="CURRENT")
    premis_path = "metadata/preservation/premis.xml"
    _md_ref(digiprov, premis_path, files[premis_path], created, "PREMIS")
    file_sec = _sub(root, _M + "fileSec", ID="filesec-package")
    groups = {}
    for use, prefix in (("Documentation", "documentation/"), ("Schemas", "schemas/")):
        group = _sub(file_sec, _M + "fileGrp", ID="grp-" + use.lower(), USE=use)
        group.set(_C + "CONTENTINFORMATIONTYPE", "OTHER")
        group.set(_C + "OTHERCONTENTINFORMATIONTYPE", CONTENT_TYPE)
        groups[use] = [_file(group, p, d, created, _ids("file", p)).get("ID")
                       for p, d in sorted(files.items()) if p.startswith(prefix)]
    for rep in reps.values():
        group = _sub(file_sec, _M + "fileGrp", ID="grp-" + rep.name, USE=f"Representations/{rep.name}")
        group.set(_C + "CONTENTINFORMATIONTYPE", "OTHER")
        group.set(_C + "OTHERCONTENTINFORMATIONTYPE", CONTENT_TYPE)
        path = f"representations/{rep.name}/METS.xml"
        groups[rep.name] = [_file(group, path, files[path], created, _ids("file", path)).get("ID")]
    structure = _sub(root, _M + "structMap", ID="struct-package", TYPE="PHYSICAL", LABEL="CSIP")
    top = _sub(structure, _M + "div", ID="div-package", LABEL=package)
    _sub(top, _M + "div", ID="div-metadata", LABEL="Metadata", ADMID="digiprov-premis", DMDID=" ".join(dmd_ids))
    for use in ("Documentation", "Schemas"):
        div = _sub(top, _M + "div", ID="div-" + use.lower(), LABEL=use)
        for file_id in groups[use]:
            _sub(div, _M + "fptr", FILEID=file_id)
    representations = _sub(top, _M + "div", ID="div-representations", LABEL="Representations")
    for rep in reps.values():
        _sub(representations, _M + "fptr", FILEID=groups[rep.name][0])
    for rep in reps.values():
        div = _sub(representations, _M + "div", ID="div-" + rep.name, LABEL=f"Representations/{rep.name}")
        pointer = _sub(div, _M + "mptr", LOCTYPE="URL")
        pointer.attrib.update({_X + "type": "simple", _X + "href": f"representations/{rep.name}/METS.xml",
                               _X + "title": rep.label})
        _sub(div, _M + "fptr", FILEID=groups[rep.name][0])
    return _tostring(root)


def premis(f: dict, reps: dict[str, Representation], sealed: dict[str, str], created: str) -> bytes:
    """Return the PREMIS record: every file with its SHA-256 (the seal's, for sealed files), and the
    events decision, sealing, conversion to PDF/A and packaging, with their agents."""
    root = etree.Element(_P + "premis", nsmap={"premis": PREMIS_NS, "xsi": XSI_NS}, version="3.0")
    for rep in reps.values():
        for path, data in sorted(rep.files.items()):
            name = path.split("/", 1)[1]
            _premis_object(root, f"representations/{rep.name}/{path}", data, sealed.get(name))
    events = [("beslut", "decision", f"{f['datum']}", decision_sentence(f), "kommun"),
              ("forsegling", "message digest calculation", f"{f['datum']}",
               f"Versionen förseglades: SHA-256 för varje fil i sigill.json (sigillets kontrollsumma {f['sigill']}).",
               "samverkan"),
              ("kontroll", "fixity check", created, "Varje fil i rep2 stämmer med sigillets kontrollsumma.",
               "samverkan"),
              ("pdfa", "migration", created, "Dokumenten i beslutat/ konverterades till PDF/A-2 (LibreOffice).",
               "libreoffice"),
              ("paket", "information package creation", created, "Arkivpaketet (E-ARK SIP 2.1) skapades.", "samverkan")]
    for identifier, kind, when, detail, agent in events:
        event = _sub(root, _P + "event")
        _local_identifier(event, "eventIdentifier", identifier)
        _sub(event, _P + "eventType", kind)
        _sub(event, _P + "eventDateTime", when)
        _sub(_sub(event, _P + "eventDetailInformation"), _P + "eventDetail", detail)
        _local_identifier(event, "linkingAgentIdentifier", agent)
    for identifier, name, kind in (("kommun", f["kommun"], "organization"),
                                   ("samverkan", f"samverkan {__version__}", "software"),
                                   ("libreoffice", "LibreOffice", "software")):
        agent = _sub(root, _P + "agent")
        _local_identifier(agent, "agentIdentifier", identifier)
        _sub(agent, _P + "agentName", name)
        _sub(agent, _P + "agentType", kind)
    return _tostring(root)


def _local_identifier(parent, name: str, value: str) -> None:
    """Add a PREMIS identifier of type "local": <name><nameType>local</…><nameValue>value</…></name>."""
    holder = _sub(parent, _P + name)
    _sub(holder, _P + name + "Type", "local")
    _sub(holder, _P + name + "Value", value)


def _premis_object(root, path: str, data: bytes, sealed_digest: str | None) -> None:
    suffix = "." + path.rsplit(".", 1)[-1].lower()
    item = _sub(root, _P + "object")
    item.set(f"{{{XSI_NS}}}type", "premis:file")
    _local_identifier(item, "objectIdentifier", path)
    characteristics = _sub(item, _P + "objectCharacteristics")
    fixity = _sub(characteristics, _P + "fixity")
    _sub(fixity, _P + "messageDigestAlgorithm", "SHA-256")
    _sub(fixity, _P + "messageDigest", sealed_digest or hashlib.sha256(data).hexdigest())
    _sub(fixity, _P + "messageDigestOriginator", "sigill.json" if sealed_digest else "samverkan")
    _sub(characteristics, _P + "size", str(len(data)))
    designation = _sub(_sub(characteristics, _P + "format"), _P + "formatDesignation")
    _sub(designation, _P + "formatName", FORMAT_NAMES.get(suffix, "okänt"))


def documentation(f: dict, reps: dict[str, Representation]) -> str:
    """Return the package's description for an archivist, in Swedish."""
    lines = [f"Arkivpaket: samverkansöverenskommelse mellan {f['kommun']} och lokalpolisområde "
             f"{f['lokalpolisområde']}, version {f['version']}.", "",
             decision_sentence(f), f"Giltighetstid: {f['från']} – {f['till']}.",
             f"Sigillets kontrollsumma (SHA-256 över sigill.json): {f['sigill']}.", access_note(f), "",
             "Innehåll:"]
    for rep in reps.values():
        lines.append(f"  representations/{rep.name}/ – {rep.label}:")
        lines += [f"    {path}" for path in sorted(rep.files)]
    lines += ["  metadata/descriptive/dc.xml – Dublin Core", "  metadata/descriptive/beslut.xml – beslutet",
              "  metadata/preservation/premis.xml – PREMIS: kontrollsummor och händelser", "",
              "Paketet följer E-ARK CSIP och SIP 2.1 (FGS Paketstruktur 2.0) och gjordes av samverkan."]
    if f["exempel"]:
        lines += ["", f"Om innehållet: {f['exempel']}"]
    return "\n".join(lines) + "\n"
