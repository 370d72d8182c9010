"""What a batch run reports: each job's result and the run's totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.county.work import JobResult
from pipeline.errors import Problem


@dataclass
class BatchReport:
    """What a batch run did."""

    out: Path
    ran: list[JobResult] = field(default_factory=list)
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    overview: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    interrupted: int = 0  # the signal that stopped the run (2 for Ctrl-C), 0 when it ran to the end

    @property
    def ok(self) -> bool:
        return not self.problems and not self.interrupted
