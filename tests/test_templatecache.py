"""The template cache never executes or trusts what it reads: entries are verified with the
user's own key, nothing is unpickled, and a folder others may write in is not used."""

from __future__ import annotations

import json
import marshal
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FALUN_2027

RENDER = ("import sys\nfrom pipeline.documents.render import render\n"
          f"render({str(FALUN_2027)!r}, sys.argv[1])\nprint('docxtpl' in sys.modules)\n")
posix_modes = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def _render(tmp_path: Path, out: str, data_home: str = "data") -> bool:
    """Render Falun 2027 (a draft) in a new process; return True when it had to prepare the templates."""
    env = {**os.environ, "SAMVERKAN_CACHE": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / data_home)}
    done = subprocess.run([sys.executable, "-c", RENDER, str(tmp_path / out)], capture_output=True, text=True,
                          env=env, check=True)
    return done.stdout.strip() == "True"


def _same_documents(a: Path, b: Path) -> None:
    names = sorted(n for n in os.listdir(a) if n.endswith(".docx"))
    assert names
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


class _Plant:
    """A pickle that writes a marker file when it is unpickled."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "ran"))


def test_planted_code_in_the_cache_folder_is_never_run(tmp_path):
    assert _render(tmp_path, "a")
    cache = tmp_path / "cache" / "mallar"
    marker = tmp_path / "planted-code-ran"
    code = marshal.dumps(compile(f"open({str(marker)!r}, 'w').write('ran')", "planted", "exec"))
    planted = pickle.dumps(_Plant(marker))
    names = [p.name for p in cache.iterdir()]
    assert any(n.endswith(".kod") for n in names)
    for name in names:
        if name.endswith(".kod"):
            (cache / name).write_bytes(b"\0" * 32 + code)  # compiled code with a wrong MAC
    for name in names:  # and Jinja's own cache files, as its FileSystemBytecodeCache names them
        (cache / (name.rsplit(".", 1)[0] + ".jinja")).write_bytes(planted)
    (cache / "__jinja2_planted.cache").write_bytes(planted)

    _render(tmp_path, "b")

    assert not marker.exists()
    _same_documents(tmp_path / "a", tmp_path / "b")


def test_a_planted_entry_does_not_change_the_documents(tmp_path):
    assert _render(tmp_path, "a")
    cache = tmp_path / "cache" / "mallar"
    for entry in cache.glob("*.json"):
        payload = entry.read_bytes()[32:]
        data = json.loads(payload)
        data["parts"] = {name: source.replace("Samverkansöverenskommelse", "FÖRFALSKAD")
                         for name, source in data["parts"].items()}
        entry.write_bytes(b"\x01" * 32 + json.dumps(data, ensure_ascii=False).encode("utf-8"))

    assert _render(tmp_path, "b"), "a planted entry was used instead of preparing the template again"
    _same_documents(tmp_path / "a", tmp_path / "b")
    from docx import Document

    text = "\n".join(p.text for p in Document(str(tmp_path / "b" / "samverkansoverenskommelse.docx")).paragraphs)
    assert "FÖRFALSKAD" not in text


def test_entries_made_under_another_key_are_not_trusted(tmp_path):
    assert _render(tmp_path, "a", data_home="user-a")
    assert not _render(tmp_path, "b", data_home="user-a")  # the same user: the cache is used
    assert _render(tmp_path, "c", data_home="user-b"), "another user's entries were trusted"
    _same_documents(tmp_path / "a", tmp_path / "c")


@posix_modes
def test_the_cache_folder_and_key_are_private(tmp_path):
    _render(tmp_path, "a")
    folder = tmp_path / "cache" / "mallar"
    key = tmp_path / "data" / "samverkan" / "mallcache-nyckel"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.stat().st_size == 32


@posix_modes
def test_a_cache_folder_others_may_write_in_is_not_used(tmp_path):
    folder = tmp_path / "cache" / "mallar"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    assert _render(tmp_path, "a")
    assert _render(tmp_path, "b"), "the shared folder was used"
    assert os.listdir(folder) == []


@posix_modes
def test_a_key_others_may_write_is_not_used(tmp_path):
    assert _render(tmp_path, "a")
    key = tmp_path / "data" / "samverkan" / "mallcache-nyckel"
    key.chmod(0o666)
    assert _render(tmp_path, "b"), "a key others may change was trusted"
    _same_documents(tmp_path / "a", tmp_path / "b")


def test_a_cache_folder_that_is_a_link_is_not_used(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache").mkdir()
    try:
        (tmp_path / "cache" / "mallar").symlink_to(elsewhere, target_is_directory=True)
    except OSError:
        pytest.skip("links cannot be made here")
    _render(tmp_path, "a")
    assert _render(tmp_path, "b")
    assert os.listdir(elsewhere) == []
