"""The redline engine: accepting every change gives the new text, rejecting gives the old."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import AGREEMENTS
from fuzzing import examples
from pipeline.data.validate import validate_version
from pipeline.documents.render import render_version
from pipeline.ooxml import redline
from pipeline.ooxml.redline import W_NS, W

# --- a small document model, built into WordprocessingML ------------------------------

WORDS = ["kommun", "polis", "trygghet", "samverkan", "Orsa", "Mora", "mål", "plan", "möte", "2023",
         "och", "i", "att", "för", "BRÅ", "lägesbild", "ansvar", "uppföljning", "år", "–"]
STYLES = ["", "Heading1", "Heading2", "ListBullet"]


def paragraph_xml(style, runs) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    body = "".join(f'<w:r>{"<w:rPr><w:b/></w:rPr>" if bold else ""}'
                   f'<w:t xml:space="preserve">{text}</w:t></w:r>' for text, bold in runs)
    return f"<w:p>{ppr}{body}</w:p>"


def table_xml(columns, rows) -> str:
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(columns))
    cells = "".join("<w:tr>" + "".join(f"<w:tc>{paragraph_xml('', [(c, False)])}</w:tc>" for c in row) + "</w:tr>"
                    for row in rows)
    return (f'<w:tbl><w:tblPr><w:tblCaption w:val="Tabell {columns}"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{cells}</w:tbl>")


def document(blocks) -> etree._Element:
    xml = "".join(paragraph_xml(*b[1:]) if b[0] == "p" else table_xml(*b[1:]) for b in blocks)
    return etree.fromstring(f'<w:document xmlns:w="{W_NS}"><w:body>{xml}<w:p/><w:sectPr/></w:body></w:document>')


sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
runs = st.lists(st.tuples(sentence, st.booleans()), min_size=1, max_size=3)
paragraph = st.tuples(st.just("p"), st.sampled_from(STYLES), runs)
table = st.integers(2, 3).flatmap(lambda n: st.tuples(
    st.just("tbl"), st.just(n), st.lists(st.lists(sentence, min_size=n, max_size=n), min_size=1, max_size=5)))
blocks = st.lists(st.one_of(paragraph, paragraph, table), min_size=0, max_size=10)


@st.composite
def edited(draw, blocks_strategy=blocks):
    """Return (old, new): a document and a randomly edited copy of it."""
    old = draw(blocks_strategy)
    new = [list(b) for b in old]
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["edit", "insert", "delete", "move", "style", "bold", "row"]))
        if op == "insert" or not new:
            new.insert(draw(st.integers(0, len(new))), list(draw(st.one_of(paragraph, table))))
            continue
        index = draw(st.integers(0, len(new) - 1))
        block = new[index]
        if op == "delete":
            del new[index]
        elif op == "move":
            new.insert(draw(st.integers(0, len(new) - 1)), new.pop(index))
        elif block[0] == "p" and op == "edit":
            block[2] = [(draw(sentence) if draw(st.booleans()) else t, b) for t, b in block[2]]
        elif block[0] == "p" and op == "style":
            block[1] = draw(st.sampled_from(STYLES))
        elif block[0] == "p" and op == "bold":
            block[2] = [(t, not b) for t, b in block[2]]
        elif block[0] == "tbl":
            rows = [list(r) for r in block[2]]
            action = draw(st.sampled_from(["add", "remove", "swap", "cell"]))
            if action == "add" or len(rows) < 2:
                rows.insert(draw(st.integers(0, len(rows))), [draw(sentence) for _ in range(block[1])])
            elif action == "remove":
                del rows[draw(st.integers(0, len(rows) - 1))]
            elif action == "swap":
                rows[0], rows[-1] = rows[-1], rows[0]
            else:
                rows[draw(st.integers(0, len(rows) - 1))][draw(st.integers(0, block[1] - 1))] = draw(sentence)
            block[2] = rows
    return old, [tuple(b) for b in new]


def check(old_root, new_root):
    result = redline.diff_body(old_root, new_root, redline.Revisions("Test", "2023-01-01T00:00:00Z"))
    assert redline.paragraph_texts(redline.resolve(result, accept=True)) == redline.paragraph_texts(new_root)
    assert redline.paragraph_texts(redline.resolve(result, accept=False)) == redline.paragraph_texts(old_root)
    return result


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_accept_gives_new_and_reject_gives_old(pair):
    old, new = pair
    check(document(old), document(new))


@pytest.mark.slow  # seconds: a batch, a whole review or many requests (quick tier < 3 min)
@settings(max_examples=100, deadline=None)
@given(blocks, blocks)
def test_unrelated_documents(old, new):
    check(document(old), document(new))


@settings(max_examples=100, deadline=None)
@given(blocks)
def test_document_against_itself_has_no_revisions(old):
    result = redline.diff_body(document(old), document(old), redline.Revisions("T", "2023-01-01T00:00:00Z"))
    assert redline.count_revisions(result) == 0


def test_word_level_change_inside_a_paragraph():
    old = document([("p", "", [("Lägesbilden uppdateras två gånger per år", False)])])
    new = document([("p", "", [("Lägesbilden uppdateras fyra gånger per år", False)])])
    result = check(old, new)
    deleted = ["".join(t.text for t in d.iter(W + "delText")) for d in result.iter(W + "del")]
    inserted = ["".join(t.text for t in i.iter(W + "t")) for i in result.iter(W + "ins")]
    assert (deleted, inserted) == (["två"], ["fyra"])


def test_formatting_change_is_an_rpr_change():
    old = document([("p", "", [("samverkan", False)])])
    new = document([("p", "", [("samverkan", True)])])
    result = check(old, new)
    (change,) = result.iter(W + "rPrChange")
    assert change.get(W + "author") == "Test" and change.find(W + "rPr").find(W + "b") is None
    assert not list(result.iter(W + "ins")) and not list(result.iter(W + "del"))


def test_inserted_and_deleted_rows_carry_row_marks():
    old = document([("tbl", 2, [["Roll", "Part"], ["Kommunpolis", "Polisen"]])])
    new = document([("tbl", 2, [["Roll", "Part"], ["Samordnare", "Kommunen"], ["Kommunpolis", "Polisen"]])])
    result = check(old, new)
    rows = result.findall(f".//{W}tr")
    assert [r.find(f"{W}trPr/{W}ins") is not None for r in rows] == [False, True, False]


def test_whole_paragraphs_carry_paragraph_marks():
    old = document([("p", "", [("Första", False)]), ("p", "", [("Sista", False)])])
    new = document([("p", "", [("Första", False)]), ("p", "Heading1", [("Ny rubrik helt", False)]),
                    ("p", "", [("Sista", False)])])
    result = check(old, new)
    marked = [p for p in result.iter(W + "p") if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None]
    assert [redline.paragraph_texts(p) for p in marked] == [["Ny rubrik helt"]]


def rendered(version: str) -> dict[str, bytes]:
    documents = render_version(validate_version(AGREEMENTS / "dalarna" / "orsa" / version))
    return {d.name: d.data for d in documents}


def part(data: bytes, name: str):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def test_orsa_2019_to_2023():
    old = part(rendered("2019")["samverkansoverenskommelse.docx"], "word/document.xml")
    new = part(rendered("2023")["samverkansoverenskommelse.docx"], "word/document.xml")
    result = check(old, new)
    assert redline.count_revisions(result) > 20
    text = "".join(t.text for t in result.iter(W + "delText"))
    assert "Säkerhetssamordnare" in text


def test_header_changes_are_tracked():
    old = part(rendered("2019")["samverkansoverenskommelse.docx"], "word/header1.xml")
    new = part(rendered("2023")["samverkansoverenskommelse.docx"], "word/header1.xml")
    result = redline.diff_part(old, new, redline.Revisions("Test", "2023-01-01T00:00:00Z"))
    deleted = "".join(t.text for t in result.iter(W + "delText"))
    assert "0031" in deleted and "2019-03" in deleted
    assert redline.paragraph_texts(redline.resolve(result, True)) == redline.paragraph_texts(new)
    assert redline.paragraph_texts(redline.resolve(result, False)) == redline.paragraph_texts(old)


# --- a redline a person can read (issue 9, item 4) ---------------------------------------------

def changes(result) -> list[tuple[str, str]]:
    """Return the revision wrappers of a redline in order, as (kind, text)."""
    found = []
    for mark in result.iter(W + "ins", W + "del"):
        if mark.getparent().tag == W + "rPr":
            continue
        found.append((mark.tag.rsplit("}", 1)[1], "".join(t.text for t in mark.iter(W + "t", W + "delText"))))
    return found


def alternations(result) -> int:
    """Return how often a redline switches between deleted and inserted text."""
    kinds = [kind for kind, _ in changes(result)]
    return sum(1 for a, b in zip(kinds, kinds[1:], strict=False) if a != b)


def test_a_rewritten_line_is_one_deletion_and_one_insertion():
    old = document([("p", "", [("Bilaga 4 – Alkohol och langning under sommaren", False)])])
    new = document([("p", "", [("Bilaga 4 – Rekrytering av unga till kriminalitet", False)])])
    result = check(old, new)
    assert changes(result) == [("del", "Alkohol och langning under sommaren"),
                               ("ins", "Rekrytering av unga till kriminalitet")]
    assert alternations(result) == 1


def test_a_small_edit_in_a_long_sentence_stays_word_level():
    text = "Samverkansgruppen träffas {} gånger per år och följer upp lägesbilden tillsammans med rådet."
    old = document([("p", "", [(text.format("två"), False)])])
    new = document([("p", "", [(text.format("fyra"), False)])])
    assert changes(check(old, new)) == [("del", "två"), ("ins", "fyra")]


def test_only_the_crowded_sentence_is_replaced():
    kept = "Polisen och kommunen gör en gemensam lägesbild varje år."
    old = document([("p", "", [(f"{kept} Alkohol och langning under sommaren.", False)])])
    new = document([("p", "", [(f"{kept} Rekrytering av unga till kriminalitet.", False)])])
    assert changes(check(old, new)) == [("del", "Alkohol och langning under sommaren"),
                                        ("ins", "Rekrytering av unga till kriminalitet")]


def test_a_heading_that_changed_more_than_half_is_replaced_whole():
    old = document([("p", "Heading1", [("Uppföljning av arbetet", False)])])
    new = document([("p", "Heading1", [("Uppföljning och kommunikation", False)])])
    assert changes(check(old, new)) == [("del", "Uppföljning av arbetet"), ("ins", "Uppföljning och kommunikation")]


def test_short_words_between_changes_do_not_stay_as_islands():
    old = document([("p", "", [("Ansvarig är rektor i skolan", False)])])
    new = document([("p", "", [("Ansvarig är fältsekreterare i fritidsgården", False)])])
    assert changes(check(old, new)) == [("del", "rektor i skolan"), ("ins", "fältsekreterare i fritidsgården")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS + [" ", ".", ","]), max_size=30),
       st.lists(st.sampled_from(WORDS + [" ", ".", ","]), max_size=30), st.booleans())
def test_readable_opcodes_cover_both_sides_in_order(old_words, new_words, heading):
    from pipeline.ooxml.redline import words as redline_words

    old_keys, new_keys = [("t", w) for w in old_words], [("t", w) for w in new_words]
    flags = ([w.strip(" .,") != "" for w in old_words], [w.strip(" .,") != "" for w in new_words])
    ops = redline_words.opcodes(old_keys, new_keys, flags, heading)
    i = j = 0
    for op, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j) and i2 >= i1 and j2 >= j1
        if op == redline_words.EQUAL:
            assert old_keys[i1:i2] == new_keys[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(old_keys), len(new_keys))


# --- pairing in near-linear time (issue 11) ------------------------------------------------------

def long_pair(paragraphs: int, seed: int = 11):
    """Return (old, new) documents of ``paragraphs`` paragraphs: edits, runs of edits, moves."""
    import random

    rng = random.Random(seed)
    syllables = ["sam", "ver", "kan", "po", "lis", "trygg", "het", "mo", "ra", "or", "sa", "lä", "ges", "bild"]
    vocabulary = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(3000)]

    def sentence(n):
        return " ".join(rng.choice(vocabulary) for _ in range(n))

    old = [sentence(rng.randint(6, 18)) for _ in range(paragraphs)]
    new = []
    for index, text in enumerate(old):
        roll = rng.random()
        if roll < 0.03:
            continue
        if roll < 0.12 or (index // 20) % 10 == 3:  # scattered edits, and stretches of twenty edited
            words = text.split()
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
            text = " ".join(words)
        new.append(text)
        if roll > 0.97:
            new.append(sentence(10))
    new[100], new[900] = new[900], new[100]
    as_blocks = lambda texts: [("p", "", [(t, False)]) for t in texts]  # noqa: E731
    return document(as_blocks(old)), document(as_blocks(new)), len(old)


def test_pairing_a_long_document_does_linear_work():
    old, new, paragraphs = long_pair(3100)
    revisions = redline.Revisions("Test", "2023-01-01T00:00:00Z")
    result = redline.diff_body(old, new, revisions)
    assert redline.paragraph_texts(redline.resolve(result, True)) == redline.paragraph_texts(new)
    assert redline.paragraph_texts(redline.resolve(result, False)) == redline.paragraph_texts(old)
    # Every edited paragraph is shown as edited, not deleted and inserted again.
    whole = [p for p in result.iter(W + "p") if p.find(f"{W}pPr/{W}rPr/{W}del") is not None]
    assert len(whole) < 0.05 * paragraphs
    # A few similarity computations per paragraph, not one per pair of changed paragraphs.
    assert 0 < revisions.stats["similarity"] <= 4 * paragraphs
