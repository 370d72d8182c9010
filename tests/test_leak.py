"""The leak test: no masked text of the example data in any public output.

The masked texts are read from the YAML files here, independently of the
masking code: every ``[sekretess: …]…[/sekretess]`` passage, every text of a
section marked ``sekretess``, and the name, telephone and e-mail of every person
marked ``publiceras_som: roll``. The outputs are everything public that the
pipeline makes from the three drafts with marks (Falun 2027, Hedemora 2026,
Säter 2026): ``render``, ``diff`` and ``underlag`` with ``--offentlig``, ``batch
--offentlig``, and – after Falun 2027 is decided in a copy – ``publicera`` and a
public comparison with a newer version that deleted the secrets. Each .docx is
scanned part by part (text joined across runs, attribute values, docProps,
comments), each PDF through pdftotext, each HTML page as text and attributes;
whitespace, soft hyphens and hyphens are ignored and case is folded, and for
passages every run of five words is searched too.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import AGREEMENTS, LIBREOFFICE, edit

# Every test here reads the outputs of batch runs over the whole example county.
pytestmark = pytest.mark.slow

MARKED = ["falun/2027", "hedemora/2026", "sater/2026"]
_PASSAGE = re.compile(r"\[\s*sekretess[^\]]*\](.*?)\[\s*/\s*sekretess\s*\]", re.IGNORECASE | re.DOTALL)


def secrets_in(value, found: dict[str, bool], section: bool = False) -> None:
    """Add to ``found`` (text → is a passage) every masked text in YAML data."""
    if isinstance(value, dict):
        inner = section or bool(value.get("sekretess"))
        if value.get("publiceras_som") == "roll":
            name = value["namn"]
            found[name] = False
            found[re.sub(r"\s*\(.*\)$", "", name)] = False
            for key in ("telefon", "epost"):
                if value.get(key):
                    found[value[key]] = False
        for key, child in value.items():
            if key != "sekretess":
                secrets_in(child, found, inner)
    elif isinstance(value, list):
        for child in value:
            secrets_in(child, found, section)
    elif isinstance(value, str):
        if section:
            found[value] = True
        for passage in _PASSAGE.findall(value):
            found[passage] = True


def example_secrets(keys: list[str] = MARKED) -> dict[str, bool]:
    """Return every masked text of the example data (text → is a passage) of versions ``keys``."""
    found: dict[str, bool] = {}
    for key in keys:
        folder = AGREEMENTS / "dalarna" / key
        for path in [folder / "overenskommelse.yaml", *sorted((folder / "planer").glob("*.yaml"))]:
            secrets_in(yaml.safe_load(path.read_text(encoding="utf-8")), found)
    return found


def squeeze(text: str) -> str:
    """Return text reduced for searching: no whitespace, soft hyphens or hyphens, case folded."""
    return re.sub(r"[\s\u00ad\-]+", "", html.unescape(text)).casefold()


def needles(secrets: dict[str, bool]) -> list[tuple[str, str]]:
    """Return (what, squeezed needle): every text whole and, for passages, every five words in a row."""
    found = []
    for text, passage in secrets.items():
        found.append((text, squeeze(text)))
        words = text.split()
        if passage and len(words) > 5:
            found += [(" ".join(words[i:i + 5]), squeeze(" ".join(words[i:i + 5])))
                      for i in range(len(words) - 4)]
    return found


def texts_of(path: Path) -> list[tuple[str, str]]:
    """Return (where, text) for everything a reader or a program can find in an output file."""
    if path.suffix == ".docx":
        found = []
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")):
                    xml = archive.read(name).decode("utf-8")
                    found.append((f"{path.name}:{name}", re.sub(r"<[^>]+>", "", xml)))  # runs joined
                    found.append((f"{path.name}:{name} (attribut)", " | ".join(re.findall(r'="([^"]*)"', xml))))
        return found
    if path.suffix == ".pdf":
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
        return [(path.name, text.decode("utf-8"))]
    if path.suffix in (".html", ".css"):
        raw = path.read_text(encoding="utf-8")
        return [
            (path.name, re.sub(r"<[^>]+>", "", raw)),
            (f"{path.name} (attribut)", " | ".join(re.findall(r'="([^"]*)"', raw))),
        ]
    return []


def kommun_of(path: Path) -> str:
    """Return the marked kommun an output belongs to (by its path)."""
    return next(k.split("/")[0] for k in MARKED if k.split("/")[0] in path.parts)


def public_leaks(files: list[Path]) -> list[str]:
    """Return every masked text of a kommun found in that kommun's public outputs."""
    found = []
    for key in MARKED:
        kommun = key.split("/")[0]
        found += leaks([f for f in files if kommun_of(f) == kommun], example_secrets([key]))
    return found


def leaks(files: list[Path], secrets: dict[str, bool]) -> list[str]:
    """Return every masked text (or five words of one) found in ``files``, with where."""
    wanted = needles(secrets)
    found = []
    for path in files:
        for where, text in texts_of(path):
            hay = squeeze(text)
            found += [f"{where}: {what!r}" for what, needle in wanted if needle and needle in hay]
    return found


def _of_marked(path: Path) -> bool:
    """``True`` for a batch output of a marked version: its documents or a comparison ending in it."""
    for key in MARKED:
        kommun, version = key.split("/")
        if kommun in path.parts and any(part == version or part.endswith(f"-{version}") for part in path.parts):
            return True
    return False


@pytest.fixture(scope="module")
def public_outputs(tmp_path_factory):
    """Return every public output made from the example data's marked versions."""
    import datetime as dt

    from pipeline.county.batch import run_batch
    from pipeline.publish import public, site
    from pipeline.versions.lifecycle import Decision, record_decision, start_version

    base = tmp_path_factory.mktemp("offentlig")
    county = base / "agreements" / "dalarna"
    shutil.copytree(AGREEMENTS / "dalarna", county)
    out = base / "ut"
    written = []
    for key in MARKED:
        written += public.render_public(county / key, out / key / "render")
    written += public.diff_public(county / "falun/2023", county / "falun/2027", out / "falun" / "diff")[1]
    for key in ("hedemora/2026", "sater/2026"):
        written += public.propose_public(county / key, out / key / "underlag")[1]
    report = run_batch(county, out / "batch", jobs=1, public=True)
    assert not report.problems, report.problems
    written += [p for p in (out / "batch").rglob("*.docx") if "offentlig" in p.parts and _of_marked(p)]
    # Falun 2027 decided; the public web publication of it, and a newer version without the secrets.
    edit(county / "falun/2027/overenskommelse.yaml", "datum: 2027-01-19", "datum: 2026-11-18")
    edit(county / "falun/2027/overenskommelse.yaml", "datum: 2027-02-09", "datum: 2026-11-20")
    record_decision(county / "falun/2027", Decision("Kommunstyrelsen", "2026-11-20", "§ 20", "KS2026/0912"))
    if LIBREOFFICE:
        written += site.publish_version(county / "falun/2027", out / "falun" / "webb", today=dt.date(2026, 11, 27))
    newer, _ = start_version(county / "falun", "2028", today=dt.date(2026, 11, 26), keep_case_number=True)
    edit(
        newer / "overenskommelse.yaml",
        "[sekretess: OSL 18 kap. 1 §]Polisen bedömer att en grupp med kopplingar till\n"
        "    Borlänge använder resecentrum i Falun för att rekrytera ungdomar till narkotikaförsäljning.[/sekretess]",
        "",
    )
    plan = newer / "planer" / "02-narkotika-unga.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(_PASSAGE.sub("", text), encoding="utf-8")
    comparison, paths = public.diff_public(county / "falun/2027", newer, out / "falun" / "2028")
    written += paths
    return {"files": written, "comparison": comparison, "out": out, "county": county}


def test_the_example_data_has_marks_in_at_least_two_kommuner():
    secrets = example_secrets()
    assert sum(1 for passage in secrets.values() if passage) >= 4
    names = [text for text, passage in secrets.items() if not passage]
    assert "Johanna Påhittad (exempel)" in names and "Mats Exempelberg (exempel)" in names


def test_the_scanner_finds_the_secrets_in_the_internal_documents(tmp_path):
    """A positive control: the same scan finds every secret where it belongs."""
    from pipeline.documents.render import render

    files = []
    for key in MARKED:
        files += render(AGREEMENTS / "dalarna" / key, tmp_path / key)
    found = leaks(files, {k: v for k, v in example_secrets().items()})
    for text in example_secrets():
        assert any(repr(text) in line for line in found), text


def test_no_masked_text_in_any_public_word_file(public_outputs):
    files = [p for p in public_outputs["files"] if p.suffix == ".docx"]
    assert len(files) >= 25
    assert public_leaks(files) == []


def test_a_deleted_secret_is_deleted_as_its_notice(public_outputs):
    redline = next(
        p for p in public_outputs["files"] if p.name == "andringar-samverkansoverenskommelse.docx" and "2028" in p.parts
    )
    with zipfile.ZipFile(redline) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    deleted = "".join(re.findall(r"<w:delText[^>]*>([^<]*)</w:delText>", body))
    assert "Uppgift borttagen med stöd av OSL 18 kap. 1 §" in deleted
    assert public_leaks([redline]) == []


def test_role_only_persons_show_their_role(public_outputs):
    agreement = next(
        p
        for p in public_outputs["files"]
        if p.name == "samverkansoverenskommelse.docx" and "falun/2027/render" in p.as_posix()
    )
    with zipfile.ZipFile(agreement) as archive:
        text = re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode("utf-8"))
    assert "Lokalpolisområdeschef" in text and "[Uppgift borttagen med stöd av OSL 18 kap. 1 §]" in text


def test_a_role_only_signatory_is_named_by_the_role_once(public_outputs):
    """The public signature block says "Lokalpolisområdeschef" once: the role stands where the name
    stood, not as both name and role."""
    import docx

    for key in MARKED:
        agreement = next(p for p in public_outputs["files"]
                         if p.name == "samverkansoverenskommelse.docx" and f"{key}/render" in p.as_posix())
        texts = [p.text for p in docx.Document(agreement).paragraphs]
        start = next(i for i, t in enumerate(texts) if t.startswith("För Polismyndigheten, lokalpolisområde"))
        block = texts[start:texts.index("", start + 3)]  # up to the blank line that ends the block
        assert block[-2:] == ["______________________________________", "Lokalpolisområdeschef"], (key, block)


@pytest.mark.libreoffice
def test_no_masked_text_in_any_public_pdf_or_web_page(public_outputs, tmp_path):
    from pipeline.publish.package import decision_package
    from pipeline.publish.pdf import convert_run

    documents = [p for p in public_outputs["files"] if p.suffix == ".docx"]
    comparison = public_outputs["comparison"]
    written, problems = convert_run(documents, [decision_package(comparison, tmp_path / "falun")])
    assert not problems
    pages = [p for p in public_outputs["files"] if p.suffix in (".html", ".pdf")]
    assert len([p for p in pages if p.suffix == ".html"]) >= 5
    assert public_leaks(written + pages) == []
