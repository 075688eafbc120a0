"""Scoring (DESIGN §5.4): the worked example verbatim, edge cases with their figures, and properties."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement import scoring
from procurement.scoring import DEVIATION, RELATIVE, BidScores, Criterion, LineKind

D = Decimal
QUALITY, SOCIAL_VALUE = LineKind.QUALITY, LineKind.SOCIAL_VALUE
# DESIGN §5.4: price 50, quality 30 (Q1 20, Q2 10), social value 20 split outcome 1 50%, 3 30%, 6 20%.
EXAMPLE_CRITERIA = [
    Criterion("Q1", QUALITY, "Q1", D(20)),
    Criterion("Q2", QUALITY, "Q2", D(10)),
    Criterion("O1", SOCIAL_VALUE, "Outcome 1", scoring.social_value_points(20, 50)),
    Criterion("O3", SOCIAL_VALUE, "Outcome 3", scoring.social_value_points(20, 30)),
    Criterion("O6", SOCIAL_VALUE, "Outcome 6", scoring.social_value_points(20, 20)),
]
EXAMPLE_BIDS = [
    BidScores("A", D("100000"), {"Q1": 60, "Q2": 80, "O1": 80, "O3": 60, "O6": 40}),
    BidScores("B", D("80000"), {"Q1": 40, "Q2": 60, "O1": 20, "O3": 40, "O6": 20}),
    BidScores("C", D("125000"), {"Q1": 100, "Q2": 80, "O1": 100, "O3": 80, "O6": 100}),
]
# | bid | price score | quality | social value | total | rank |
EXAMPLE_TABLE = {
    "A": ("40.00", "20.00", "13.20", "73.20", 2),
    "B": ("50.00", "14.00", "5.20", "69.20", 3),
    "C": ("32.00", "28.00", "18.80", "78.80", 1),
}


def evaluate(criteria=EXAMPLE_CRITERIA, bids=EXAMPLE_BIDS, formula=RELATIVE, price_weight=50):
    return {
        r.key: r
        for r in scoring.evaluate(price_weight=price_weight, formula=formula, criteria=criteria, bids=bids)
    }


def test_scoring_imports_nothing_from_django():
    tree = ast.parse(Path(scoring.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "django" for name in imported)


def test_design_worked_example_verbatim():
    results = evaluate()
    table = {
        key: (str(r.price_score), str(r.quality), str(r.social_value), str(r.total), r.rank)
        for key, r in results.items()
    }
    assert table == EXAMPLE_TABLE
    assert not any(r.tied or r.failures for r in results.values())


def test_worked_example_weighted_lines():
    assert evaluate()["A"].weighted == {
        "Q1": D("12.00"),
        "Q2": D("8.00"),
        "O1": D("8.00"),
        "O3": D("3.60"),
        "O6": D("1.60"),
    }


def test_results_keep_the_order_bids_were_given():
    assert [
        r.key
        for r in scoring.evaluate(
            price_weight=50, formula=RELATIVE, criteria=EXAMPLE_CRITERIA, bids=EXAMPLE_BIDS
        )
    ] == ["A", "B", "C"]


def test_proportional_deviation_in_the_worked_example():
    results = evaluate(formula=DEVIATION)
    # A: 50 × (1 − 20,000 ÷ 80,000) = 37.50; C: 50 × (1 − 45,000 ÷ 80,000) = 21.875 → 21.88
    assert results["A"].price_score == D("37.50")
    assert results["B"].price_score == D("50.00")
    assert results["C"].price_score == D("21.88")
    assert results["C"].total == D("68.68")  # 21.875 + 28 + 18.8 = 68.675, rounded once, half up
    assert [results[k].rank for k in "ABC"] == [1, 2, 3]  # A 70.70, B 69.20, C 68.68


def test_a_price_under_the_lowest_compliant_one_scores_no_more_than_the_price_weight():
    # Only a non-compliant bid can be cheaper than the lowest compliant price; it is shown, not ranked.
    for formula in (RELATIVE, DEVIATION):
        assert scoring.price_score(weight=50, lowest=D(100), price=D(50), formula=formula) == 50


def test_deviation_is_floored_at_zero():
    assert scoring.price_score(weight=50, lowest=D(100), price=D(250), formula=DEVIATION) == 0


def test_rounding_happens_once_at_the_end_half_up():
    # Relative: 50 × 3 ÷ 7 = 21.428571…, and 3 × 0.125 = 0.375 → 0.38 (not 3 × 0.13 = 0.39)
    criteria = [Criterion(f"Q{i}", QUALITY, f"Q{i}", D("0.625")) for i in range(3)]
    results = evaluate(
        criteria,
        [
            BidScores("X", D(7), {"Q0": 20, "Q1": 20, "Q2": 20}),
            BidScores("Y", D(3), {"Q0": 0, "Q1": 0, "Q2": 0}),
        ],
    )
    assert results["X"].weighted["Q0"] == D("0.13")  # 0.125 half up
    assert results["X"].quality == D("0.38")
    assert results["X"].price_score == D("21.43")
    assert results["X"].total == D("21.80")  # 21.428571… + 0.375 = 21.803571…


def test_a_bid_below_a_minimum_is_not_ranked_and_does_not_set_the_lowest_price():
    criteria = [Criterion("Q1", QUALITY, "Q1 Delivery", D(30), minimum=40), *EXAMPLE_CRITERIA[2:]]
    bids = [
        BidScores(b.key, b.price, {**b.scores, "Q1": {"A": 60, "B": 20, "C": 100}[b.key]})
        for b in EXAMPLE_BIDS
    ]
    results = evaluate(criteria, bids)
    assert results["B"].rank is None and not results["B"].compliant
    assert results["B"].failures == ["Scored 20 on Q1 Delivery, below the minimum of 40."]
    assert results["A"].price_score == D("50.00")  # A's £100,000 is now the lowest compliant price
    assert results["C"].price_score == D("40.00")
    assert [results["A"].rank, results["C"].rank] == [2, 1]


def test_level_totals_go_to_the_higher_quality_and_social_value():
    criteria = [Criterion("Q1", QUALITY, "Q1", D(50))]
    # X: 50 + 25 = 75; Y: 50 × 100/200 = 25 + 50 = 75. Level on total, Y has more quality.
    results = evaluate(criteria, [BidScores("X", D(100), {"Q1": 50}), BidScores("Y", D(200), {"Q1": 100})])
    assert results["X"].total == results["Y"].total == D("75.00")
    assert (results["Y"].rank, results["X"].rank) == (1, 2)
    assert not results["X"].tied and not results["Y"].tied


def test_a_remaining_tie_shares_the_rank_and_is_flagged():
    criteria = [Criterion("Q1", QUALITY, "Q1", D(50))]
    bids = [
        BidScores("X", D(100), {"Q1": 60}),
        BidScores("Y", D(100), {"Q1": 60}),
        BidScores("Z", D(100), {"Q1": 20}),
    ]
    results = evaluate(criteria, bids)
    assert [(results[k].rank, results[k].tied) for k in "XYZ"] == [(1, True), (1, True), (3, False)]


def test_a_missing_moderated_score_is_refused():
    with pytest.raises(ValueError, match="no moderated score for Q2"):
        evaluate(bids=[BidScores("A", D(1), {"Q1": 60, "O1": 80, "O3": 60, "O6": 40})])


def test_unknown_formula_and_non_positive_prices_are_refused():
    with pytest.raises(ValueError):
        scoring.price_score(weight=50, lowest=D(1), price=D(1), formula="cheapest")
    with pytest.raises(ValueError):
        scoring.price_score(weight=50, lowest=D(0), price=D(1), formula=RELATIVE)


@pytest.mark.parametrize("kind", ["qualty", "Quality", "social value", "price", ""])
def test_a_line_of_an_unknown_kind_is_refused_not_left_out_of_the_totals(kind):
    criteria = [
        *EXAMPLE_CRITERIA[:4],
        Criterion("O6", kind, "Outcome 6", scoring.social_value_points(20, 20)),
    ]
    with pytest.raises(ValueError, match=f"Criterion O6 is of kind '{kind}', which is neither quality"):
        evaluate(criteria)


def test_a_kind_given_as_its_plain_value_counts_as_that_kind():
    plain = [Criterion(c.key, c.kind.value, c.label, c.points, c.minimum) for c in EXAMPLE_CRITERIA]
    assert {type(c.kind) for c in plain} == {str}
    results = evaluate(plain)
    assert {k: (str(r.quality), str(r.social_value), str(r.total)) for k, r in results.items()} == {
        k: row[1:4] for k, row in EXAMPLE_TABLE.items()
    }


# --- properties -------------------------------------------------------------------------------------
scores_strategy = st.sampled_from([0, 20, 40, 60, 80, 100])


@st.composite
def tenders(draw):
    price_weight = draw(st.integers(0, 100))
    quality_weight = draw(st.integers(0, 100 - price_weight))
    social_value_weight = 100 - price_weight - quality_weight
    n_quality = draw(st.integers(1, min(4, quality_weight))) if quality_weight else 0
    cuts = (
        sorted(
            draw(
                st.lists(
                    st.integers(1, max(quality_weight - 1, 1)),
                    min_size=n_quality - 1,
                    max_size=n_quality - 1,
                    unique=True,
                )
            )
        )
        if n_quality > 1
        else []
    )
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, quality_weight], strict=True)] if n_quality else []
    criteria = [
        Criterion(f"Q{i}", QUALITY, f"Q{i}", D(w), minimum=draw(st.sampled_from([None, None, 20, 40])))
        for i, w in enumerate(weights)
    ]
    shares = draw(st.sampled_from([[100], [50, 30, 20], [17, 17, 17, 17, 16, 16], [70, 30]]))
    criteria += [
        Criterion(f"O{i}", SOCIAL_VALUE, f"O{i}", scoring.social_value_points(social_value_weight, s))
        for i, s in enumerate(shares)
    ]
    n_bids = draw(st.integers(1, 6))
    bids = [
        BidScores(
            f"B{n}",
            D(draw(st.integers(1, 10_000_000))) / 100,
            {c.key: draw(scores_strategy) for c in criteria},
        )
        for n in range(n_bids)
    ]
    formula = draw(st.sampled_from([RELATIVE, DEVIATION]))
    return price_weight, formula, criteria, bids


@settings(max_examples=300, deadline=None)
@given(tenders())
def test_totals_lie_between_0_and_100(tender):
    price_weight, formula, criteria, bids = tender
    for result in scoring.evaluate(price_weight=price_weight, formula=formula, criteria=criteria, bids=bids):
        assert D(0) <= result.total <= D(100)
        assert result.total == scoring.to_pennies(result.total)


@settings(max_examples=300, deadline=None)
@given(tenders())
def test_the_lowest_compliant_price_gets_the_full_price_weight(tender):
    price_weight, formula, criteria, bids = tender
    results = scoring.evaluate(price_weight=price_weight, formula=formula, criteria=criteria, bids=bids)
    compliant = [r for r in results if r.compliant]
    if compliant:
        lowest = min(r.price for r in compliant)
        assert all(r.price_score == price_weight for r in compliant if r.price == lowest)
        assert all(r.price_score <= price_weight for r in results)


@settings(max_examples=300, deadline=None)
@given(tenders(), st.data())
def test_raising_a_moderated_score_never_lowers_that_bids_rank(tender, data):
    price_weight, formula, criteria, bids = tender
    index = data.draw(st.integers(0, len(bids) - 1))
    key = data.draw(st.sampled_from([c.key for c in criteria]))
    bid = bids[index]
    raised = data.draw(st.sampled_from([s for s in [0, 20, 40, 60, 80, 100] if s >= bid.scores[key]]))
    changed = [*bids[:index], BidScores(bid.key, bid.price, {**bid.scores, key: raised}), *bids[index + 1 :]]

    def rank(all_bids):
        result = scoring.evaluate(
            price_weight=price_weight, formula=formula, criteria=criteria, bids=all_bids
        )[index]
        return result.rank if result.rank is not None else len(all_bids) + 1  # not ranked is worst

    assert rank(changed) <= rank(bids)
