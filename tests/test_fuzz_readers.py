"""Fuzzing every reader of what a user hands the program: YAML data, follow-up workbooks and Word
files. Whatever comes in, the answer is a result or a located Swedish error – never a traceback,
never a formula on the way out, never unbounded memory."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import ORSA_2023
from fuzzing import examples
from pipeline.errors import PipelineError

FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
HOSTILE_TEXT = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["{{ 7*7 }}", "{% for x in y %}", "[sekretess: OSL 18 kap. 1 §]x", "[/sekretess]", "\x00",
                     "\u202e", "A" * 2000, "=HYPERLINK(\"x\")", "&amp;<w:p/>", "\ud800".encode("utf-8",
                     "surrogatepass").decode("utf-8", "replace"), "2023-02-30", "~", "null", "- a", "*alias"]))


@pytest.fixture(scope="module")
def version_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "agreements" / "dalarna"
    shutil.copytree(ORSA_2023.parent.parent.parent / "lan.yaml".replace("lan.yaml", ""), root,
                    ignore=shutil.ignore_patterns("*"), dirs_exist_ok=True)
    shutil.copy(ORSA_2023.parent.parent / "lan.yaml", root / "lan.yaml")
    shutil.copytree(ORSA_2023, root / "orsa" / "2023", ignore=shutil.ignore_patterns("sigill.json", "beslutat",
                                                                                      "lan-gemensamt.yaml",
                                                                                      "uppfoljning"))
    return root / "orsa" / "2023"


def _validate(folder: Path) -> None:
    from pipeline.data.validate import validate_paths

    report = validate_paths([folder])
    for problem in report.problems:
        assert isinstance(problem.message, str) and problem.message


# --- YAML -------------------------------------------------------------------------------------------

@settings(max_examples=examples(40), **FUZZ)
@given(raw=st.binary(max_size=3000))
def test_random_bytes_as_a_plan_never_end_in_a_traceback(version_copy, raw):
    plan = version_copy / "planer" / "99-fuzz.yaml"
    plan.write_bytes(raw)
    try:
        _validate(version_copy)
    finally:
        plan.unlink()


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, path + (index,))
    else:
        yield path


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    value[head] = _replace(value[head], rest, new)
    return value


@settings(max_examples=examples(30), **FUZZ)
@given(data=st.data())
def test_valid_structure_with_hostile_values_never_ends_in_a_traceback(version_copy, data):
    """Every leaf of a real plan may become a hostile text, number, list or nothing; validate and,
    when valid, render: a result or a located error."""
    from pipeline.data.validate import validate_version
    from pipeline.documents.render import render_version

    plan = version_copy / "planer" / "01-ordningsstorningar-centrum.yaml"
    original = plan.read_bytes()
    tree = yaml.safe_load(original)
    leaves = list(_leaves(tree))
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.sampled_from(leaves))
        value = data.draw(st.one_of(HOSTILE_TEXT, st.integers(), st.floats(allow_nan=True), st.none(),
                                    st.lists(HOSTILE_TEXT, max_size=3), st.dates()))
        tree = _replace(tree, where, value)
    try:
        plan.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    except UnicodeEncodeError:
        assume(False)
    try:
        _validate(version_copy)
        try:
            render_version(validate_version(version_copy))
        except PipelineError as exc:
            assert exc.problems
    finally:
        plan.write_bytes(original)


@settings(max_examples=examples(25), **FUZZ)
@given(text=st.text(alphabet=st.sampled_from("ab: -[]{}&*!|>'\"#\n\t%@`,?\\0x"), max_size=400))
def test_yaml_made_of_its_own_punctuation_never_ends_in_a_traceback(version_copy, text):
    agreement = version_copy / "overenskommelse.yaml"
    original = agreement.read_bytes()
    agreement.write_text(text, encoding="utf-8")
    try:
        _validate(version_copy)
    finally:
        agreement.write_bytes(original)


# --- workbooks --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workbook_case(tmp_path_factory):
    """A sealed Orsa 2023 and its exported workbook, made once."""
    from pipeline.followup.workbook import export_workbook

    root = tmp_path_factory.mktemp("bok") / "agreements"
    shutil.copytree(ORSA_2023.parent.parent.parent, root)
    version = root / "dalarna" / "orsa" / "2023"
    book = export_workbook(version, root.parent / "orsa.xlsx")
    return _Quiet((version, book.read_bytes(), root.parent))


CELL_VALUES = st.one_of(HOSTILE_TEXT, st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                        st.booleans(), st.none(), st.dates(), st.datetimes(),
                        st.sampled_from([" =1+1", "@SUM(A1)", "+1", "-1", "\t=1", "grön", "röd", "klar"]))


@settings(max_examples=examples(10), **FUZZ)
@given(cells=st.lists(st.tuples(st.sampled_from(["Bilaga 1", "Bilaga 2", "Uppföljning"]), st.integers(1, 30),
                                st.integers(1, 10), CELL_VALUES), min_size=1, max_size=8))
def test_any_cells_through_import_and_export_never_give_a_formula_or_a_traceback(workbook_case, cells):
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    from pipeline.followup.county import export_county
    from pipeline.followup.importer import import_workbook
    from pipeline.followup.workbook import export_workbook

    version, original, work = workbook_case
    book = openpyxl.load_workbook(io.BytesIO(original))
    for sheet_name, row, column, value in cells:
        sheet = book[sheet_name]
        sheet.protection.sheet = False
        try:
            sheet.cell(row, column).value = value
        except (ValueError, TypeError, AttributeError, IllegalCharacterError):  # openpyxl refuses it (or a merged cell)
            continue
    path = work / "ifylld.xlsx"
    book.save(path)
    records = version / "uppfoljning"
    before = {p.name: p.read_bytes() for p in records.iterdir()}
    try:
        try:
            import_workbook(path, version, day=None, replace=True, today=__import__("datetime").date(2030, 1, 1))
        except PipelineError as exc:
            assert exc.problems
        exported = export_workbook(version, work / "ut.xlsx")
        for sheet in openpyxl.load_workbook(exported).worksheets:
            for row in sheet.iter_rows():
                assert not any(cell.data_type == "f" for cell in row)
        for field in export_county(version.parent.parent.parent, "csv").split(";"):
            assert not field.lstrip(" \r\n\ufeff\"").startswith(("=", "+", "@")) or field.startswith(("'", "\"'"))
    finally:
        for stale in records.iterdir():
            if stale.name not in before:
                stale.unlink()
        for name, data in before.items():
            (records / name).write_bytes(data)


@settings(max_examples=examples(30), **FUZZ)
@given(cut=st.integers(0, 100_000), flip=st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 255)),
                                                 max_size=20))
def test_a_damaged_workbook_is_a_located_error(workbook_case, cut, flip):
    from pipeline.followup.importer import import_workbook

    version, original, work = workbook_case
    data = bytearray(original[:max(1, cut % (len(original) + 1))])
    for position, value in flip:
        if data:
            data[position % len(data)] = value
    path = work / "trasig.xlsx"
    path.write_bytes(bytes(data))
    records = version / "uppfoljning"
    before = sorted(records.iterdir())
    try:
        import_workbook(path, version, today=__import__("datetime").date(2030, 1, 1))
    except PipelineError as exc:
        assert any("trasig.xlsx" in str(p) for p in exc.problems)
    for stale in sorted(records.iterdir()):
        if stale not in before:
            stale.unlink()


# --- Word files -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def word_pair(tmp_path_factory):
    from pipeline.data.validate import validate_version
    from pipeline.documents.render import render_version

    documents = {d.name: d.data for d in render_version(validate_version(ORSA_2023))}
    return _Quiet((documents["samverkansoverenskommelse.docx"], documents["bilaga-1-ordningsstorningar-centrum.docx"]))


class _Quiet(tuple):
    """A fixture value Hypothesis can name without printing its bytes."""

    def __repr__(self) -> str:
        return "<Orsa 2023 document pair>"


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


MUTATIONS = ["truncate", "drop", "garbage", "relationship", "deep", "attribute", "duplicate-id", "empty"]


def _mutate(parts: dict[str, bytes], kind: str, name: str, amount: int, garbage: bytes = b"") -> dict[str, bytes]:
    parts = dict(parts)
    data = parts[name]
    if kind == "truncate":
        parts[name] = data[: amount % (len(data) + 1)]
    elif kind == "drop":
        del parts[name]
    elif kind == "garbage":
        position = amount % (len(data) + 1)
        parts[name] = data[:position] + garbage + data[position:]
    elif kind == "relationship" and name.endswith(".rels"):
        parts[name] = data.replace(b'Target="', b'Target="../../../x', 1 + amount % 3)
    elif kind == "deep" and name.endswith(".xml"):
        depth = 200 + amount % 5000
        parts[name] = data.replace(b"<w:body>", b"<w:body>" + b"<w:sdt><w:sdtContent>" * depth, 1).replace(
            b"</w:body>", b"</w:sdtContent></w:sdt>" * depth + b"</w:body>", 1)
    elif kind == "attribute" and name.endswith(".xml"):
        parts[name] = data.replace(b"<w:p>", b'<w:p w:rsidR="' + b"A" * (1 << 20) + b'">', 1)
    elif kind == "duplicate-id":
        parts[name] = data.replace(b'w:id="', b'w:id="1" x="', 3)
    elif kind == "empty":
        parts[name] = b""
    return parts


@pytest.mark.skipif(os.name == "nt", reason="peak memory is read with resource.getrusage")
@settings(max_examples=examples(30), **FUZZ)
@given(steps=st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 200), st.integers(0, 10**6),
                                st.binary(min_size=1, max_size=16)), min_size=1, max_size=3))
def test_mutated_word_files_never_end_in_a_traceback_or_unbounded_memory(word_pair, tmp_path_factory, steps):
    import resource

    from pipeline.compare.jamfor import compare_files

    old, new = word_pair
    parts = _parts(new)
    for kind, index, amount, garbage in steps:
        if parts:
            parts = _mutate(parts, kind, sorted(parts)[index % len(parts)], amount, garbage)
    folder = tmp_path_factory.mktemp("word")
    (folder / "gammal.docx").write_bytes(old)
    (folder / "ny.docx").write_bytes(_zip(parts))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        comparison = compare_files(folder / "gammal.docx", folder / "ny.docx")
    except PipelineError as exc:
        assert any("ny.docx" in str(p) or "gammal.docx" in str(p) for p in exc.problems), exc.problems
    else:
        assert comparison.data[:2] == b"PK"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 600, f"memory grew by {grown_mb:.0f} MB"


# --- The kommun's logo --------------------------------------------------------------------------------

_PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@settings(max_examples=examples(60), **FUZZ)
@given(head=st.sampled_from([b"", _PNG_HEADER, _PNG_HEADER[:10], b"GIF89a", b"<svg"]),
       rest=st.binary(max_size=200))
def test_any_bytes_as_a_logo_give_a_sane_png_or_a_located_error(tmp_path_factory, head, rest):
    from pipeline.data.logo import MAX_PIXELS, read_logo

    folder = tmp_path_factory.mktemp("kommun")
    (folder / "logo.png").write_bytes(head + rest)
    try:
        logo = read_logo(folder, folder)
    except PipelineError as exc:
        assert exc.problems and exc.problems[0].file == folder / "logo.png"
        assert "logotypen" in exc.problems[0].format()
        return
    assert logo is not None and logo.png == head + rest
    assert 0 < logo.width <= MAX_PIXELS and 0 < logo.height <= MAX_PIXELS
    width, height = logo.size_cm()
    assert 0 < width <= 6.0 and 0 < height <= 1.6
