"""The länsöversikt (pipeline/documents/overview.py) as the county coordinator reads it."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from docx.enum.section import WD_ORIENT

from pipeline.documents.overview import followup_text, overview_context, render_overview
from pipeline.ooxml.names import W

ROW = {"kommun": "Orsa kommun", "gällande": "2023", "expires": False, "undecided": False}
COUNTY = {"län": "Dalarnas län", "polisorganisation": {"polisregion": "Bergslagen", "polisområde": "Dalarna",
                                                       "gäller_från": dt.date(2020, 9, 1)}}


def test_status_counts_agree_in_number():
    followups = [{"uppföljning": "2026-09-17", "version": "2023",
                  "statusar": {"grön": 6, "gul": 1, "röd": 0, "ej påbörjad": 2, "klar": 8}}]
    assert followup_text(followups, "2023") == \
        "17 september 2026 (version 2023): 6 gröna, 1 gul, 2 ej påbörjade, 8 klara"


def test_the_summary_counts_kommuner_and_writes_the_police_areas_date_out():
    one = overview_context(COUNTY, [ROW], dt.date(2026, 12, 7))
    assert one["sammanfattning"].startswith("En kommun: 1 har en gällande")
    assert one["polisorganisation"].endswith("enligt indelningen från 1 september 2020.")
    many = overview_context(COUNTY, [ROW | {"kommun": f"K{i}"} for i in range(15)], dt.date(2026, 12, 7))
    assert many["sammanfattning"].startswith("15 kommuner: ")


def test_the_overview_is_landscape_with_headings_in_whole_words():
    ctx = overview_context(COUNTY, [ROW | {"lokalpolisområde": "Mora", "giltighet": "från 1 mars 2023",
                                           "senaste": "2023 (beslutad)", "uppföljning": "–", "flagga": "–"}],
                           dt.date(2026, 12, 7))
    document = docx.Document(io.BytesIO(render_overview(ctx).data))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    header = document.tables[0].rows[0]
    assert [c.text for c in header.cells][:2] == ["Kommun", "Lokalpolisområde"]
    assert all(c.paragraphs[0]._p.find(f"{W}pPr/{W}suppressAutoHyphens") is not None for c in header.cells)


# --- each version's state by date (the web app's overview) ---------------------------------------------------

@pytest.mark.parametrize(("today", "expected"), [
    # The day before the new version starts, the old one is still in force; on the day, the new one is.
    (dt.date(2027, 2, 28), {"2019": "Ersatt", "2023": "Gällande", "2027": "Beslutad – gäller från 1 mars 2027",
                            "2031": "Utkast"}),
    (dt.date(2027, 3, 1), {"2019": "Ersatt", "2023": "Ersatt", "2027": "Gällande", "2031": "Utkast"}),
    # After the last day of a version with an end and nothing after it.
    (dt.date(2031, 3, 1), {"2019": "Ersatt", "2023": "Ersatt", "2027": "Löpte ut 28 februari 2031",
                           "2031": "Utkast"}),
    (dt.date(2031, 2, 28), {"2019": "Ersatt", "2023": "Ersatt", "2027": "Gällande", "2031": "Utkast"}),
])
def test_each_version_has_its_state_on_the_day(today, expected):
    from pipeline.documents.overview import version_states

    versions = [("2019", "beslutad", dt.date(2019, 4, 1), dt.date(2023, 2, 28)),
                ("2023", "beslutad", dt.date(2023, 3, 1), "tills vidare"),
                ("2027", "beslutad", dt.date(2027, 3, 1), dt.date(2031, 2, 28)),
                ("2031", "utkast", dt.date(2031, 3, 1), "tills vidare")]
    assert version_states(versions, today) == expected
