"""Accept or reject every tracked change in LibreOffice itself, and write the text it then shows.

    /usr/bin/python3 tests/libreoffice_review.py OUT_FOLDER accept|reject|none FILE.docx …

Run with a Python that has LibreOffice's UNO bridge (Debian's python3 with python3-uno), not the
project's virtual environment: it starts ``soffice`` headless with a profile of its own, opens each
file hidden, dispatches "Godkänn alla" (.uno:AcceptAllTrackedChanges) or "Avvisa alla"
(.uno:RejectAllTrackedChanges) – or nothing, for a file without changes – and saves what the
document then shows as plain text (LibreOffice's own text export, tables cell by cell) to
OUT_FOLDER/<name>.txt. tests/test_redline_libreoffice.py compares these texts: the redline with
every change accepted must read as the new file, with every change rejected as the old one.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # noqa: F401 – LibreOffice's bridge; only in a Python with python3-uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def connect(pipe: str):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(200):
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context), context
        except Exception:  # noqa: BLE001 – not up yet
            time.sleep(0.1)
    raise RuntimeError("LibreOffice svarar inte")


class Office:
    """A headless LibreOffice with a profile of its own, started again if a file brings it down."""

    def __init__(self, profile: Path):
        self.profile, self.process, self.desktop, self.dispatcher = profile, None, None, None

    def start(self) -> None:
        pipe = f"samverkan{os.getpid()}x{time.monotonic_ns()}"
        self.process = subprocess.Popen(["soffice", f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
                                         "--invisible", "--norestore", f"--accept=pipe,name={pipe};urp;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.desktop, context = connect(pipe)
        self.dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper",
                                                                           context)

    def stop(self) -> None:
        with contextlib.suppress(Exception):  # already gone
            self.desktop.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def text(self, path: Path, mode: str, target: Path) -> None:
        """Open ``path``, accept or reject every change (or neither) and save the text it shows."""
        document = self.desktop.loadComponentFromURL(path.resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        if document is None:
            target.write_text("<LibreOffice kunde inte öppna filen>\n", encoding="utf-8")
            return
        if mode != "none":
            command = ".uno:AcceptAllTrackedChanges" if mode == "accept" else ".uno:RejectAllTrackedChanges"
            self.dispatcher.executeDispatch(document.getCurrentController().getFrame(), command, "", 0, ())
        document.storeToURL(target.resolve().as_uri(), (prop("FilterName", "Text (encoded)"),
                                                        prop("FilterOptions", "UTF8,LF,,,")))
        document.close(True)


def main() -> int:
    out, mode, files = Path(sys.argv[1]), sys.argv[2], [Path(f) for f in sys.argv[3:]]
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        office = Office(Path(profile))
        office.start()
        try:
            for path in files:
                target = out / (path.stem + ".txt")
                try:
                    office.text(path, mode, target)
                except Exception:  # noqa: BLE001 – LibreOffice itself fell over on this file
                    target.write_text("<LibreOffice föll på filen>\n", encoding="utf-8")
                    office.stop()
                    office.start()
        finally:
            office.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
