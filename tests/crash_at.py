"""Run a samverkan command and kill the process at its k-th file-system change.

    python tests/crash_at.py K COUNT_FILE samverkan-arguments...
    python tests/crash_at.py K COUNT_FILE --webb NAME VERSION_FOLDER   (a button of samverkan webb)

K = 0 runs the command to the end. The number of changes counted is written to
COUNT_FILE when the command ends normally, so a test knows how many points to try, followed
by the numbers of the changes that committed a journal (one per line), so it knows the
moment each change was decided.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faults import BOUNDARIES, Faults, install, killed  # noqa: E402


def main() -> int:
    fail_at, count_file, arguments = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    faults = Faults(fail_at or None, killed)
    install(faults, BOUNDARIES)
    if arguments[0] == "--webb":  # a web app button: tests/webcalls.py
        from webcalls import CALLS

        CALLS[arguments[1]](Path(arguments[2]))
        code = 0
    else:
        from pipeline.cli import main as samverkan

        code = samverkan(arguments)
    count_file.write_text("\n".join(str(n) for n in [faults.count, *faults.commits()]), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
