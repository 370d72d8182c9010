"""What the commands print: change summaries, batch reports and ny, as text and as JSON."""

from __future__ import annotations

import json

from conftest import AGREEMENTS
from pipeline.cli import report
from pipeline.compare.versions import compare

ORSA = AGREEMENTS / "dalarna" / "orsa"


def test_changes_text_groups_and_shows_old_beside_new():
    text = report.changes_text(compare(ORSA / "2019", ORSA / "2023"))
    assert text.startswith("Ändringar från version 2019 till 2023 (Orsa kommun):")
    assert "\nMål\n" in text and "före:" in text and "nu:" in text
    assert "Dokument:" in text


def test_changes_json_keeps_the_full_detail():
    comparison = compare(ORSA / "2019", ORSA / "2023")
    data = json.loads(report.changes_json(comparison, []))
    assert data["kommun"] == "Orsa kommun" and len(data["ändringar"]) == len(comparison.changes)
    assert {"område", "typ", "vad", "tidigare", "nytt"} <= set(data["ändringar"][0])


def test_the_same_version_twice_says_so():
    assert "  Inga ändringar." in report.changes_text(compare(ORSA / "2023", ORSA / "2023"))
