"""The README's commands are the ones CI runs, and the README's example errors are real."""

from __future__ import annotations

import re

from conftest import ROOT


def readme_commands():
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_two_setup_commands_and_ci_runs_the_test_command():
    commands = readme_commands()
    setup = commands[0]
    tests = next(c for c in commands if "pytest" in c)
    assert "samverkan batch" in setup and "samverkan webb" in commands[1]
    assert "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_module_in_the_readme_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(pipeline/[a-z_/]+\.py)`", readme))
    for module in named:
        assert (ROOT / module).is_file(), module
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pipeline").rglob("*.py")
               if p.name not in ("__init__.py", "__main__.py")}
    assert modules <= named, f"modules the README's table does not name: {sorted(modules - named)}"


def test_every_test_named_in_the_readme_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", readme))
    assert named
    for name in named:
        assert f"def {name}(" in sources, name
