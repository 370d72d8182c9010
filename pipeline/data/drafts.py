"""Change a draft's files – only a draft's, decided under the same lock as the write.

Whether a version may be changed is decided inside the version folder's lock, after an
interrupted change there is completed, and the change is written under that same lock:
``beslut`` takes the lock too, so a save, a new plan, a removal or a renaming that comes
in while a decision is being recorded is either written before the seal (and sealed with
it) or refused after it – never written into a decided version.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pipeline.data import seal
from pipeline.data.load import load_text
from pipeline.errors import DataError, OutputError, PipelineError, Problem, os_reason
from pipeline.files import transaction
from pipeline.files.inputs import read_bytes
from pipeline.files.lock import Lock
from pipeline.layout import AGREEMENT_FILE, VersionRef

Change = Callable[[], "tuple[dict[str, bytes], list[str]]"]
_DECIDED = re.compile(r"""(?m)^status:[ \t]*["']?beslutad["']?[ \t]*(#.*)?$""")


def is_decided(folder: Path) -> bool:
    """``True`` when the version in ``folder`` is decided: sealed, or its status says so."""
    folder = Path(folder)
    if seal.is_sealed(folder):
        return True
    try:
        text = read_bytes(folder / AGREEMENT_FILE, VersionRef.of(folder).root).decode("utf-8", "replace")
    except PipelineError:
        return False  # no agreement to read: nothing says it is decided
    try:
        data = load_text(folder / AGREEMENT_FILE, text).data
    except PipelineError:
        return bool(_DECIDED.search(text))  # a broken file: decided if it says so on a line of its own
    return isinstance(data, dict) and data.get("status") == "beslutad"


def refuse_decided(folder: Path) -> None:
    """Raise DataError when the version in ``folder`` is decided (it cannot be changed)."""
    if is_decided(folder):
        raise DataError(Problem(folder, "versionen är beslutad och kan inte ändras",
                                hint="Börja en ny version för att ändra överenskommelsen eller planerna."))


def change_draft(folder: Path, purpose: str, change: Change) -> list[Path]:
    """Under the version folder's lock: complete an interrupted change, refuse a decided version,
    then call ``change`` (which reads what it needs and returns the files to write, relative
    path → bytes, and those to remove) and apply it all or nothing. Return the paths written."""
    folder = Path(folder)
    with Lock(folder, purpose):
        try:
            transaction.recover(folder)  # an interrupted decision is completed before the question
        except OSError as exc:
            raise OutputError(Problem(folder, f"en avbruten ändring kan inte slutföras ({os_reason(exc)})")) from exc
        refuse_decided(folder)
        writes, removes = change()
        if not writes and not removes:
            return []
        return transaction.apply(folder, writes, removes, locked=True, purpose=purpose)
