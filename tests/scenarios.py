"""Realistic edits for tests and measurements: the next version of an agreement as a secretary makes it.

``orsa_2027`` is the case the decision documents are judged on: Orsa 2023 → a 2027 draft
made with ``ny``, every date moved four years on, a goal added, a plan changed, a plan
removed and a plan added.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pipeline.lifecycle import start_version


def _later(text: str, years: int) -> str:
    """Return ``text`` with every ISO date moved ``years`` on (29 February becomes the 28th in a
    year without it)."""
    def move(match):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        try:
            return dt.date(year + years, month, day).isoformat()
        except ValueError:
            return dt.date(year + years, month, 28).isoformat()
    return re.sub(r"\b(20[0-9]{2})-([0-9]{2})-([0-9]{2})\b", move, text)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def orsa_2027(county: Path, today: dt.date = dt.date(2026, 10, 1)) -> Path:
    """Make Orsa's 2027 draft in ``county`` (a copy of agreements/dalarna); return its folder."""
    folder, _ = start_version(county / "orsa", "2027", today=today)
    agreement = folder / "overenskommelse.yaml"
    text = agreement.read_text(encoding="utf-8")
    head, _, rest = text.partition("giltighetstid:")
    agreement.write_text(head + "giltighetstid:" + _later(rest, 4), encoding="utf-8")
    _edit(agreement, "diarienummer: KS 2023/0042", "diarienummer: KS 2026/0311")
    _edit(agreement, "  - Stärka samarbetet mellan Orsa kommun och lokalpolisområde Mora.\n",
          "  - Stärka samarbetet mellan Orsa kommun och lokalpolisområde Mora.\n"
          "  - Minska rekryteringen av unga till kriminella nätverk.\n")
    plans = folder / "planer"
    for plan in plans.glob("*.yaml"):
        plan.write_text(_later(plan.read_text(encoding="utf-8"), 4), encoding="utf-8")
    _edit(plans / "02-ungdomar-skolor.yaml", "titel: ", "titel: ")  # kept; its activities change below
    text = (plans / "02-ungdomar-skolor.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(aktiviteter:\n  - aktivitet: )([^\n]+)", r"\1Föräldravandringar varje fredag under skolterminen.",
                  text, count=1)
    (plans / "02-ungdomar-skolor.yaml").write_text(text, encoding="utf-8")
    removed = plans / "04-alkohol-sommarsasong.yaml"
    added = _later(removed.read_text(encoding="utf-8"), 0)
    removed.unlink()
    added = added.replace("titel: Alkohol och langning under sommarsäsongen",
                          "titel: Rekrytering av unga till kriminella nätverk")
    added = added.replace("fokusområde: Alkohol, narkotika, dopning och tobak",
                          "fokusområde: Extremism och kriminella nätverk")
    (plans / "04-rekrytering-unga.yaml").write_text(added, encoding="utf-8")
    return folder
