"""A synthetic county for batch tests and benchmarks, made from Orsa's example data.

Each kommun gets a decided version 2023 and a draft 2027 that changes a goal,
the BRÅ's meeting frequency and an activity, with ``plans`` plans each.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pipeline.data import yamledit

ROOT = Path(__file__).resolve().parent.parent
ORSA = ROOT / "agreements" / "dalarna" / "orsa" / "2023"


def _named(text: str, name: str) -> str:
    return re.sub(r"\bOrsa\b", name, text)


def make_country(root: Path, count: int, plans: int = 3) -> Path:
    """Write ``count`` kommuner under ``root``/dalarna (with Dalarna's lan.yaml); return the county folder."""
    county = Path(root) / "dalarna"
    county.mkdir(parents=True, exist_ok=True)
    names = [f"Exempelby{number:03d}" for number in range(1, count + 1)]
    county_text = (ROOT / "agreements" / "dalarna" / "lan.yaml").read_text(encoding="utf-8")
    county_text = county_text.replace("  lokalpolisområden:\n", "  lokalpolisområden:\n    - namn: Mora\n"
                                      f"      kommuner: [{', '.join(names)}]\n"
                                      "      källa: syntetiska testdata\n      säkerhet: antagande\n", 1)
    (county / "lan.yaml").write_text(county_text, encoding="utf-8")
    agreement = (ORSA / "overenskommelse.yaml").read_text(encoding="utf-8")
    plan_texts = [p.read_text(encoding="utf-8") for p in sorted((ORSA / "planer").glob("*.yaml"))]
    for number in range(1, count + 1):
        name = f"Exempelby{number:03d}"
        kommun = county / name.lower()
        old_text = yamledit.remove_field(_named(agreement, name), "föregående_version")
        new_text = yamledit.set_field(old_text, "version", "2027")
        for key, value in (("status", "utkast"), ("datum", dt.date(2026, 10, 1)),
                           ("föregående_version", "2023")):
            new_text = yamledit.set_field(new_text, key, value)
        new_text = yamledit.remove_field(yamledit.remove_field(new_text, "beslut"), "beredning")
        new_text = new_text.replace("Fyra gånger per år.", f"{number % 5 + 2} gånger per år.")
        new_text = new_text.replace("Stärka samarbetet", "Fördjupa samarbetet")
        for version, text in (("2023", old_text), ("2027", new_text)):
            folder = kommun / version / "planer"
            folder.mkdir(parents=True, exist_ok=True)
            (kommun / version / "overenskommelse.yaml").write_text(text, encoding="utf-8")
            for index, plan in enumerate(plan_texts[:plans], start=1):
                plan = _named(plan, name)
                if version == "2027" and index == 1:
                    plan = plan.replace("trygghetsvandring", "trygghetsvandring med föreningar", 1)
                (folder / f"{index:02d}-plan.yaml").write_text(plan, encoding="utf-8")
    return county


def plans_kommun(root: Path, count: int) -> Path:
    """Return a kommun under ``root`` whose version 2023 and its draft 2027 have ``count`` plans each
    (copies of the four example plans, titles numbered)."""
    county = make_country(Path(root) / "agreements", 1, plans=4)
    kommun = county / "exempelby001"
    for version in ("2023", "2027"):
        folder = kommun / version / "planer"
        sources = sorted(folder.glob("*.yaml"))
        for index in range(len(sources) + 1, count + 1):
            source = sources[(index - 1) % len(sources)].read_text(encoding="utf-8")
            (folder / f"{index:02d}-plan.yaml").write_text(source.replace("titel: ", f"titel: {index} ", 1),
                                                          encoding="utf-8")
        for extra in sorted(folder.glob("*.yaml"))[count:]:
            extra.unlink()
    return kommun


def rows_kommun(root: Path, rows: int) -> Path:
    """Return a kommun under ``root`` whose one plan has ``rows`` more activities in version 2023
    and in its draft 2027 (every seventh reworded in 2027)."""
    kommun = plans_kommun(root, 1)
    for version in ("2023", "2027"):
        plan = next((kommun / version / "planer").glob("*.yaml"))
        text = plan.read_text(encoding="utf-8")
        responsible = re.search(r"^    ansvarig: (.*)$", text, re.MULTILINE).group(1)
        extra = "".join(
            f"  - aktivitet: Åtgärd nummer {n} för tryggheten i centrum"
            f"{', med fler vuxna i rörelse' if version == '2027' and n % 7 == 0 else ''}.\n"
            f"    ansvarig: {responsible}\n    när: Löpande\n    resurser: Personal ur ordinarie budget.\n"
            for n in range(rows))
        plan.write_text(text.replace("aktiviteter:\n", "aktiviteter:\n" + extra, 1), encoding="utf-8")
    return kommun
