"""The redline engine on the structure of real Word files: sections, headers and footers, content
controls, paragraphs beside tables, formatting marks – each failure kind once seen on other
projects' documents, reproduced in a small document made for it, and checked with the
independent resolver (accept-all gives the new document, reject-all the old: body, section
properties, the headers and footers each section shows)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from fuzzing import examples
from pipeline.ooxml.redline import W
from test_jamfor import compared, docx, p, part, unzipped, zipped
from test_redline_oracle import content

# --- sections -------------------------------------------------------------------------------------


def section(kind: str = "nextPage", orient: str = "", references: str = "") -> str:
    """Return the properties of a section: its headers, break type and page."""
    size = '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' if orient else '<w:pgSz w:w="11906" w:h="16838"/>'
    return f'{references}<w:type w:val="{kind}"/>{size}'


def breaking(text: str, kind: str = "nextPage", orient: str = "", references: str = "") -> str:
    """Return a paragraph that ends a section."""
    return p(text, ppr=f"<w:pPr><w:sectPr>{section(kind, orient, references)}</w:sectPr></w:pPr>")


def header(name: str, text: str) -> str:
    tag = "hdr" if name.startswith("header") else "ftr"
    return f"<w:{tag} {{ns}}>{p(text)}</w:{tag}>"


def reference(name: str, kind: str = "default") -> str:
    tag = "headerReference" if name.startswith("header") else "footerReference"
    return f'<w:{tag} w:type="{kind}" r:id="rId{name}"/>'


FIVE_SECTIONS = [("Inledning", "nextPage", ""), ("Bakgrund", "evenPage", ""), ("Mål", "continuous", "landscape"),
                 ("Aktiviteter", "nextPage", ""), ("Uppföljning", "nextPage", "")]


def five_sections(order: list[int], extra: dict[int, list[str]] | None = None) -> bytes:
    """Return a five-section document whose sections hold the paragraphs named by ``order``."""
    body = []
    for number, (title, kind, orient) in enumerate(FIVE_SECTIONS):
        body += [p(f"{title} stycke {i}") for i in order if i // 10 == number]
        body += (extra or {}).get(number, [])
        if number < 4:
            body.append(breaking(f"{title} slut", kind, orient))
    return docx("".join(body), section=section())


def test_a_section_break_next_to_moved_and_deleted_paragraphs_survives(tmp_path):
    """Paragraphs moved across and deleted beside the paragraphs that end sections (the
    even-page break included): both round trips keep all five sections."""
    old = five_sections([0, 1, 2, 10, 11, 20, 21, 30, 31, 40, 41, 42])
    new = five_sections([0, 2, 11, 10, 20, 1, 30, 40, 42, 41])
    result = compared(tmp_path, old, new)
    assert len(content(result.data, accept=True)["sections"]) == 5
    assert [s[0][0] for s in content(result.data, accept=False)["sections"][:4]] == [
        ("type", "nextPage"), ("type", "evenPage"), ("type", "continuous"), ("type", "nextPage")]


def test_a_section_break_inserted_or_removed_in_an_unchanged_paragraph(tmp_path):
    plain = docx(p("Ett") + p("Två") + p("Tre"), section=section())
    broken = docx(p("Ett") + breaking("Två", "evenPage", "landscape") + p("Tre"), section=section())
    for old, new in ((plain, broken), (broken, plain)):
        result = compared(tmp_path, old, new)
        assert len(content(result.data, accept=True)["sections"]) != len(content(result.data, accept=False)["sections"])


def test_changed_page_layout_is_a_tracked_section_change(tmp_path):
    old = docx(breaking("Ett", "nextPage") + p("Två"), section=section())
    new = docx(breaking("Ett", "evenPage", "landscape") + p("Två"), section=section("continuous"))
    result = compared(tmp_path, old, new)
    changes = list(part(result.data).iter(W + "sectPrChange"))
    assert len(changes) == 2


@st.composite
def sectioned(draw):
    """Return (old, new) blocks of a document with section breaks, and a random edit of it."""
    kinds = st.sampled_from(["nextPage", "evenPage", "oddPage", "continuous"])
    old = [(f"Stycke {i}", draw(st.one_of(st.none(), kinds))) for i in range(draw(st.integers(1, 9)))]
    new = list(old)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "move", "break", "unbreak", "edit"]))
        index = draw(st.integers(0, len(new) - 1)) if new else 0
        if op == "insert" or not new:
            new.insert(index, (f"Nytt {draw(st.integers(0, 99))}", draw(st.one_of(st.none(), kinds))))
        elif op == "delete" and len(new) > 1:
            del new[index]
        elif op == "move":
            new.insert(draw(st.integers(0, len(new) - 1)), new.pop(index))
        elif op == "break":
            new[index] = (new[index][0], draw(kinds))
        elif op == "unbreak":
            new[index] = (new[index][0], None)
        else:
            new[index] = (new[index][0] + " ändrat", new[index][1])
    return old, new, draw(st.sampled_from(["Slut", "Ett helt annat slut"]))


def built(blocks, last: str = "Slut") -> bytes:
    return docx("".join(breaking(text, kind) if kind else p(text) for text, kind in blocks) + p(last),
                section=section())


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sectioned())
def test_sections_round_trip_under_random_edits(tmp_path, pair):
    old, new, last = pair
    compared(tmp_path, built(old), built(new, last))


# --- headers and footers ---------------------------------------------------------------------------

STORIES = {"header1": header("header1", "Gammal sidhuvud"), "header2": header("header2", "Första sidan"),
           "footer1": header("footer1", "Gammal sidfot"), "header3": header("header3", "Nytt sidhuvud"),
           "footer3": header("footer3", "Ny sidfot")}


def test_old_default_and_first_page_headers_come_back_on_reject(tmp_path):
    """Two unrelated documents: the old one's default and first-page header and its footer are
    not in the new one; rejecting every change shows them again, accepting shows none."""
    old = docx(p("Gammal text"), STORIES, section=reference("header1") + reference("header2", "first")
               + reference("footer1") + '<w:titlePg/>')
    new = docx(p("Helt annan text"), STORIES, section='<w:pgSz w:w="11906" w:h="16838"/>')
    result = compared(tmp_path, old, new)
    rejected = content(result.data, accept=False)["sections"]
    assert dict(rejected[0][1]) == {("headerReference", "default"): "Gammal sidhuvud",
                                    ("headerReference", "first"): "Första sidan",
                                    ("footerReference", "default"): "Gammal sidfot"}
    assert content(result.data, accept=True)["sections"][0][1] == ()


def test_a_section_that_inherited_a_header_gets_its_own_where_the_other_side_differs(tmp_path):
    old = docx(breaking("Ett", references=reference("header1")) + p("Två"), STORIES, section=section())
    new = docx(breaking("Ett", references=reference("header1")) + p("Två"), STORIES,
               section=reference("header3") + reference("footer3") + section())
    compared(tmp_path, old, new)
    compared(tmp_path, new, old)


# --- paragraphs beside tables ------------------------------------------------------------------------

def table(*cells: str) -> str:
    rows = "".join(f"<w:tr><w:tc>{p(c)}</w:tc></w:tr>" for c in cells)
    return f'<w:tbl><w:tblGrid><w:gridCol w:w="4000"/></w:tblGrid>{rows}</w:tbl>'


def test_a_paragraph_inserted_before_a_table_or_between_two_leaves_nothing_on_reject(tmp_path):
    """A paragraph cannot join the table after it, so its mark may not be the one that goes:
    the revision moves to the paragraph before, and nothing is left after accept or reject."""
    old = docx(p("Före") + table("A", "B") + p("") + table("C", "D") + p("Efter"))
    for new in (docx(p("Före") + p("Ny rad före tabellen") + table("A", "B") + p("") + table("C", "D") + p("Efter")),
                docx(p("Före") + table("A", "B") + p("") + p("Ny rad mellan tabellerna") + table("C", "D")
                     + p("Efter")),
                docx(p("Före") + table("A", "B") + p("Ny rad mellan tabellerna") + p("") + table("C", "D")
                     + p("Efter")),
                docx(p("Före") + table("A", "B") + p("Ersatt rad mellan tabellerna") + table("C", "D") + p("Efter"))):
        compared(tmp_path, old, new)
        compared(tmp_path, new, old)


def test_a_paragraph_deleted_before_a_table_that_starts_the_document(tmp_path):
    """Nothing before it can take its mark: the table is shown as the old one deleted after the
    paragraph and the new one inserted before it, so each view has one table and no empty line."""
    old, new = docx(p("Före") + table("A", "B") + p("Efter")), docx(table("A", "B") + p("Efter"))
    compared(tmp_path, old, new)
    compared(tmp_path, new, old)


# --- content controls -------------------------------------------------------------------------------

def dropdown(value: str, ident: str = "501") -> str:
    """Return a paragraph holding a drop-down content control showing ``value``."""
    return ('<w:p><w:r><w:t xml:space="preserve">Status: </w:t></w:r><w:sdt><w:sdtPr><w:alias w:val="Status"/>'
            f'<w:tag w:val="status"/><w:id w:val="{ident}"/><w:dropDownList w:lastValue="{value}">'
            '<w:listItem w:displayText="my_item_A" w:value="my_item_A"/>'
            '<w:listItem w:displayText="my_item_B" w:value="my_item_B"/></w:dropDownList></w:sdtPr>'
            f'<w:sdtContent><w:r><w:t>{value}</w:t></w:r></w:sdtContent></w:sdt>'
            '<w:r><w:t xml:space="preserve"> klart.</w:t></w:r></w:p>')


def control_with_table(cell: str, ident: str = "502") -> str:
    return (f'<w:sdt><w:sdtPr><w:alias w:val="Tabell"/><w:tag w:val="tabell"/><w:id w:val="{ident}"/></w:sdtPr>'
            f'<w:sdtContent>{table("Rubrik", cell)}{p("Under tabellen")}</w:sdtContent></w:sdt>')


def control_ids(data: bytes) -> list[str]:
    return [i.get(W + "val") for i in part(data).iter(W + "id") if i.getparent().tag == W + "sdtPr"]


def test_an_edited_drop_down_is_compared_inside_and_never_doubled(tmp_path):
    """LibreOffice showed "my_item_Bmy_item_B" when the whole control was deleted and inserted
    again with the same id: the control is now kept once, its value changed inside it."""
    old = docx(p("Före") + dropdown("my_item_A") + p("Efter"))
    new = docx(p("Före") + dropdown("my_item_B") + p("Efter"))
    result = compared(tmp_path, old, new)
    assert control_ids(result.data) == ["501"]
    assert content(result.data, accept=True)["body"] == ["Före", "Status: my_item_B klart.", "Efter"]


def test_a_content_control_holding_a_table_is_compared_inside(tmp_path):
    old = docx(p("Före") + control_with_table("Gammal cell") + p("Efter"))
    new = docx(p("Före") + control_with_table("Ny cell") + p("Efter"))
    result = compared(tmp_path, old, new)
    assert control_ids(result.data) == ["502"]
    assert len(list(part(result.data).iter(W + "tbl"))) == 1


def test_a_replaced_content_control_gets_an_id_of_its_own(tmp_path):
    """Two different controls (another tag) are one deleted and one inserted; ids stay unique."""
    other = dropdown("my_item_A").replace('w:val="status"', 'w:val="annan"').replace('"Status"', '"Annan"')
    result = compared(tmp_path, docx(p("Före") + dropdown("my_item_A") + p("Efter")),
                      docx(p("Före") + other + p("Efter")))
    ids = control_ids(result.data)
    assert len(ids) == len(set(ids)) == 2


# --- formatting marks ---------------------------------------------------------------------------------

STYLES = ('<w:styles {ns}><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
          '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>'
          "</w:styles>")
FEATURES = ("b", "i", "u", "color", "strike")
ON = {"b": ['<w:b/>', '<w:b w:val="1"/>', '<w:b w:val="true"/>', '<w:b w:val="on"/>', '<w:rStyle w:val="Strong"/>'],
      "i": ['<w:i/>', '<w:i w:val="true"/>'], "u": ['<w:u w:val="single"/>'],
      "color": ['<w:color w:val="FF0000"/>'], "strike": ['<w:strike/>', '<w:strike w:val="on"/>']}
OFF = {"b": ["", '<w:b w:val="0"/>', '<w:b w:val="false"/>', '<w:b w:val="off"/>'], "i": ["", '<w:i w:val="0"/>'],
       "u": ["", '<w:u w:val="none"/>'], "color": ["", '<w:color w:val="auto"/>'],
       "strike": ["", '<w:strike w:val="0"/>']}
NOISE = ["", '<w:lang w:val="sv-SE"/>', '<w:noProof/>', '<w:rFonts w:hint="eastAsia"/>']


def spelled(features: frozenset, draw) -> str:
    """Return run properties for a set of features, written one of the many ways Word files do."""
    children = [draw(st.sampled_from(ON[f] if f in features else OFF[f])) for f in FEATURES]
    children.append(draw(st.sampled_from(NOISE)))
    children = [c for c in children if c]
    children = draw(st.permutations(children)) if children else children
    style = [c for c in children if "rStyle" in c]  # a character style comes first
    return "<w:rPr>" + "".join(style + [c for c in children if "rStyle" not in c]) + "</w:rPr>"


def look(rpr) -> frozenset:
    """Return the features a run shows, read from the small vocabulary above (not the engine's)."""
    found = set()
    if rpr is None:
        return frozenset()
    for child in rpr:
        name, value = child.tag.split("}")[1], child.get(W + "val")
        if name == "rStyle" and value == "Strong":
            found.add("b")
        shown = {"b": value in (None, "1", "true", "on"), "i": value in (None, "1", "true", "on"),
                 "strike": value in (None, "1", "true", "on"), "u": value != "none", "color": value != "auto"}
        if shown.get(name):
            found.add(name)
    return frozenset(found)


def letters(root) -> list[tuple[str, frozenset]]:
    """Return each visible letter of a body with the features it is shown with."""
    out = []
    for run in root.iter(W + "r"):
        for text in run.iter(W + "t"):
            out += [(ch, look(run.find(W + "rPr"))) for ch in text.text or ""]
    return out


@st.composite
def formatted(draw):
    words = draw(st.lists(st.sampled_from(["Trygghet", "i", "Orsa", "kommun", "2027", "och", "polis"]),
                          min_size=1, max_size=6))
    feature_sets = st.frozensets(st.sampled_from(FEATURES), max_size=3)
    old = [draw(feature_sets) for _ in words]
    new = [draw(feature_sets) if draw(st.booleans()) else f for f in old]

    def build(sets):
        runs = "".join(f'<w:r>{spelled(s, draw)}<w:t xml:space="preserve">{w} </w:t></w:r>'
                       for w, s in zip(words, sets, strict=True))
        return docx(f"<w:p>{runs}</w:p>", {"styles": STYLES})
    return build(old), build(new)


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(formatted())
def test_no_formatting_mark_records_the_look_the_text_already_has(tmp_path, pair):
    """Over random formatting written in the many ways real files write it: every formatting
    change recorded shows another look than the run has now, and rejecting every change gives
    each letter the look it had (accepting, the look it has)."""
    from pipeline.ooxml.redline import resolve

    old, new = pair
    result = compared(tmp_path, old, new)
    root = part(result.data)
    for change in root.iter(W + "rPrChange"):
        assert look(change.find(W + "rPr")) != look(change.getparent()), "a formatting mark for nothing"
    assert letters(resolve(root, accept=False)) == letters(part(old))
    assert letters(resolve(root, accept=True)) == letters(part(new))


def test_a_section_break_added_or_removed_just_before_a_table(tmp_path):
    """The mark before a table must stay in both views, but it gains (or loses) the break: the
    paragraph and the table are shown as accepting and as rejecting show them, one inserted and
    one deleted, and both views are exact."""
    plain = docx(p("Före") + p("Rubrik") + table("A", "B") + p("Efter"), section=section())
    broken = docx(p("Före") + breaking("Rubrik", "nextPage", "landscape") + table("A", "B") + p("Efter"),
                  section=section())
    for old, new in ((plain, broken), (broken, plain)):
        result = compared(tmp_path, old, new)
        assert len(content(result.data, accept=True)["sections"]) == len(content(new, accept=True)["sections"])


def test_a_content_control_around_a_cell_is_compared_inside(tmp_path):
    def row(text):
        return (f'<w:tbl><w:tblGrid><w:gridCol w:w="4000"/><w:gridCol w:w="4000"/></w:tblGrid><w:tr>'
                f'<w:tc>{p("Fast")}</w:tc><w:sdt><w:sdtPr><w:tag w:val="cell"/><w:id w:val="7"/></w:sdtPr>'
                f"<w:sdtContent><w:tc>{p(text)}</w:tc></w:sdtContent></w:sdt></w:tr></w:tbl>")
    compared(tmp_path, docx(p("Före") + row("Gammal text i cellen") + p("Efter")),
             docx(p("Före") + row("Ny text i cellen") + p("Efter")))


def test_a_much_changed_block_control_at_the_end_of_a_story_is_compared_inside(tmp_path):
    """The same control (name, tag, kind) is paired whatever it now holds, so the story's last
    paragraph mark is never one that accepting or rejecting would have to remove."""
    def control(*texts):
        return ('<w:sdt><w:sdtPr><w:alias w:val="Villkor"/><w:tag w:val="villkor"/><w:id w:val="9"/></w:sdtPr>'
                f'<w:sdtContent>{"".join(p(t) for t in texts)}</w:sdtContent></w:sdt>')
    old = docx(p("Före") + control("Ett", "Två"), STORIES | {"footer1": f"<w:ftr {{ns}}>{control('Sidfot')}</w:ftr>"},
               section=reference("footer1"))
    new = docx(p("Före") + control("Helt", "annat", "innehåll"),
               STORIES | {"footer1": f"<w:ftr {{ns}}>{control('Något annat')}</w:ftr>"}, section=reference("footer1"))
    result = compared(tmp_path, old, new)
    assert control_ids(result.data) == ["9"]


def test_an_inserted_simple_field_leaves_no_live_field_on_reject(tmp_path):
    """A w:fldSimple kept around rejected runs would be filled in again by Word: it is written as
    the same complex field, its runs inserted."""
    field = '<w:p><w:fldSimple w:instr=" MERGEFIELD Telefon "><w:r><w:t>«Telefon»</w:t></w:r></w:fldSimple></w:p>'
    result = compared(tmp_path, docx(p("Ett") + p("Två")), docx(p("Ett") + field + p("Två")))
    assert not list(part(result.data).iter(W + "fldSimple"))


def test_namespaces_declared_only_by_the_newer_file_change_nothing(tmp_path):
    """A newer Word declares more namespaces at the root; unchanged paragraphs still count as
    unchanged and are kept as they were (their runs' revision-session ids too), not rebuilt."""
    def body(last):
        return ('<w:p><w:r w:rsidR="00A1"><w:t>Oförändrat stycke</w:t></w:r></w:p>'
                f'<w:p><w:r w:rsidR="00A2"><w:t>{last}</w:t></w:r></w:p>')
    old = docx(body("Gammalt slut"))
    files = unzipped(docx(body("Nytt slut")))
    files["word/document.xml"] = files["word/document.xml"].replace(
        b"<w:document ", b'<w:document xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" ', 1)
    new = zipped(files)
    result = compared(tmp_path, old, new)
    first = next(part(result.data).iter(W + "p"))
    assert first.find(W + "r").get(W + "rsidR") == "00A1" and first.find(W + "pPr") is None


def test_a_deleted_section_brings_its_headers_with_their_styles_and_lists(tmp_path):
    """The header of a section only the old file had comes back on reject with what it needs:
    its paragraph style, and the list that style numbers with (a list whose style points back to it)."""
    styles = ('<w:styles {ns}><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Sidhuvud"><w:name w:val="Sidhuvud"/><w:pPr><w:numPr>'
              '<w:numId w:val="7"/></w:numPr></w:pPr></w:style></w:styles>')
    numbering = ('<w:numbering {ns}><w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:pStyle w:val="Sidhuvud"/>'
                 '</w:lvl></w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num></w:numbering>')
    heading = ('<w:hdr {ns}><w:p><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>1</w:t></w:r></w:p>'
               '<w:p><w:pPr><w:pStyle w:val="Sidhuvud"/></w:pPr><w:r><w:t>Bilaga</w:t></w:r></w:p></w:hdr>')
    old = docx(p("Ett") + breaking("Slut på bilagan", references=reference("header2")) + p("Två"),
               {"styles": styles, "numbering": numbering, "header2": heading}, section=section())
    new = docx(p("Ett") + p("Två"), {"numbering": numbering.replace('"7"', '"9"')}, section=section())
    result = compared(tmp_path, old, new)  # integrity: every style and list defined
    assert len(content(result.data, accept=False)["sections"]) == 2


def test_a_note_of_the_old_file_never_takes_the_id_of_a_separator(tmp_path):
    """The notes part made for the old file's notes takes its separators (here ids 0 and 1, as some
    producers write them); the deleted note gets an id of its own, so rejecting shows its text."""
    notes = ('<w:footnotes {ns}><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p>'
             '</w:footnote><w:footnote w:type="continuationSeparator" w:id="1"><w:p><w:r><w:continuationSeparator/>'
             '</w:r></w:p></w:footnote><w:footnote w:id="2"><w:p><w:r><w:t>Källa: Brå</w:t></w:r></w:p></w:footnote>'
             "</w:footnotes>")
    old = docx('<w:p><w:r><w:t>Brott</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p>', {"footnotes": notes})
    result = compared(tmp_path, old, docx(p("Helt annan text")))
    assert "Källa: Brå" in content(result.data, accept=False)["body"][0]


def test_a_paragraph_joined_at_the_end_keeps_the_look_of_its_view():
    """Inserting a list item after the last paragraph (or deleting the last ones) moves the mark
    revision to the paragraph before: the paragraph the others then join has, in each view, the
    properties of the paragraph that ends the document in that view."""
    from pipeline.ooxml.redline import Revisions, diff_body, resolve

    def document(*paragraphs):
        return etree.fromstring(f'<w:document xmlns:w="{W[1:-1]}"><w:body>{"".join(paragraphs)}'
                                "<w:sectPr/></w:body></w:document>")

    def styles(root):
        return [(p.findtext(f"{W}r/{W}t"), p.find(f"{W}pPr/{W}pStyle").get(W + "val")
                 if p.find(f"{W}pPr/{W}pStyle") is not None else "") for p in root.iter(W + "p")]

    heading = p("Rubrik", ppr='<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>')
    item = p("Ny punkt", ppr='<w:pPr><w:pStyle w:val="ListBullet"/></w:pPr>')
    short, long = document(p("Text"), heading), document(p("Text"), heading, item)
    for old, new in ((short, long), (long, short)):
        result = diff_body(old, new, Revisions("Test", "2024-01-01T00:00:00Z"))
        assert styles(resolve(result, accept=True)) == styles(new)
        assert styles(resolve(result, accept=False)) == styles(old)
