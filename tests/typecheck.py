"""The type-check gate: mypy over pipeline/, compared with the recorded errors.

    python tests/typecheck.py             fails (exit 1) on any error not in tests/mypy-baseline.txt
    python tests/typecheck.py --record    writes the errors of now to tests/mypy-baseline.txt

mypy runs with the settings in pyproject.toml ([tool.mypy]). The baseline holds the errors that
were there when the gate came, one line each as "path: [code] message", sorted, without line
numbers, so an edit elsewhere in a file does not move them. Errors are compared as a multiset: a
second error of the same text in the same file is a new error. Errors may only go: when some in
the baseline are gone, the run still passes and says so; record then, so they cannot come back.
Record only when the count shrinks (docs/utveckling/tester.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "mypy-baseline.txt"
# "pipeline/x.py:12: error: Message  [code]", also with a column ("pipeline/x.py:12:5: error: …").
_ERROR = re.compile(r"^(?P<path>[^:\n]+):\d+(?::\d+)?: error: (?P<message>.*?)  \[(?P<code>[a-z0-9-]+)\]$")
_LINE_NUMBER = re.compile(r"\bon line \d+")  # "already defined on line 12" names a line too


def run_mypy() -> tuple[int, str]:
    """Run mypy as pyproject.toml configures it; return its exit code and output."""
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
               "--no-pretty", "--no-error-summary", "--hide-error-context", "--show-error-codes"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def parse(output: str) -> list[str]:
    """Return the errors in mypy's output as baseline lines, sorted (notes are left out)."""
    found = []
    for line in output.splitlines():
        match = _ERROR.match(line.strip())
        if match:
            path = match["path"].replace("\\", "/")
            message = _LINE_NUMBER.sub("on line N", match["message"])
            found.append(f"{path}: [{match['code']}] {message}")
    return sorted(found)


def read_baseline(path: Path = BASELINE) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def compare(current: list[str], baseline: list[str]) -> tuple[list[str], list[str]]:
    """Return (new, gone): the errors now that the baseline does not hold, and those of the
    baseline that are no longer there, each as many times as the count differs."""
    now, recorded = Counter(current), Counter(baseline)
    return sorted((now - recorded).elements()), sorted((recorded - now).elements())


def current_errors() -> list[str]:
    """Return mypy's errors now; raise RuntimeError when mypy did not check (not installed, a bad
    setting, a crash), so a broken run never passes as a clean one."""
    if importlib.util.find_spec("mypy") is None:
        raise RuntimeError("mypy is not installed here: pip install -e '.[lint]'")
    code, output = run_mypy()
    errors = parse(output)
    if code not in (0, 1) or (code == 1 and not errors):
        raise RuntimeError(f"mypy did not run through (exit code {code}):\n{output}")
    return errors


def check() -> tuple[list[str], list[str]]:
    """Return (new, gone) for mypy now against the recorded baseline."""
    return compare(current_errors(), read_baseline())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help="write the errors of now to the baseline")
    args = parser.parse_args(argv)
    try:
        errors = current_errors()
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    baseline = read_baseline()
    if args.record:
        BASELINE.write_text("".join(f"{line}\n" for line in errors), encoding="utf-8")
        print(f"{len(errors)} errors recorded in {BASELINE.relative_to(ROOT)} (before: {len(baseline)}).")
        return 0
    new, gone = compare(errors, baseline)
    if new:
        print(f"{len(new)} new mypy errors (not in {BASELINE.relative_to(ROOT)}):")
        print("\n".join(f"  {line}" for line in new))
        print("Fix them (python -m mypy shows where they are).")
    if gone:
        print(f"{len(gone)} errors of the baseline are gone; record the smaller baseline with "
              "python tests/typecheck.py --record:")
        print("\n".join(f"  {line}" for line in gone))
    if not new:
        print(f"mypy: {len(errors)} errors, none new (baseline {len(baseline)}).")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
