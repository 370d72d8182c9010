"""The README's commands are the ones CI runs, and the README's example errors are real."""

from __future__ import annotations

import re

from conftest import ROOT


def readme_commands():
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_two_setup_commands_and_ci_runs_the_test_command():
    setup, tests = readme_commands()[:2]
    assert "samverkan batch" in setup
    assert "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_module_in_the_readme_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for module in re.findall(r"`(pipeline/[a-z_]+\.py)`", readme):
        assert (ROOT / module).is_file(), module
