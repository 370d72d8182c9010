"""Moving a new version's dates: whole months kept, month ends kept, comments and layout kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.data.dateshift import add_months, shift_text, shifter


def test_whole_months_and_month_ends():
    assert add_months(dt.date(2023, 3, 1), 48) == dt.date(2027, 3, 1)
    assert add_months(dt.date(2024, 2, 29), 48) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2023, 2, 28), 12) == dt.date(2024, 2, 29)  # the last day stays the last
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2023, 5, 15), -6) == dt.date(2022, 11, 15)


def test_a_start_on_another_day_moves_by_days():
    move = shifter(dt.date(2023, 3, 1), dt.date(2027, 3, 15))
    assert move(dt.date(2023, 3, 1)) == dt.date(2027, 3, 15)
    assert move(dt.date(2023, 6, 1)) == dt.date(2023, 6, 1) + (dt.date(2027, 3, 15) - dt.date(2023, 3, 1))


def test_only_content_dates_move_and_the_text_keeps_its_comments():
    text = ("version: \"2027\"\ndatum: 2026-10-01\ngiltighetstid:\n  från: 2023-03-01  # exempel\n"
            "  till: tills vidare\nbakgrund: Sedan 2023-01-01 samverkar vi.\nuppföljning:\n"
            "  - när: 2023-09-15\n    citerat: '2023-09-15'\n")
    moved_text, moved = shift_text(Path("overenskommelse.yaml"), text, shifter(dt.date(2023, 3, 1),
                                                                              dt.date(2027, 3, 1)))
    assert moved_text == text.replace("från: 2023-03-01", "från: 2027-03-01").replace(
        "- när: 2023-09-15", "- när: 2027-09-15")
    assert [(m.field, m.old.isoformat(), m.new.isoformat()) for m in moved] == [
        ("giltighetstid.från", "2023-03-01", "2027-03-01"), ("uppföljning[1].när", "2023-09-15", "2027-09-15")]
