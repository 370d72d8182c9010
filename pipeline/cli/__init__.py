"""The ``samverkan`` command: parses arguments, calls one library function, prints.

One module per group of commands (a version's life, comparing, publishing, the county,
follow-up, the web app), what they share in :mod:`pipeline.cli.common`, and here the group
and :func:`main`, the one place where errors become exit codes: 1 for anything in the user's
data or files, 2 for usage. Only click is imported at start-up (see :mod:`pipeline.cli.common`).
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import sys
import threading

import click

from pipeline import platform
from pipeline.cli import compare, county, followup, lagesbild, publish, sv, versions, web
from pipeline.cli.common import CONTEXT, warnings_text
from pipeline.errors import Interrupted, PipelineError

sv.install()


@click.group(context_settings=CONTEXT, options_metavar="[FLAGGOR]",
             subcommand_metavar="KOMMANDO [ARGUMENT]...")
@click.version_option(package_name="samverkan", message="samverkan %(version)s")
def cli():
    """Samverkansöverenskommelser mellan kommun och polis: YAML → validering → Word.

    Varje version av en överenskommelse ligger i agreements/<län>/<kommun>/<version>/
    med overenskommelse.yaml och en mapp planer/ med en fil per problembild.
    """


for _module in (versions, compare, publish, county, followup, lagesbild, web):
    for _command in _module.COMMANDS:
        cli.add_command(_command)
for _name, _command in compare.ALIASES.items():
    cli.add_command(_command, name=_name)


def _fewer_collections() -> None:
    """Let Python's cycle collector run a tenth as often: a command allocates many objects
    that live until it ends (parsed documents, compiled templates), and collecting them
    over and over costs 4 % of a diff. Memory that is garbage is still freed at once by
    reference counting."""

    first, second, third = gc.get_threshold()
    gc.set_threshold(max(first, 7000), second, third)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code: 0 ok, 1 bad data or files, 2 wrong usage,
    128 + the signal when stopped (130 for Ctrl-C), 141 when the reader of the output has gone."""

    _fewer_collections()
    restore = _stop_on_signals()
    try:
        code = cli.main(args=argv, prog_name="samverkan", standalone_mode=False)
        if isinstance(code, int):
            return code
    except PipelineError as exc:
        click.echo(_error_text(exc), err=True)
        return 1
    except click.exceptions.Abort as exc:  # click's name for an interruption
        click.echo("Avbrutet.", err=True)
        return 128 + (exc.__cause__.signum if isinstance(exc.__cause__, Interrupted) else 2)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt as exc:
        click.echo("Avbrutet.", err=True)
        return 128 + (exc.signum if isinstance(exc, Interrupted) else 2)
    except BrokenPipeError:
        return _output_closed()
    except SystemExit:  # click ends with exit(1) itself when stdout is closed (EPIPE)
        if isinstance(sys.stdout, click.utils.PacifyFlushWrapper):
            return _output_closed()
        raise
    except OSError as exc:
        if exc.errno in (errno.EPIPE, errno.EINVAL) and _stdout_closed():
            return _output_closed()
        raise
    finally:
        restore()
    return 0


def _stop_on_signals():
    """Turn SIGTERM and SIGHUP into an :class:`Interrupted` exception, so clean-up code runs (no
    LibreOffice process or temporary folder is left behind); return a function undoing that."""


    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum, frame):
        raise Interrupted(signum)

    previous = {}
    for signum in platform.termination_signals():
        previous[signum] = signal.signal(signum, stop)

    def restore():
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return restore


def _stdout_closed() -> bool:
    try:
        sys.stdout.flush()
    except OSError:
        return True
    return False


def _output_closed() -> int:
    """End quietly when whoever reads our output has gone (``samverkan … | head``)."""

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush stays quiet
    except (OSError, ValueError, AttributeError):
        pass
    return 141


def _error_text(exc) -> str:
    if len(exc.problems) == 1:
        text = "Fel: " + exc.problems[0].format()
    else:
        text = f"Fel: {len(exc.problems)} problem hittades:\n" + "\n".join(p.format() for p in exc.problems)
    warnings = getattr(exc, "warnings", None)
    return text + "\n" + warnings_text(warnings) if warnings else text


if __name__ == "__main__":
    sys.exit(main())
