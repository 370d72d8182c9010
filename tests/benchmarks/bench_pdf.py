"""Benchmark of issue 5: PDFs for a batch of the 15 Dalarna kommuner, side by side in one run.

    python tests/benchmarks/bench_pdf.py

(a) every document converted through one LibreOffice process (pipeline.pdf.convert) vs
(b) one `soffice --convert-to pdf` call per document, with the same export settings and a
warmed-up user profile for both. Target: (a)/(b) ≤ 0.3.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.county.batch import run_batch  # noqa: E402
from pipeline.publish import pdf  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        run_batch(ROOT / "agreements", scratch / "ut", jobs=2)
        documents = sorted((scratch / "ut").rglob("*.docx"))
        print(f"{len(documents)} dokument från batchen för Dalarnas 15 kommuner")

        started = time.perf_counter()
        written, problems = pdf.convert([pdf.PdfJob(d, scratch / "a" / f"{i}.pdf") for i, d in enumerate(documents)])
        one_process = time.perf_counter() - started
        assert len(written) == len(documents) and not problems

        profile = scratch / "profile"
        command = [pdf.soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--convert-to", pdf.EXPORT_FILTER]
        subprocess.run(command + ["--outdir", str(scratch / "warm"), str(documents[0])], check=True,
                       capture_output=True)  # the profile is created once, outside the timing
        started = time.perf_counter()
        for index, document in enumerate(documents):
            subprocess.run(command + ["--outdir", str(scratch / "b" / str(index)), str(document)], check=True,
                           capture_output=True)
        per_document = time.perf_counter() - started
        assert len(list((scratch / "b").rglob("*.pdf"))) == len(documents)
        print(
            f"  en LibreOffice-process:    {one_process:6.1f} s ({one_process / len(documents) * 1000:.0f} ms/dokument)"
        )
        print(
            f"  ett soffice-anrop/dokument: {per_document:6.1f} s "
            f"({per_document / len(documents) * 1000:.0f} ms/dokument)"
        )
        print(f"  kvot {one_process / per_document:.2f} (mål ≤ 0,3)")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
