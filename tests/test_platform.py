"""The platform seam: the one module that knows Windows, macOS and Linux apart."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline import platform

POSIX_ONLY_MODULES = {"fcntl", "msvcrt", "termios", "pwd", "grp", "resource"}
POSIX_ONLY_CALLS = {("os", "killpg"), ("os", "fchmod"), ("os", "setsid"), ("os", "getpgid"), ("signal", "SIGKILL"),
                    ("os", "fork")}


def uses_outside_the_seam() -> list[str]:
    """Return every use of a POSIX-only name in the package outside pipeline/platform.py."""
    found = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        if path.name == "platform.py" and path.parent.name == "pipeline":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [f"{where}: import {a.name}" for a in node.names if a.name in POSIX_ONLY_MODULES]
            elif isinstance(node, ast.ImportFrom) and node.module in POSIX_ONLY_MODULES:
                found.append(f"{where}: from {node.module} import …")
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and (node.value.id, node.attr) in POSIX_ONLY_CALLS):
                found.append(f"{where}: {node.value.id}.{node.attr}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "/proc/" in node.value:
                found.append(f"{where}: reads /proc")
            elif isinstance(node, ast.keyword) and node.arg == "start_new_session":
                found.append(f"{where}: start_new_session")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get_context"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == "fork"
            ):
                found.append(f"{where}: get_context('fork')")
    return found


def test_no_module_outside_the_seam_uses_posix_only_names():
    assert uses_outside_the_seam() == []


def test_the_check_finds_a_posix_only_name(tmp_path, monkeypatch):
    fake_root = tmp_path / "project"
    (fake_root / "pipeline").mkdir(parents=True)
    (fake_root / "pipeline" / "bad.py").write_text("import fcntl\nimport os\nos.killpg(1, 9)\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    assert uses_outside_the_seam() == ["pipeline/bad.py: import fcntl", "pipeline/bad.py: os.killpg"]


@pytest.mark.parametrize("system, expected", [("linux", "fork"), ("darwin", "spawn"), ("win32", "spawn")])
def test_workers_fork_on_linux_only(monkeypatch, system, expected):
    monkeypatch.delenv("SAMVERKAN_START_METHOD", raising=False)
    monkeypatch.setattr(platform.sys, "platform", system)
    assert platform.worker_start_method() == expected


def test_the_start_method_can_be_forced(monkeypatch):
    monkeypatch.setenv("SAMVERKAN_START_METHOD", "spawn")
    assert platform.worker_start_method() == "spawn"


@pytest.mark.parametrize(
    "system, place",
    [
        ("win32", r"C:\Program Files\LibreOffice\program\soffice.exe"),
        ("darwin", "/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    ],
)
def test_soffice_is_found_where_installers_put_it(monkeypatch, system, place):
    monkeypatch.setattr(platform.sys, "platform", system)
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr(platform.Path, "is_file", lambda self: str(self) == place)
    assert platform.find_soffice(None) == place
    assert platform.find_soffice("/egen/soffice") == "/egen/soffice"


def test_the_install_hint_fits_the_platform(monkeypatch):
    for system, words in (("win32", "winget"), ("darwin", "brew"), ("linux", "apt-get")):
        monkeypatch.setattr(platform, "WINDOWS", system == "win32")
        monkeypatch.setattr(platform, "MACOS", system == "darwin")
        assert words in platform.soffice_install_hint()


def test_pid_alive():
    assert platform.pid_alive(os.getpid())
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert not platform.pid_alive(int(done.stdout))
    assert not platform.pid_alive(0)


def test_a_process_tree_ends_with_its_orphans(tmp_path):
    marker = str(tmp_path / "arbete")
    code = (
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', {marker!r}])\n"
        "time.sleep(0.5)\n"
    )  # the program exits and leaves its helper behind, as soffice may
    tree = platform.ProcessTree([sys.executable, "-c", code, marker], marker=marker)
    tree.wait(timeout=30)
    import psutil

    def helpers():
        return [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]

    assert helpers()
    tree.kill()
    psutil.wait_procs(helpers(), timeout=10)
    assert helpers() == []


def test_the_ci_runs_the_suite_as_on_windows_and_macos():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "SAMVERKAN_START_METHOD=spawn" in script and "SAMVERKAN_TEST_NO_POSIX=1" in script
    workflow = (ROOT / ".github" / "workflows" / "test.yml").read_text(encoding="utf-8")
    for runner in ("ubuntu-latest", "windows-latest", "macos-latest"):
        assert runner in workflow
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f'"{version}"' in workflow


def test_paths_in_tests_are_portable():
    sources = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("*.py")}
    for name, text in sources.items():
        if name == "test_platform.py":
            continue
        assert "file://" not in text, name
        assert 'Path("/proc")' not in text, name
    assert Path(ROOT / "tests" / "fake_soffice.py").is_file()
