"""Errors of the pipeline: every problem a user can cause becomes one of these.

Each error carries one or more :class:`Problem` records (file, line, column, field
path, Swedish message, hint), so the CLI can report every problem at once and
exit with code 1 without a traceback.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from pathlib import Path

_REASONS = {
    errno.ENOENT: "filen eller mappen finns inte",
    errno.EISDIR: "är en mapp",
    errno.ENOTDIR: "en del av sökvägen är inte en mapp",
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.ENOSPC: "disken är full",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.EEXIST: "finns redan",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.EXDEV: "kan inte flyttas mellan olika diskar",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def os_reason(exc: OSError) -> str:
    """Return a Swedish reason for an operating-system error."""
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


def _visible(text: str) -> str:
    """Return text with control characters shown as \\xNN, so they cannot upset a terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as we can."""

    file: Path | None
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    field: str | None = None  # e.g. "giltighetstid.till" or "aktiviteter[2].ansvarig"
    hint: str | None = None

    def location(self) -> str:
        """Return "fil:rad:kolumn" with whatever parts are known."""
        parts = [str(self.file) if self.file else "<okänd fil>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        """Return the problem as one or two lines of Swedish text."""
        text = f"{self.location()}: " if self.file else ""
        if self.field:
            text += f"fältet '{self.field}': "
        text += self.message
        if self.hint:
            text += f"\n    tips: {self.hint}"
        return _visible(text)

    def sort_key(self) -> tuple:
        """Return a key that orders problems by file, then position."""
        return (str(self.file or ""), self.line or 0, self.column or 0, self.field or "")


class PipelineError(Exception):
    """Raised when the pipeline cannot go on because of something the user can fix."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(file=None, message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(p.format() for p in self.problems))


class DataError(PipelineError):
    """Raised when a YAML file cannot be read or parsed (encoding, syntax, duplicates)."""


class SchemaError(PipelineError):
    """Raised when data does not follow the schemas or the cross-field rules."""


class TemplateError(PipelineError):
    """Raised when a Word template is broken or uses a variable the data does not have."""


class OutputError(PipelineError):
    """Raised when output cannot be written (unwritable folder, disk full, bad place)."""
