"""Save a form's data into its YAML file, keeping the file's comments, key order and style
(:mod:`pipeline.data.yamledit`, the one way data files are edited).

A save is refused when the file changed on disk since the form was read (another
window, a text editor): the form carries the SHA-256 of the file it was made from.
The file is replaced all or nothing, under the version folder's lock, and only in a draft:
whether the version is decided is found out under that lock.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ruamel.yaml.error import YAMLError

from pipeline.data import drafts, names
from pipeline.data.yamledit import updated_text
from pipeline.errors import DataError, Problem, SchemaError
from pipeline.files.inputs import read_bytes
from pipeline.layout import VersionRef


class Conflict(DataError):
    """The file changed on disk since the form was read."""


def digest(data: bytes) -> str:
    """Return the SHA-256 of a file's bytes, as the form carries it."""
    return hashlib.sha256(data).hexdigest()


def save(folder: Path, name: str, data: dict, expected_digest: str) -> str:
    """Write ``data`` into the file ``name`` of the draft ``folder``; return the new digest.

    Raise :class:`Conflict` when the file is not the one the form was made from, SchemaError
    when a text holds a character a YAML file cannot, and DataError when the version is
    decided – found out under the same lock as the write (:func:`drafts.change_draft`).
    """
    path = Path(folder) / name
    problems = names.text_problems(data, path)
    if problems:
        raise SchemaError(problems)
    saved = {}

    def change():
        current = read_bytes(path, VersionRef.of(folder).root, links=False)
        if digest(current) != expected_digest:
            raise Conflict(Problem(path, "filen har ändrats sedan formuläret öppnades (i ett annat fönster "
                                         "eller i en texteditor); dina ändringar är inte sparade",
                                   hint="Ladda om sidan för att se filen som den är nu. Det du skrev står kvar "
                                        "i formuläret tills du laddar om, så att du kan kopiera det."))
        try:
            new = updated_text(current.decode("utf-8"), data).encode("utf-8")
        except (UnicodeDecodeError, YAMLError) as exc:
            raise file_problem(path, exc) from exc
        saved["digest"] = digest(new)
        return ({name: new} if new != current else {}), []

    drafts.change_draft(folder, "sparar formuläret", change)
    return saved["digest"]


def file_problem(path: Path, exc: Exception) -> DataError:
    """Return the error of a data file that cannot be read for editing."""
    return DataError(Problem(path, f"filen kan inte läsas för redigering ({exc})"))
