"""The archive package (pipeline/publish/archive.py): E-ARK SIP 2.1 checked by eark-validator, fixity
from the seal, decision metadata, and refusal of unsealed or tampered versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import urllib.request
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import AGREEMENTS, ROOT
from pipeline.data.seal import read as read_seal
from pipeline.errors import PipelineError
from pipeline.publish.archive import archive_version

VOCABULARIES = ROOT.parent / "shared" / "eark-vocabularies"
ORSA_2023 = AGREEMENTS / "dalarna" / "orsa" / "2023"
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.timezone.utc)
# eark-validator 1.1.3 checks SIP14 ("the note of a CREATOR agent has NOTETYPE IDENTIFICATIONCODE")
# on every CREATOR agent, also the software agent that CSIP12–CSIP16 require, whose note must be
# csip:NOTETYPE="SOFTWARE VERSION" (and METS allows no unqualified NOTETYPE). The SIP 2.1
# specification means the submitting organisation's note; no package can satisfy both rules.
VALIDATOR_DEFECTS = {"SIP14"}
# eark-validator leaves the METS.xml it parses open; that is its own, not ours.
pytestmark = [pytest.mark.corpus, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]
needs_libreoffice = pytest.mark.libreoffice

if not VOCABULARIES.is_dir():
    if os.environ.get("SAMVERKAN_REQUIRE_CORPUS") == "1":
        raise RuntimeError(f"E-ARK-vokabulären saknas: {VOCABULARIES}")
    pytest.skip(f"E-ARK-vokabulären finns inte: {VOCABULARIES}", allow_module_level=True)


def _offline(url, *args, **kwargs):
    """Serve the four vocabularies eark-validator downloads when imported from the offline copies."""
    path = VOCABULARIES / str(getattr(url, "full_url", url)).rsplit("/", 1)[-1]
    if not path.is_file():
        raise OSError(f"ingen nätverksåtkomst i testerna: {url}")
    return io.BytesIO(path.read_bytes())


def validate_package(path: Path) -> dict:
    """Return eark-validator's report on a package (folder or zip) as JSON data."""
    # eark-validator pins lxml 5.1.0, which has no wheels for Python 3.13 and later.
    pytest.importorskip("eark_validator", reason="eark-validator finns inte för denna Python")
    real = urllib.request.urlopen
    urllib.request.urlopen = _offline
    try:
        from eark_validator.packages import PackageValidator
    finally:
        urllib.request.urlopen = real
    return json.loads(PackageValidator(path).validation_report.model_dump_json())


def errors(report: dict) -> list[str]:
    """Return every message of severity Error in any part of a report, known validator defects aside."""
    messages = list(report["structure"]["messages"])
    if report.get("metadata"):
        messages += report["metadata"]["schema_results"]["messages"]
        messages += report["metadata"]["schematron_results"]["messages"]
    return [f"{m['rule_id']}: {m['message']}" for m in messages
            if m["severity"] == "Error" and m["rule_id"] not in VALIDATOR_DEFECTS]


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("arkiv")
    written = archive_version(ORSA_2023, out, now=NOW)
    assert written[-1] == out / "samverkan-dalarna-orsa-2023.zip"
    return out / "samverkan-dalarna-orsa-2023"


@needs_libreoffice
@pytest.mark.parametrize("form", ["mapp", "zip"])
def test_the_package_passes_the_e_ark_validator(package, form):
    report = validate_package(package if form == "mapp" else package.with_suffix(".zip"))
    assert report["structure"]["status"] == "WellFormed"
    assert errors(report) == []
    assert report["metadata"]["schema_results"]["status"] == "VALID"
    assert report["package"]["details"]["oaispackagetype"] == "SIP"


@needs_libreoffice
def test_only_the_known_validator_defect_is_reported(package):
    report = validate_package(package)
    found = {m["rule_id"] for m in report["metadata"]["schematron_results"]["messages"] if m["severity"] == "Error"}
    assert found <= VALIDATOR_DEFECTS


@needs_libreoffice
def test_the_package_holds_pdf_a_the_sources_and_the_seal_with_the_seal_s_checksums(package):
    files = sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()
                   and not p.name.startswith("."))
    assert "representations/rep1/data/samverkansoverenskommelse.pdf" in files
    assert "representations/rep2/data/sigill.json" in files and "representations/rep2/data/lan-gemensamt.yaml" in files
    assert "representations/rep2/data/beslutat/samverkansoverenskommelse.docx" in files
    pdf = (package / "representations/rep1/data/samverkansoverenskommelse.pdf").read_bytes()
    assert b"pdfaid:part" in pdf or b"pdfaid:part=" in pdf
    _, sealed = read_seal(ORSA_2023)
    premis = etree.parse(str(package / "metadata/preservation/premis.xml"))
    ns = {"p": "http://www.loc.gov/premis/v3"}
    digests = {o.findtext("p:objectIdentifier/p:objectIdentifierValue", namespaces=ns):
               o.findtext("p:objectCharacteristics/p:fixity/p:messageDigest", namespaces=ns)
               for o in premis.iterfind("p:object", ns)}
    for name, digest in sealed.items():
        assert digests[f"representations/rep2/data/{name}"] == digest
        assert hashlib.sha256((package / "representations/rep2/data" / name).read_bytes()).hexdigest() == digest


@needs_libreoffice
def test_the_decision_is_described(package):
    record = etree.parse(str(package / "metadata/descriptive/beslut.xml")).getroot()
    text = {etree.QName(e).localname: e.text for e in record}
    assert text["kommun"] == "Orsa kommun" and text["organ"] == "Kommunstyrelsen"
    assert text["datum"] == "2023-02-13" and text["paragraf"] == "§ 12" and text["diarienummer"] == "KS 2023/0042"
    assert text["arende"]
    with zipfile.ZipFile(package.with_suffix(".zip")) as archive:
        assert "samverkan-dalarna-orsa-2023/METS.xml" in archive.namelist()


def test_an_unsealed_version_is_refused(tmp_path):
    with pytest.raises(PipelineError) as caught:
        archive_version(AGREEMENTS / "dalarna" / "falun" / "2027", tmp_path)
    assert "inte beslutad och förseglad" in caught.value.problems[0].message
    assert not any(tmp_path.iterdir())


def test_a_tampered_version_is_refused(sealed_county, tmp_path):
    agreement = sealed_county / "orsa" / "2023" / "overenskommelse.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8") + "\n# ändrad\n", encoding="utf-8")
    with pytest.raises(PipelineError) as caught:
        archive_version(sealed_county / "orsa" / "2023", tmp_path / "ut")
    assert "har ändrats sedan versionen beslutades" in caught.value.problems[0].message
    assert not (tmp_path / "ut").exists()
