"""Benchmark of issue 3: our redline vs python-redlines' Docxodus engine, side by side in one run.

    pip install -e '.[bench]'        # python-redlines[docxodus], only for this script
    python tests/benchmarks/bench_redline.py [--rounds N]

Pairs: Orsa's agreement 2019 (as decided) → 2023, and a generated pair of about
50 pages with edits, inserted, deleted and moved paragraphs, and changed table
rows. For each: median time of both tools, the ratio (target: ours at least 5×
faster), the revision marks each made, and whether accepting every change gives
the new text and rejecting gives the old (checked with pipeline.redline.resolve
on both tools' output), and how readable the marks are: per changed paragraph, how
often deleted and inserted text alternate (issue 9).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from pipeline import ooxml  # noqa: E402
from pipeline.compare.versions import redline_docx  # noqa: E402
from pipeline.documents.model import RenderedDocument  # noqa: E402
from pipeline.ooxml import redline  # noqa: E402

WORDS = [
    "kommun",
    "polis",
    "trygghet",
    "samverkan",
    "lägesbild",
    "brottsförebyggande",
    "åtgärd",
    "uppföljning",
    "centrum",
    "skola",
    "fritidsgård",
    "ungdomar",
    "föräldrar",
    "vandring",
    "belysning",
    "skadegörelse",
    "anmälan",
    "statistik",
    "möte",
    "rådet",
    "insats",
    "ansvar",
    "resurser",
    "mål",
    "analys",
    "orsak",
    "plats",
    "tid",
    "vecka",
    "månad",
    "år",
    "sommar",
    "vinter",
]


def body_texts(data: bytes, accept: bool | None = None) -> list[str]:
    """Return the body paragraphs of a .docx, after accepting or rejecting every change if asked."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    if accept is not None:
        root = redline.resolve(root, accept)
    return redline.paragraph_texts(redline.body(root))


def alternations(data: bytes) -> list[int]:
    """Return, per changed paragraph, how often its marks switch between deleted and inserted.

    A changed paragraph keeps its paragraph mark and holds word-level w:ins/w:del;
    "~~Alkohol~~Rekrytering ~~och~~av" switches three times, one deletion then one
    insertion once.
    """
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    counts = []
    for paragraph in root.iter(redline.W + "p"):
        if (
            paragraph.find(f"{redline.W}pPr/{redline.W}rPr/{redline.W}ins") is not None
            or paragraph.find(f"{redline.W}pPr/{redline.W}rPr/{redline.W}del") is not None
        ):
            continue
        kinds = [
            m.tag
            for m in paragraph.iter(redline.W + "ins", redline.W + "del")
            if m.getparent().tag != redline.W + "rPr"
        ]
        if kinds:
            counts.append(sum(1 for a, b in zip(kinds, kinds[1:], strict=False) if a != b))
    return counts


def describe_alternations(data: bytes) -> str:
    counts = alternations(data)
    if not counts:
        return "inga ändrade stycken"
    return (
        f"{len(counts)} ändrade stycken, i snitt {statistics.mean(counts):.2f} växlingar "
        f"(strykning/infogning) per stycke, högst {max(counts)}"
    )


def revision_marks(data: bytes) -> int:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return redline.count_revisions(root)


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def generated_pair(seed: int = 2023) -> tuple[bytes, bytes]:
    """Return (old, new) .docx bytes: about 50 pages, and an edited copy."""
    import docx

    rng = random.Random(seed)
    blocks = []
    for section in range(20):
        blocks.append(("h", f"{section + 1}. {sentence(rng, 4)}"))
        for _ in range(18):
            blocks.append(("p", " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(3))))
        if section % 2 == 0:
            blocks.append(("t", [[sentence(rng, 3) for _ in range(4)] for _ in range(8)]))
    edited = []
    for kind, content in blocks:
        roll = rng.random()
        if kind == "p" and roll < 0.03:
            continue  # deleted
        if kind == "p" and roll < 0.12:
            words = content.split()
            for _ in range(3):
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            content = " ".join(words)
        if kind == "t":
            rows = [list(r) for r in content]
            rows[rng.randrange(len(rows))][rng.randrange(4)] = sentence(rng, 3)
            del rows[rng.randrange(len(rows))]
            rows.insert(rng.randrange(len(rows)), [sentence(rng, 3) for _ in range(4)])
            content = rows
        edited.append((kind, content))
        if kind == "p" and rng.random() < 0.03:
            edited.append(("p", sentence(rng, 20)))  # inserted
    edited[40], edited[60] = edited[60], edited[40]  # a moved paragraph

    def build(items) -> bytes:
        document = docx.Document()
        for kind, content in items:
            if kind == "h":
                document.add_heading(content, level=1)
            elif kind == "p":
                document.add_paragraph(content)
            else:
                table = document.add_table(rows=len(content), cols=4)
                for row, values in zip(table.rows, content, strict=False):
                    for cell, value in zip(row.cells, values, strict=False):
                        cell.text = value
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return build(blocks), build(edited)


def orsa_pair() -> tuple[bytes, bytes]:
    from pipeline.data.validate import validate_version
    from pipeline.documents.render import render_version

    orsa = ROOT / "agreements" / "dalarna" / "orsa"
    old = (orsa / "2019" / "beslutat" / "samverkansoverenskommelse.docx").read_bytes()
    new = render_version(validate_version(orsa / "2023"))[0].data
    return old, new


def ours(old: bytes, new: bytes) -> bytes:
    revisions = redline.Revisions("Orsa kommun", "2023-01-31T00:00:00Z")
    props = ooxml.Properties("Ändringar", "Jämförelse", "Orsa kommun", __import__("datetime").date(2023, 1, 31))
    return redline_docx(RenderedDocument("a", "a", old).parts, RenderedDocument("b", "b", new).parts, revisions, props)[
        0
    ]


def orsa_documents() -> list[bytes]:
    """Return every redline of Orsa 2019 → 2023 (agreement and plans), made on a copy of the data."""
    import shutil
    import tempfile

    from pipeline.compare.versions import compare

    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(ROOT / "agreements", Path(folder) / "agreements")
        orsa = Path(folder) / "agreements" / "dalarna" / "orsa"
        return [r.data for r in compare(orsa / "2019", orsa / "2023").redlines]


def readability() -> None:
    """Print the alternations per changed paragraph on Orsa's documents and generated pairs."""
    counts = [c for data in orsa_documents() for c in alternations(data)]
    print(
        f"Orsa 2019→2023, alla ändringsdokument: {len(counts)} ändrade stycken, i snitt "
        f"{statistics.mean(counts):.2f} växlingar per stycke, högst {max(counts)}"
    )
    for seed in (2023, 1, 2):
        print(f"genererat par (frö {seed}): {describe_alternations(ours(*generated_pair(seed)))}")


def median_time(function, rounds: int) -> tuple[float, bytes]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def properties_hold(old: bytes, new: bytes, marked: bytes) -> str:
    accepted = body_texts(marked, accept=True) == body_texts(new)
    rejected = body_texts(marked, accept=False) == body_texts(old)
    return f"accept→ny {'ja' if accepted else 'NEJ'}, reject→gammal {'ja' if rejected else 'NEJ'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--readability", action="store_true", help="only the alternations, no Docxodus")
    args = parser.parse_args()
    readability()
    if args.readability:
        return 0
    try:
        from python_redlines.engines import DocxodusEngine
    except ImportError:
        print("python-redlines med Docxodus saknas: pip install -e '.[bench]'", file=sys.stderr)
        return 1
    engine = DocxodusEngine()
    for label, (old, new) in (
        ("Orsa 2019→2023, överenskommelsen", orsa_pair()),
        ("genererat par, ca 50 sidor", generated_pair()),
    ):
        ours_time, ours_out = 0.0, None
        theirs_time, theirs_out = 0.0, None
        ours_times, theirs_times = [], []
        for _ in range(args.rounds):  # interleaved, so both see the same machine load
            t, ours_out = median_time(lambda old=old, new=new: ours(old, new), 1)
            ours_times.append(t)
            t, theirs_out = median_time(lambda old=old, new=new: engine.run_redline("Orsa kommun", old, new)[0], 1)
            theirs_times.append(t)
        ours_time, theirs_time = statistics.median(ours_times), statistics.median(theirs_times)
        print(f"{label}: {len(body_texts(new))} stycken")
        print(
            f"  samverkan  {ours_time * 1000:8.1f} ms  {revision_marks(ours_out):5d} ändringsmarkeringar  "
            f"{properties_hold(old, new, ours_out)}"
        )
        print(
            f"  Docxodus   {theirs_time * 1000:8.1f} ms  {revision_marks(theirs_out):5d} ändringsmarkeringar  "
            f"{properties_hold(old, new, theirs_out)}"
        )
        print(f"  samverkan är {theirs_time / ours_time:.1f} gånger snabbare (mål: minst 5)")
        print(f"  läsbarhet, samverkan: {describe_alternations(ours_out)}")
        print(f"  läsbarhet, Docxodus:  {describe_alternations(theirs_out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
