#!/usr/bin/env python3
"""A stand-in for soffice in tests: converts instantly, or hangs or crashes on chosen documents.

FAKE_SOFFICE_HANG / FAKE_SOFFICE_CRASH name a part of a document's file name. Like
soffice, it starts a helper process, so tests can check that none outlives a run.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
inputs = [a for a in args if a.endswith(".docx")]
# Like soffice.bin, the helper repeats the program's arguments (the profile and output folders).
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "fake-soffice-child",
                  os.environ.get("FAKE_SOFFICE_HOME", ""), *args])
out.mkdir(parents=True, exist_ok=True)
for name in inputs:
    stem = Path(name).stem
    if os.environ.get("FAKE_SOFFICE_HANG") and os.environ["FAKE_SOFFICE_HANG"] in stem:
        (out / f"{stem}.pdf").write_bytes(b"%PDF-1.7\n% half written")  # never finished
        time.sleep(300)
    if os.environ.get("FAKE_SOFFICE_CRASH") and os.environ["FAKE_SOFFICE_CRASH"] in stem:
        os._exit(134)
    (out / f"{stem}.pdf").write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
