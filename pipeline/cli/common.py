"""What every command of ``samverkan`` shares: the date type, printing paths, PDFs, plurals.

The commands import the library inside their functions, not here or at the top of their
modules: importing it costs 300–450 ms (``python -X importtime``: lxml, docxtpl, cerberus,
Flask), six times ``samverkan --help`` with click alone (about 50 ms).
"""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.data import dates
from pipeline.errors import PipelineError, visible

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class IsoDate(click.ParamType):
    """A date written ÅÅÅÅ-MM-DD, nothing else (no 20261127, no week dates)."""

    name = "ÅÅÅÅ-MM-DD"

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return dates.parse(value)
        except ValueError:
            self.fail(dates.not_a_date(value), param, ctx)


DATE = IsoDate()


def echo_path(prefix: str, path) -> None:
    """Print a line naming a file, with control characters in its name made visible."""

    click.echo(visible(f"{prefix}{path}"))


def echo_written(paths) -> None:
    """Print "Skrev <path>" for every file written."""
    for path in paths:
        echo_path("Skrev ", path)


def pdfs(documents: list[Path], packages=(), quiet: bool = False) -> None:
    """Convert documents (and beslutspaket) to PDF in one LibreOffice run; raise if any failed."""
    from pipeline.publish.pdf import convert_run

    written, problems = convert_run(documents, packages)
    if not quiet:
        echo_written(written)
    if problems:
        raise PipelineError(problems)


def plural(n: int, one: str, many: str) -> str:
    """Return the Swedish word for ``n`` things: ``one`` for exactly one, else ``many``."""
    return one if n == 1 else many


def warnings_text(warnings, before_decision: bool = False) -> str:
    """Return the warnings of a validation, after its errors: they stop nothing unless --strikt.
    ``before_decision``: said by ``beslut`` before it seals what the warnings are about."""
    if before_decision:
        head = (f"Varningar före beslutet: {len(warnings)} (versionen beslutas och förseglas som den är; "
                "--strikt stoppar beslutet):")
    else:
        head = f"Varningar: {len(warnings)} (stoppar inget; --strikt gör dem till fel):"
    return head + "\n" + "\n".join(w.format() for w in warnings)
