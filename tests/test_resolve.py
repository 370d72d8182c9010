"""Accepting or rejecting every tracked change, one kind of revision at a time.

The redline tests prove whole documents (accepting gives the new text, rejecting the old) with
this resolver; these tests hold the resolver itself to Word's behaviour on small parts.
"""

from __future__ import annotations

import pytest
from lxml import etree

from pipeline.ooxml.names import M_NS, W_NS
from pipeline.ooxml.redline.resolve import resolve

W, M = f"{{{W_NS}}}", f"{{{M_NS}}}"


def body(xml: str):
    return etree.fromstring(f'<w:body xmlns:w="{W_NS}" xmlns:m="{M_NS}">{xml}</w:body>')


def texts(root) -> list[str]:
    """Return the text of each paragraph (w:t, w:delText and m:t) in document order."""
    return ["".join(t.text or "" for t in p.iter(W + "t", W + "delText", M + "t")) for p in root.iter(W + "p")]


def tags(root) -> list[str]:
    """Return the local names of every element below ``root``, in document order."""
    return [etree.QName(e).localname for e in root.iter() if e is not root]


def run(text: str, tag: str = "t") -> str:
    return f"<w:r><w:{tag}>{text}</w:{tag}></w:r>"


def ins(inner: str, kind: str = "ins") -> str:
    return f'<w:{kind} w:id="1" w:author="A">{inner}</w:{kind}>'


@pytest.mark.parametrize("inserted, deleted", [("ins", "del"), ("moveTo", "moveFrom")])
def test_accepting_keeps_inserted_text_and_drops_deleted_and_rejecting_the_reverse(inserted, deleted):
    root = body(f"<w:p>{run('Kvar ')}{ins(run('ny '), inserted)}{ins(run('gammal ', 'delText'), deleted)}"
                f"{run('slut')}</w:p>")
    accepted, rejected = resolve(root, True), resolve(root, False)
    assert texts(accepted) == ["Kvar ny slut"] and texts(rejected) == ["Kvar gammal slut"]
    assert inserted not in tags(accepted) and deleted not in tags(accepted)
    assert inserted not in tags(rejected) and deleted not in tags(rejected)
    assert "delText" not in tags(rejected) and tags(rejected).count("t") == 3  # deleted text is text again
    assert texts(root) == ["Kvar ny gammal slut"]  # the part itself is not changed


def test_the_runs_of_an_accepted_insertion_keep_their_place_and_order():
    root = body(f"<w:p>{run('a')}{ins(run('b') + run('c'))}{run('d')}</w:p>")
    accepted = resolve(root, True)
    assert [t.text for t in accepted.iter(W + "t")] == ["a", "b", "c", "d"]
    assert [etree.QName(e).localname for e in accepted[0]] == ["r", "r", "r", "r"]


def test_a_deleted_field_instruction_becomes_an_instruction_again_when_rejected():
    root = body(f"<w:p>{ins(run(' PAGE ', 'delInstrText'), 'del')}</w:p>")
    assert tags(resolve(root, False)) == ["p", "r", "instrText"]
    assert tags(resolve(root, True)) == ["p"]


def test_move_and_custom_xml_range_markers_are_removed_both_ways():
    markers = "".join(f'<w:{name} w:id="5"/>' for name in (
        "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "customXmlInsRangeStart",
        "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd", "customXmlMoveFromRangeStart",
        "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd"))
    root = body(f"<w:p>{markers}{run('x')}</w:p>")
    for accept in (True, False):
        assert tags(resolve(root, accept)) == ["p", "r", "t"]


# --- tables --------------------------------------------------------------------------------------------

def row(text: str, mark: str = "") -> str:
    props = f"<w:trPr>{mark}<w:cantSplit/></w:trPr>" if mark else ""
    return f"<w:tr>{props}<w:tc><w:p>{run(text)}</w:p></w:tc></w:tr>"


def test_an_inserted_row_stays_when_accepted_and_goes_when_rejected_and_a_deleted_row_the_reverse():
    root = body("<w:tbl>" + row("fast") + row("ny", '<w:ins w:id="1"/>') + row("gammal", '<w:del w:id="2"/>')
                + "</w:tbl>")
    accepted, rejected = resolve(root, True), resolve(root, False)
    assert texts(accepted) == ["fast", "ny"] and texts(rejected) == ["fast", "gammal"]
    for resolved in (accepted, rejected):
        assert "ins" not in tags(resolved) and "del" not in tags(resolved)
        assert tags(resolved).count("cantSplit") == 1  # the row's other properties stay


def test_a_table_whose_rows_all_go_goes_with_them():
    root = body("<w:p/><w:tbl>" + row("ny", '<w:ins w:id="1"/>') + "</w:tbl><w:p/>")
    assert tags(resolve(root, False)) == ["p", "p"]
    assert tags(resolve(root, True)).count("tbl") == 1


def test_a_row_without_properties_is_kept():
    root = body("<w:tbl>" + row("a") + "</w:tbl>")
    assert texts(resolve(root, True)) == ["a"] == texts(resolve(root, False))


def cell(text: str, mark: str = "") -> str:
    return f"<w:tc><w:tcPr><w:tcW w:w='10'/>{mark}</w:tcPr><w:p>{run(text)}</w:p></w:tc>"


def test_inserted_and_deleted_cells_are_kept_or_dropped_and_merge_marks_cleared():
    root = body("<w:tbl><w:tr>" + cell("fast", '<w:cellMerge w:id="3"/>') + cell("ny", '<w:cellIns w:id="1"/>')
                + cell("gammal", '<w:cellDel w:id="2"/>') + "<w:tc><w:p/></w:tc></w:tr></w:tbl>")
    accepted, rejected = resolve(root, True), resolve(root, False)
    assert texts(accepted) == ["fast", "ny", ""] and texts(rejected) == ["fast", "gammal", ""]
    for resolved in (accepted, rejected):
        assert not {"cellIns", "cellDel", "cellMerge"} & set(tags(resolved))
        assert tags(resolved).count("tcW") == 2


# --- paragraph marks -----------------------------------------------------------------------------------

def paragraph(text: str, mark: str = "", style: str = "") -> str:
    props = f"<w:pPr>{style}<w:rPr>{mark}<w:b/></w:rPr></w:pPr>" if mark or style else ""
    return f"<w:p>{props}{run(text) if text else ''}</w:p>"


def test_a_paragraph_whose_inserted_mark_is_rejected_joins_the_next_and_accepted_stays():
    root = body(paragraph("Första ", '<w:ins w:id="1"/>') + paragraph("andra.", style='<w:pStyle w:val="X"/>'))
    assert texts(resolve(root, True)) == ["Första ", "andra."]
    rejected = resolve(root, False)
    assert texts(rejected) == ["Första andra."]
    assert tags(rejected)[:4] == ["p", "pPr", "pStyle", "rPr"]  # the joined text sits after the next one's pPr
    assert "{urn:samverkan}removed-mark" not in etree.tostring(rejected).decode()
    assert "ins" not in tags(resolve(root, True)) and tags(resolve(root, True)).count("b") == 2


def test_a_paragraph_whose_deleted_mark_is_accepted_joins_the_next_one_without_properties():
    root = body(paragraph("Ett ", '<w:del w:id="1"/>') + "<w:p>" + run("två") + "</w:p>")
    accepted = resolve(root, True)
    assert texts(accepted) == ["Ett två"]
    assert tags(accepted) == ["p", "r", "t", "r", "t"]
    assert texts(resolve(root, False)) == ["Ett ", "två"]


def test_an_emptied_paragraph_whose_mark_goes_simply_goes():
    root = body(paragraph("", '<w:ins w:id="1"/>') + paragraph("kvar"))
    assert texts(resolve(root, False)) == ["kvar"]


def test_text_before_a_table_keeps_its_paragraph_and_an_empty_one_goes():
    table = "<w:tbl>" + row("cell") + "</w:tbl>"
    root = body(paragraph("text", '<w:ins w:id="1"/>') + table)
    assert texts(resolve(root, False)) == ["text", "cell"]
    root = body(paragraph("", '<w:ins w:id="1"/>') + table)
    assert tags(resolve(root, False))[0] == "tbl"


def test_the_last_mark_of_a_container_stays():
    root = body(paragraph("sist", '<w:ins w:id="1"/>') + "<w:sectPr/>")
    assert texts(resolve(root, False)) == ["sist"]
    root = body(paragraph("sist", '<w:ins w:id="1"/>'))
    assert texts(resolve(root, False)) == ["sist"]


def test_a_join_passes_over_bookmarks_to_the_next_paragraph():
    root = body(paragraph("Ett ", '<w:ins w:id="1"/>') + '<w:bookmarkStart w:id="9" w:name="b"/>' + paragraph("två"))
    assert texts(resolve(root, False)) == ["Ett två"]


def test_two_marks_removed_in_a_row_join_three_paragraphs():
    root = body(paragraph("a", '<w:ins w:id="1"/>') + paragraph("b", '<w:ins w:id="2"/>') + paragraph("c"))
    assert texts(resolve(root, False)) == ["abc"]


# --- equations -----------------------------------------------------------------------------------------

def math_run(text: str, mark: str) -> str:
    return f"<m:r><w:rPr>{mark}<w:i/></w:rPr><m:t>{text}</m:t></m:r>"


def test_equation_runs_marked_in_their_own_properties_are_kept_or_dropped():
    root = body("<w:p><m:oMath>" + math_run("x", '<w:ins w:id="1"/>') + math_run("y", '<w:del w:id="2"/>')
                + "</m:oMath></w:p>")
    accepted, rejected = resolve(root, True), resolve(root, False)
    assert texts(accepted) == ["x"] and texts(rejected) == ["y"]
    for resolved in (accepted, rejected):
        assert "ins" not in tags(resolved) and "del" not in tags(resolved) and tags(resolved).count("i") == 1


def test_a_run_whose_properties_hold_a_revision_mark_keeps_its_properties():
    root = body('<w:p><w:r><w:rPr><w:ins w:id="1"/><w:b/></w:rPr><w:t>x</w:t></w:r></w:p>')
    accepted = resolve(root, True)
    assert tags(accepted) == ["p", "r", "rPr", "b", "t"]


# --- formatting revisions ------------------------------------------------------------------------------

def test_a_formatting_revision_accepted_keeps_the_new_formatting_and_rejected_restores_the_old():
    root = body('<w:p><w:r><w:rPr><w:b/><w:rPrChange w:id="1"><w:rPr><w:i/><w:u/></w:rPr></w:rPrChange></w:rPr>'
                "<w:t>x</w:t></w:r></w:p>")
    assert tags(resolve(root, True)) == ["p", "r", "rPr", "b", "t"]
    assert tags(resolve(root, False)) == ["p", "r", "rPr", "i", "u", "t"]


def test_a_rejected_paragraph_formatting_revision_keeps_the_marks_formatting_and_section():
    root = body('<w:p><w:pPr><w:jc w:val="center"/><w:rPr><w:b/></w:rPr><w:sectPr/>'
                '<w:pPrChange w:id="1"><w:pPr><w:ind w:left="5"/></w:pPr></w:pPrChange></w:pPr></w:p>')
    assert tags(resolve(root, False)) == ["p", "pPr", "ind", "rPr", "b", "sectPr"]
    assert tags(resolve(root, True)) == ["p", "pPr", "jc", "rPr", "b", "sectPr"]


def test_a_formatting_revision_that_recorded_nothing_clears_the_formatting_when_rejected():
    root = body('<w:p><w:r><w:rPr><w:b/><w:rPrChange w:id="1"/></w:rPr><w:t>x</w:t></w:r></w:p>')
    assert tags(resolve(root, False)) == ["p", "r", "rPr", "t"]


@pytest.mark.parametrize("change", ["numberingChange", "tblGridChange"])
def test_numbering_and_grid_revisions_are_dropped_without_restoring(change):
    root = body(f'<w:p><w:pPr><w:jc w:val="left"/><w:{change} w:id="1"><w:x/></w:{change}></w:pPr></w:p>')
    for accept in (True, False):
        assert tags(resolve(root, accept)) == ["p", "pPr", "jc"]


@pytest.mark.parametrize("change", ["sectPrChange", "tblPrChange", "trPrChange", "tcPrChange", "tblPrExChange"])
def test_every_other_kind_of_formatting_revision_is_resolved(change):
    root = body(f'<w:p><w:pPr><w:jc w:val="left"/><w:{change} w:id="1"><w:pPr><w:keepNext/></w:pPr></w:{change}>'
                "</w:pPr></w:p>")
    assert tags(resolve(root, True)) == ["p", "pPr", "jc"]
    assert tags(resolve(root, False)) == ["p", "pPr", "keepNext"]


def test_a_removed_mark_after_paragraphs_that_keep_theirs_still_joins():
    root = body(paragraph("Först.") + paragraph("Ett ", '<w:ins w:id="1"/>') + paragraph("två."))
    assert texts(resolve(root, False)) == ["Först.", "Ett två."]


def test_an_empty_paragraph_before_the_section_properties_keeps_its_mark():
    root = body(paragraph("", '<w:ins w:id="1"/>') + "<w:sectPr/>")
    assert tags(resolve(root, False)) == ["p", "pPr", "rPr", "b", "sectPr"]


def test_marks_are_joined_in_every_container_after_one_that_is_its_containers_last():
    mark = '<w:ins w:id="1"/>'
    cells = (f"<w:tbl><w:tr><w:tc>{paragraph('a', mark)}</w:tc>"
             f"<w:tc>{paragraph('b', mark)}{paragraph('c')}</w:tc></w:tr></w:tbl>")
    assert texts(resolve(body(cells), False)) == ["a", "bc"]


def test_joined_runs_keep_their_order_before_the_next_paragraphs_runs():
    first = f"<w:p><w:pPr><w:rPr><w:ins w:id=\"1\"/></w:rPr></w:pPr>{run('a')}{run('b')}</w:p>"
    second = f"<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr>{run('c')}{run('d')}</w:p>"
    joined = resolve(body(first + second), False)
    assert [t.text for t in joined.iter(W + "t")] == ["a", "b", "c", "d"]
    assert tags(joined)[:3] == ["p", "pPr", "jc"]


def test_a_paragraph_kept_before_a_table_does_not_stop_later_joins():
    table = "<w:tbl>" + row("cell") + "</w:tbl>"
    root = body(paragraph("text", '<w:ins w:id="1"/>') + table + paragraph("Ett ", '<w:ins w:id="2"/>')
                + paragraph("två"))
    assert texts(resolve(root, False)) == ["text", "cell", "Ett två"]


def test_every_accepted_formatting_revision_is_dropped():
    change = '<w:rPrChange w:id="{}"><w:rPr><w:i/></w:rPr></w:rPrChange>'
    root = body(f"<w:p><w:r><w:rPr><w:b/>{change.format(1)}</w:rPr><w:t>x</w:t></w:r>"
                f"<w:r><w:rPr><w:u/>{change.format(2)}</w:rPr><w:t>y</w:t></w:r></w:p>")
    assert tags(resolve(root, True)) == ["p", "r", "rPr", "b", "t", "r", "rPr", "u", "t"]
    assert tags(resolve(root, False)) == ["p", "r", "rPr", "i", "t", "r", "rPr", "i", "t"]


def test_cell_marks_are_handled_after_a_cell_without_properties():
    root = body("<w:tbl><w:tr><w:tc><w:p/></w:tc>" + cell("ny", '<w:cellIns w:id="1"/>')
                + cell("gammal", '<w:cellDel w:id="2"/>') + "</w:tr></w:tbl>")
    assert texts(resolve(root, True)) == ["", "ny"] and texts(resolve(root, False)) == ["", "gammal"]


def test_a_rejected_section_change_restores_the_page_and_keeps_the_headers_first():
    """A section change records the page, not the headers and footers: rejecting it restores
    the old page and keeps the references, first in the section as the schema wants them."""
    root = body('<w:sectPr><w:headerReference w:type="default" r:id="rId7" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
                '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:sectPrChange w:id="3" w:author="A">'
                '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:sectPrChange></w:sectPr>')
    assert tags(resolve(root, accept=False)) == ["sectPr", "headerReference", "pgSz"]
    assert resolve(root, accept=False).find(f"{W}sectPr/{W}pgSz").get(W + "w") == "11906"
    assert tags(resolve(root, accept=True)) == ["sectPr", "headerReference", "pgSz"]
    assert resolve(root, accept=True).find(f"{W}sectPr/{W}pgSz").get(W + "w") == "16838"


def test_a_table_whose_rows_are_all_in_content_controls_stays():
    control = f"<w:sdt><w:sdtContent>{row('Rad i en kontroll')}</w:sdtContent></w:sdt>"
    root = body(f"<w:tbl>{control}</w:tbl>{paragraph('Efter')}")
    for accept in (True, False):
        assert texts(resolve(root, accept=accept)) == ["Rad i en kontroll", "Efter"]
