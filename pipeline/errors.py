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
    getattr(errno, "ENOTEMPTY", -1): "mappen är inte tom",
    getattr(errno, "EBUSY", -1): "filen eller mappen används av ett annat program",
    getattr(errno, "ELOOP", -1): "för många länkar i rad (en länk som pekar på sig själv?)",
    getattr(errno, "EMFILE", -1): "för många öppna filer",
    getattr(errno, "EIO", -1): "läs- eller skrivfel på disken",
    getattr(errno, "EDQUOT", -1): "diskkvoten är slut",
    getattr(errno, "EFBIG", -1): "filen är för stor",
    getattr(errno, "ETXTBSY", -1): "filen används av ett program som kör",
    getattr(errno, "ENXIO", -1): "enheten finns inte",
}
# Control characters and invisible direction marks are shown as escapes, so a file name or a
# value cannot forge a line of output or reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def os_reason(exc: OSError) -> str:
    """Return a Swedish reason for an operating-system error."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    if isinstance(exc, PermissionError):
        return "behörighet saknas"
    return f"systemfel {exc.errno}" if exc.errno else "systemfel"


def visible(text: str) -> str:
    """Return text with control and direction characters shown as \\xNN or \\uNNNN, so they
    cannot upset a terminal or forge a line of output."""
    def escape(match):
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escape, text)


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
        text = visible(text + self.message)
        if self.hint:
            text += f"\n    tips: {visible(self.hint)}"
        return text

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

    # Set only by `samverkan validera`, whose error text lists the warnings after the errors (cli/__init__.py
    # reads it with getattr); declared here for the type checker, it has no value by default.
    warnings: list[Problem]


class TemplateError(PipelineError):
    """Raised when a Word template is broken or uses a variable the data does not have."""


class OutputError(PipelineError):
    """Raised when output cannot be written (unwritable folder, disk full, bad place)."""


class Interrupted(KeyboardInterrupt):
    """Raised when the process is asked to stop (Ctrl-C, SIGTERM, SIGHUP), so clean-up runs."""

    def __init__(self, signum: int = 2):
        super().__init__(signum)
        self.signum = signum
