"""Money in the plans (pipeline/data/amounts.py) and the memo's Ekonomiska konsekvenser (issue 20, item 4)."""

from __future__ import annotations

import pytest

from conftest import AGREEMENTS, FALUN_2027
from pipeline.data.amounts import amount_changes, amounts_in
from pipeline.data.validate import validate_version
from pipeline.documents.memo import DEFAULT_ECONOMY, economy


@pytest.mark.parametrize(("text", "found"), [
    ("Upphandlat bevakningsföretag, 400 000 kronor per år.", [(400_000, True, "400 000 kronor per år")]),
    ("Gatuavdelningen, 150 000 kr ur investeringsbudgeten.", [(150_000, False, "150 000 kr")]),
    ("1,5 miljoner kronor om året och 80 tkr i år", [(1_500_000, True, "1,5 miljoner kronor om året"),
                                                     (80_000, False, "80 tkr")]),
    ("Två helgnätter i månaden, 12 personer.", []),
    ("kraftig belysning", []),
])
def test_amounts_in_text(text, found):
    assert amounts_in(text) == found


def test_the_falun_memo_names_the_new_and_the_ended_cost_and_never_says_there_is_none():
    old, new = validate_version(AGREEMENTS / "dalarna" / "falun" / "2023"), validate_version(FALUN_2027)
    changes = amount_changes(old, new)
    assert [(c.old and c.old.kronor, c.new and c.new.kronor) for c in changes] == [(None, 400_000), (150_000, None)]
    text = economy(old, new)
    assert "inga nya ekonomiska åtaganden" not in text
    assert ("400\u00a0000 kronor per år för ”Ordningsvakter vid resecentrum fredags- och lördagsnätter” "
            "(bilaga 1, aktivitet A2).") in text
    assert ("Kostnaden 150\u00a0000 kronor för ”Förbättra belysningen på gågatan och vid resecentrum” "
            "(bilaga 1) utgår.") in text


def test_an_unchanged_amount_is_not_a_consequence_of_the_proposal():
    version = validate_version(FALUN_2027)
    assert amount_changes(version, version) == [] and economy(version, version) == DEFAULT_ECONOMY
