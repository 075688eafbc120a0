"""The core's CSV and XLSX writers (knowsley_sv.tabular): what every download of every app goes through.
The downloads themselves are tested with their apps (tests/consultation/test_exports.py, the dashboard's in
tests/reporting/test_exports.py, the evaluation report's in tests/procurement/test_award_views.py)."""

import pytest

from knowsley_sv import tabular


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_the_formula_guard(first):
    assert tabular._safe(f"{first}1+1") == f"'{first}1+1"
    assert tabular._safe("1+1") == "1+1"
    assert tabular._safe(-5) == -5
    assert tabular._safe(None) is None
