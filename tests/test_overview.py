"""The länsöversikt (pipeline/documents/overview.py) as the county coordinator reads it."""

from __future__ import annotations

import datetime as dt
import io

import docx
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
