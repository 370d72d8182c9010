"""Errors of the pipeline: every problem a user can cause becomes one of these.

Each error carries one or more :class:`Problem` records (file, line, column, field
path, Swedish message, hint), so the CLI can report every problem at once and
exit with code 1 without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
        text = f"{self.location()}: "
        if self.field:
            text += f"fältet '{self.field}': "
        text += self.message
        if self.hint:
            text += f"\n    tips: {self.hint}"
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


class TemplateError(PipelineError):
    """Raised when a Word template is broken or uses a variable the data does not have."""


class OutputError(PipelineError):
    """Raised when output cannot be written (unwritable folder, disk full, bad place)."""


@dataclass
class ProblemList:
    """Collects problems from many files so every error is reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, error_class: type[PipelineError] = SchemaError) -> None:
        if self.items:
            raise error_class(self.items)
