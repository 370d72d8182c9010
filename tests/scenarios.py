"""Realistic edits for tests and measurements: the next version of an agreement as a secretary makes it.

``orsa_2027`` is the case the decision documents are judged on: Orsa 2023 → a 2027 draft
made with ``ny``, every date moved four years on, a goal added, a plan changed, a plan
removed and a plan added. ``orsa_2027_moved`` is the draft of issue 20: made with
``ny --flytta-datum 2027-03-01`` and one goal added to a plan, whose memo puts the change table's
header row at the foot of page 1.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pipeline.versions.lifecycle import start_version


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
    folder, _ = start_version(county / "orsa", "2027", today=today, keep_case_number=True)
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
    text = (plans / "02-ungdomar-skolor.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(aktiviteter:\n  - aktivitet: )([^\n]+)", r"\1Föräldravandringar varje fredag under skolterminen.",
                  text, count=1)
    (plans / "02-ungdomar-skolor.yaml").write_text(text, encoding="utf-8")
    (plans / "04-alkohol-sommarsasong.yaml").unlink()
    (plans / "04-rekrytering-unga.yaml").write_text(NEW_PLAN, encoding="utf-8")
    _edit(agreement, UPPSÄGNING_2023, UPPSÄGNING_2027)
    return folder


def orsa_2027_moved(county: Path, today: dt.date = dt.date(2026, 12, 7)) -> Path:
    """Make Orsa's 2027 draft as ``samverkan ny orsa 2027 --flytta-datum 2027-03-01`` does, with one
    operative goal added to bilaga 1; return its folder."""
    folder = start_version(county / "orsa", "2027", today=today, new_start=dt.date(2027, 3, 1),
                           case_number="KS 2027/0011").folder
    last_goal = "    - Minst en trygghetsvandring genomförs per halvår.\n"
    _edit(folder / "planer" / "01-ordningsstorningar-centrum.yaml", last_goal,
          last_goal + "    - Klotter på kommunens fastigheter saneras inom 48 timmar.\n")
    return folder


UPPSÄGNING_2023 = """uppsägning: >-
  Överenskommelsen gäller från den 1 mars 2023 och tills vidare, eller tills dess att någon
  av parterna säger upp den. Uppsägningen ska vara skriftlig och gäller sex månader efter
  att den har tagits emot av den andra parten."""
UPPSÄGNING_2027 = """uppsägning: >-
  Var och en av parterna kan säga upp överenskommelsen. Uppsägningen ska vara skriftlig och
  gäller sex månader efter att den har tagits emot av den andra parten."""

NEW_PLAN = """exempel: >-
  Exempeldata. Verkligt: fokusområdet (lokalpolisområde Mora, morakommun.se) och att varje
  problembild dokumenteras med kartläggning, orsaksanalys, mål, aktiviteter och uppföljning.
  Problembilden, siffrorna, datumen och all övrig text är påhittade.

titel: Rekrytering av unga till kriminella nätverk
fokusområde: Extremism och kriminella nätverk

period:
  från: 2027-03-01
  till: 2028-02-29

kartläggning:
  beskrivning: >-
    Polisen och socialtjänsten har sett att unga i Orsa kontaktas via sociala medier av
    personer med koppling till kriminella nätverk i större städer, med erbjudanden om snabba
    pengar för att förvara eller transportera narkotika.
  var: Sociala medier och platser där unga samlas, särskilt vid resecentrum.
  när: Kvällar och helger, oftast under skolloven.
  vilka: Pojkar och unga män i åldern 13–18 år.
  källor:
    - Polisens underrättelser om rekryteringsförsök under 2026
    - Socialtjänstens orosanmälningar
    - Skolornas elevhälsa

orsaksanalys:
  beskrivning: Analysen är gjord i samverkansgruppen tillsammans med socialtjänsten.
  offer: Unga som saknar sammanhang i skola och fritid och som lätt kan lockas av pengar.
  gärningsperson: Äldre personer i kriminella nätverk som använder unga för att inte själva synas.
  plats: Sociala medier, där vuxna sällan ser vad som händer.
  orsaker:
    - Unga nås lätt i sociala medier utan att vuxna ser det
    - Skolk och avbrutna studier ger tid och behov av pengar
    - Föräldrar känner inte igen tecknen på rekrytering

mål:
  effektmål:
    - Inga unga i Orsa ska rekryteras till kriminella nätverk under 2027.
  operativa_mål:
    - Alla högstadieskolor har en rutin för att larma vid tecken på rekrytering före den 1 juni 2027.
    - Minst två föräldraträffar om tecken på rekrytering genomförs under 2027.

aktiviteter:
  - aktivitet: Gemensam rutin för skola, socialtjänst och polis när en ung visar tecken på rekrytering.
    ansvarig: [Orsa kommun, Lokalpolisområde Mora]
    när: 2027-06-01
    resurser: Elevhälsan, socialtjänsten och kommunpolisen.
  - aktivitet: Föräldraträffar om tecken på rekrytering och var man får hjälp.
    ansvarig: Orsa kommun
    när: Våren och hösten 2027
    resurser: Fältsekreterare och kommunpolis.

uppföljning:
  - indikator: Antal unga som uppmärksammats genom rutinen och fått stöd.
    när: 2027-12-15
    ansvarig: Orsa kommun
    status: ej bedömd
  - indikator: Antal genomförda föräldraträffar och antal deltagare.
    när: 2028-02-15
    ansvarig: Lokalpolisområde Mora
    status: ej bedömd
"""
