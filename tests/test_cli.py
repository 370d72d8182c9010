"""The command line: exit codes, Swedish messages, no tracebacks, help for every command."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ORSA_2023, ROOT, edit
from pipeline.cli import cli, main


def run(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_valid_data(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = run(["validate"], capsys)
    assert (code, err) == (0, "")
    count = len(list((ROOT / "agreements").rglob("overenskommelse.yaml")))
    assert out == f"Giltigt: {count} versioner kontrollerade.\n"


def test_validate_reports_every_problem_and_exits_1(orsa, capsys):
    edit(orsa / "overenskommelse.yaml", "bakgrund:", "bakgrun:")
    edit(orsa / "overenskommelse.yaml", "status: beslutad", "status: beslutat")
    code, out, err = run(["validate", str(orsa)], capsys)
    assert code == 1 and out == ""
    assert err.startswith("Fel: 3 problem hittades:")
    assert "okänt fält 'bakgrun'" in err and "Menade du 'bakgrund'?" in err
    assert "overenskommelse.yaml:" in err and "Traceback" not in err


def test_render_prints_what_it_wrote(tmp_path, capsys):
    code, out, err = run(["render", str(ORSA_2023), "--out", str(tmp_path)], capsys)
    assert (code, err) == (0, "")
    # Decided in 2023, before the åtgärdsplan: its documents are those it was decided with, and the
    # lägesbild when Orsa has imported statistics (the examples in agreements/dalarna/orsa/lagesbild/).
    lagesbild = ["lagesbild.docx"] if (tmp_path / "lagesbild.docx").is_file() else []
    names = ["samverkansoverenskommelse.docx", *lagesbild] + sorted(p.name for p in tmp_path.glob("bilaga-*.docx"))
    assert len(names) == 5 + len(lagesbild)
    assert out.splitlines() == [f"Skrev {tmp_path / name}" for name in names]


def test_render_default_output_is_under_ut(tmp_path, capsys, monkeypatch, orsa):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["render", str(orsa)], capsys)
    assert code == 0
    assert (tmp_path / "ut" / "dalarna" / "orsa" / "2023" / "samverkansoverenskommelse.docx").is_file()


def test_render_invalid_version_writes_nothing(tmp_path, orsa, capsys):
    edit(orsa / "overenskommelse.yaml", "status: beslutad", "status: beslutat")
    code, out, err = run(["render", str(orsa), "--out", str(tmp_path / "ut")], capsys)
    assert code == 1 and "Menade du 'beslutad'?" in err
    assert not (tmp_path / "ut").exists()


def test_unwritable_output_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "fil").write_text("x")
    code, _, err = run(["render", str(ORSA_2023), "--out", str(tmp_path / "fil" / "ut")], capsys)
    assert code == 1 and "utdatamappen kan inte skapas" in err and "Traceback" not in err


def test_usage_errors_exit_2_in_swedish(capsys):
    code, _, err = run(["rendr"], capsys)
    assert code == 2 and "Kommandot 'rendr' finns inte." in err and "Menade du 'render'?" in err
    code, _, err = run(["render"], capsys)
    assert code == 2 and "Användning: samverkan render" in err


@pytest.mark.parametrize("command", [[], ["validate"], ["render"]])
def test_every_command_has_swedish_help(command):
    result = CliRunner().invoke(cli, command + ["--help"])
    assert result.exit_code == 0
    assert "Användning:" in result.output and "Visa den här hjälpen och avsluta." in result.output


def test_every_command_has_a_docstring():
    for name, command in cli.commands.items():
        assert command.help and len(command.help) > 20, name


def test_every_argument_is_named_in_swedish_and_a_version_folder_is_always_versionsmapp():
    """Usage lines name arguments as the help texts do ("VERSIONSMAPP"), never by a Python
    parameter's name ("VERSION_DIR", "PATHS")."""
    import click

    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Argument):
                assert param.metavar, f"{name}: {param.name}"
                if param.name == "version_dir":
                    assert param.metavar == "VERSIONSMAPP", name
    result = CliRunner().invoke(cli, ["render", "--help"])
    assert "render [FLAGGOR] VERSIONSMAPP\n" in result.output


def test_the_command_list_tells_the_commands_apart():
    """In `samverkan --help` every command has its own one-line description; the two that compare
    (two versions, two Word files) do not begin alike."""
    result = CliRunner().invoke(cli, ["--help"])
    lines = result.output.split("Kommandon:")[1].strip().splitlines()
    described = {line.split(None, 1)[0]: line.split(None, 1)[1] for line in lines}
    assert len(set(described.values())) == len(described)
    assert described["diff"].split()[0] != described["jamfor"].split()[0]
    assert "versioner" in described["diff"] and "Word-filer" in described["jamfor"]
    assert not described["diff"].endswith("...") and not described["jamfor"].endswith("...")


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert result.returncode == 0 and "Kommandon:" in result.stdout


def test_console_script_has_no_traceback_on_bad_data(tmp_path):
    bad = tmp_path / "agreements" / "x" / "k" / "1"
    bad.mkdir(parents=True)
    (bad / "overenskommelse.yaml").write_bytes(b"titel: \xf6\n")
    result = subprocess.run([sys.executable, "-m", "pipeline", "validate", str(bad)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1 and "inte UTF-8" in result.stderr and "Traceback" not in result.stderr
