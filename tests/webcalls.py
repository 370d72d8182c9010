"""What the web app's buttons change, as calls the fault tests can interrupt (tests/test_faults.py,
in-process and through tests/crash_at.py ``--webb NAME FOLDER``)."""

from __future__ import annotations

from pathlib import Path

from pipeline.data.load import load_yaml
from pipeline.web import edits, plans

NEW_GOAL = "Fler invånare i Orsa ska känna sig trygga i centrum, också sena kvällar."


def save_goal(version: Path) -> None:
    """Spara: the form's data with its first goal changed, into overenskommelse.yaml."""
    path = version / "overenskommelse.yaml"
    data = load_yaml(path).data
    data["mål"][0] = NEW_GOAL
    edits.save(version, "overenskommelse.yaml", data, edits.digest(path.read_bytes()))


def rename_plan(version: Path) -> None:
    """Byt namn: the first plan's file gets a new name (a new file and the old one gone, in one step)."""
    first = sorted((version / "planer").glob("*.yaml"))[0]
    plans.rename(version, first, "01-ordning-i-centrum")


def add_plan(version: Path) -> None:
    """Lägg till plan."""
    plans.add_plan(version, "Trygghet vid resecentrum", load_yaml(version / "overenskommelse.yaml").data)


CALLS = {"spara": save_goal, "byt-namn": rename_plan, "ny-plan": add_plan}
