"""Arithmetic on consultation aggregates: worked examples by hand, then properties. No database."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consultation import aggregation
from consultation.aggregation import (
    bootstrap_mean_ci,
    effective_sample_size,
    largest_remainder,
    mean_of_histogram,
    poststratification_weights,
    share_giving_any,
    suppress_breakdown,
    weighted_means,
)

# --- Worked examples ----------------------------------------------------------------------------------------


def test_mean_of_a_histogram_weights_each_points_value_by_its_respondents():
    # (0*2 + 10*3 + 40*5) / (2 + 3 + 5) = 230 / 10
    assert mean_of_histogram({0: 2, 10: 3, 40: 5}) == 23.0


def test_share_giving_any_counts_respondents_above_zero():
    # 3 + 5 of 10 respondents gave more than 0 points
    assert share_giving_any({0: 2, 10: 3, 40: 5}) == 0.8


def test_empty_bins_do_not_change_the_mean_or_share():
    assert mean_of_histogram({0: 2, 10: 3, 40: 5, 100: 0}) == 23.0
    assert share_giving_any({0: 2, 10: 3, 40: 5, 100: 0}) == 0.8


@pytest.mark.parametrize("function", [mean_of_histogram, share_giving_any, bootstrap_mean_ci])
def test_a_histogram_without_respondents_is_refused(function):
    with pytest.raises(ValueError, match=aggregation.EMPTY):
        function({})
    with pytest.raises(ValueError, match=aggregation.EMPTY):
        function({20: 0})


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        mean_of_histogram({10: 3, 20: -1})


def test_bootstrap_interval_is_a_point_when_everyone_gave_the_same():
    assert bootstrap_mean_ci({25: 7}) == (25.0, 25.0)


def test_bootstrap_interval_is_the_same_for_the_same_seed_and_brackets_the_mean():
    histogram = {0: 2, 10: 3, 40: 5}
    lower, upper = bootstrap_mean_ci(histogram)
    assert (lower, upper) == bootstrap_mean_ci(histogram, seed=20261125)
    # every resample mean lies between the smallest (0) and largest (40) points given
    assert 0 <= lower < 23.0 < upper <= 40


def test_bootstrap_interval_narrows_as_the_confidence_falls():
    histogram = {0: 20, 10: 30, 40: 50}
    wide = bootstrap_mean_ci(histogram, confidence=0.99)
    narrow = bootstrap_mean_ci(histogram, confidence=0.5)
    assert wide[0] <= narrow[0] < narrow[1] <= wide[1]


@pytest.mark.parametrize("kwargs", [{"resamples": 0}, {"confidence": 0.0}, {"confidence": 1.0}])
def test_bootstrap_settings_out_of_range_are_refused(kwargs):
    with pytest.raises(ValueError):
        bootstrap_mean_ci({10: 5}, **kwargs)


def test_largest_remainder_gives_the_spare_unit_to_the_largest_remainder():
    # quotas 33.4, 33.3, 33.3 -> floors 33 + 33 + 33 = 99; the spare 1 goes to .4
    assert largest_remainder([33.4, 33.3, 33.3]) == [34, 33, 33]


def test_largest_remainder_breaks_a_tie_for_the_lower_index():
    # quotas 100/3 each -> floors 33 * 3 = 99; remainders all 1/3, so the spare 1 goes to index 0
    assert largest_remainder([1, 1, 1]) == [34, 33, 33]


def test_largest_remainder_of_six_outcome_means():
    # sum 20.55 + 17.25 + 16.1 + 15.95 + 15.1 + 15.05 = 100, so the quotas are the values;
    # floors 20 + 17 + 16 + 15 + 15 + 15 = 98; remainders .55 .25 .10 .95 .10 .05;
    # the 2 spare units go to .95 (outcome 4) and .55 (outcome 1)
    assert largest_remainder([20.55, 17.25, 16.1, 15.95, 15.1, 15.05]) == [21, 17, 16, 16, 15, 15]


def test_largest_remainder_where_rounding_each_would_overshoot():
    # sum 16.6 * 5 + 17 = 100; rounding each gives 17 * 6 = 102. Floors 16 * 5 + 17 = 97;
    # remainders .6 .6 .6 .6 .6 0, so the 3 spare units go to the first three .6s
    assert largest_remainder([16.6, 16.6, 16.6, 16.6, 16.6, 17.0]) == [17, 17, 17, 16, 16, 17]


def test_largest_remainder_scales_to_the_total():
    # sum 1 + 2 + 3 = 6; quotas 10/6 = 1 2/3, 20/6 = 3 1/3, 30/6 = 5; floors 1 + 3 + 5 = 9; spare 1 -> 2/3
    assert largest_remainder([1, 2, 3], total=10) == [2, 3, 5]
    assert largest_remainder([Decimal("1"), Fraction(2), 3.0], total=10) == [2, 3, 5]


def test_largest_remainder_reads_floats_as_they_print():
    # 0.3 and 0.1 read as 3/10 and 1/10: quotas 2 * 3/4 = 1.5 and 2 * 1/4 = 0.5, equal remainders, so the
    # spare unit goes to index 0. Read as binary doubles, 0.1 is a hair over a tenth and would take it,
    # giving [1, 1].
    assert largest_remainder([0.3, 0.1], total=2) == [2, 0]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([10, -1, 5], "cannot be negative"),
        ([0, 0, 0], aggregation.ALL_ZERO),
        ([], aggregation.ALL_ZERO),
        ([1.0, math.nan], "finite"),
        ([1.0, math.inf], "finite"),
    ],
)
def test_largest_remainder_refuses_what_cannot_be_split(values, message):
    with pytest.raises(ValueError, match=message):
        largest_remainder(values)


WARDS_SAMPLE = {"A": 50, "B": 30, "C": 20}
WARDS_POPULATION = {"A": 1000, "B": 1000, "C": 2000}


def test_poststratification_weights_are_population_share_over_sample_share():
    # population shares 1000/4000 = .25, .25, 2000/4000 = .5; sample shares 50/100 = .5, .3, .2
    # weights .25/.5 = 0.5, .25/.3 = 5/6, .5/.2 = 2.5 (all inside the trim bounds 0.2..5)
    weights = poststratification_weights(sample=WARDS_SAMPLE, population=WARDS_POPULATION)
    assert weights == {"A": 0.5, "B": pytest.approx(5 / 6, abs=1e-12), "C": 2.5}


def test_kish_effective_sample_size_of_the_three_ward_example():
    # sum n w = 50*.5 + 30*5/6 + 20*2.5 = 25 + 25 + 50 = 100
    # sum n w^2 = 50*.25 + 30*25/36 + 20*6.25 = 12.5 + 125/6 + 125 = 475/3
    # ESS = 100^2 / (475/3) = 1200/19 = 63.16
    weights = {"A": 0.5, "B": 5 / 6, "C": 2.5}
    assert effective_sample_size(sample=WARDS_SAMPLE, weights=weights) == pytest.approx(1200 / 19, rel=1e-12)


def test_strata_without_respondents_get_no_weight_and_no_population_share():
    # D has no respondents: it gets no weight and its 5000 people do not dilute A, B and C's shares
    weights = poststratification_weights(
        sample={**WARDS_SAMPLE, "D": 0}, population={**WARDS_POPULATION, "D": 5000, "E": 700}
    )
    assert weights == poststratification_weights(sample=WARDS_SAMPLE, population=WARDS_POPULATION)


def test_a_sampled_stratum_without_a_population_figure_is_refused():
    with pytest.raises(ValueError, match=aggregation.MISSING_POPULATION.format(stratum="C")):
        poststratification_weights(sample=WARDS_SAMPLE, population={"A": 1000, "B": 1000})


def test_a_sampled_stratum_with_a_population_of_zero_is_refused():
    with pytest.raises(ValueError, match="must be more than 0"):
        poststratification_weights(sample=WARDS_SAMPLE, population={**WARDS_POPULATION, "C": 0})


def test_weights_need_respondents_and_sensible_trim_bounds():
    with pytest.raises(ValueError, match=aggregation.EMPTY):
        poststratification_weights(sample={"A": 0}, population={"A": 10})
    with pytest.raises(ValueError, match="0 < low <= 1 <= high"):
        poststratification_weights(sample=WARDS_SAMPLE, population=WARDS_POPULATION, trim=(1.5, 5.0))


def test_a_weight_above_five_is_trimmed_and_the_rest_rescaled():
    sample = {"A": 10, "B": 40, "C": 50}
    population = {"A": 600, "B": 200, "C": 200}
    # untrimmed: .6/.1 = 6, .2/.4 = 0.5, .2/.5 = 0.4 (10*6 + 40*.5 + 50*.4 = 100)
    # clip A to 5: 50 + 20 + 20 = 90 < 100, so B and C scale by C with 50 + (20 + 20) C = 100 -> C = 1.25
    # -> A 5, B .625, C .5; check 10*5 + 40*.625 + 50*.5 = 50 + 25 + 25 = 100
    weights = poststratification_weights(sample=sample, population=population)
    assert weights == {"A": 5.0, "B": 0.625, "C": 0.5}
    assert sum(sample[k] * w for k, w in weights.items()) == 100
    assert all(0.2 <= w <= 5 for w in weights.values())
    # ESS = 100^2 / (10*25 + 40*.390625 + 50*.25) = 10000 / 278.125 = 3200/89
    assert effective_sample_size(sample=sample, weights=weights) == pytest.approx(3200 / 89, rel=1e-12)


def test_a_weight_below_the_floor_is_raised_and_the_rest_rescaled_down():
    sample = {"A": 80, "B": 20}
    population = {"A": 999, "B": 1}
    # untrimmed: .999/.8 = 1.24875, .001/.2 = 0.005; clip B up to 0.2: 99.9 + 4 = 103.9 > 100,
    # so A scales down: 80 * 1.24875 C + 20 * .2 = 100 -> C = 96/99.9; A = 1.24875 * 96/99.9 = 1.2
    weights = poststratification_weights(sample=sample, population=population)
    assert weights == {"A": pytest.approx(1.2, abs=1e-12), "B": 0.2}


def test_trimming_settles_where_fifty_rounds_of_clip_and_rescale_would_not():
    # Clip-and-rescale shrinks the error only by the clipped share of the weight each round; here after 50
    # rounds a weight is still more than 1e-9 above 5. The exact limit is inside the bounds and sums to n.
    sample = {0: 103, 1: 178, 2: 51, 3: 106, 4: 294}
    population = {0: 10000, 1: 40, 2: 7, 3: 450, 4: 1000}
    _, in_bounds_after_50 = _clip_and_rescale(sample, _untrimmed(sample, population), rounds=50)
    assert not in_bounds_after_50
    weights = poststratification_weights(sample=sample, population=population)
    assert weights[0] == 5.0
    assert all(0.2 <= w <= 5 for w in weights.values())
    assert sum(sample[k] * w for k, w in weights.items()) == pytest.approx(732, rel=1e-12)


def test_weighted_means_by_hand():
    sample = {"A": 2, "B": 3}
    weights = {"A": 2.0, "B": 0.5}
    sums = {"A": {1: 100, 2: 100}, "B": {1: 60, 2: 240}}
    # denominator 2*2 + 0.5*3 = 5.5
    # outcome 1: (2*100 + 0.5*60) / 5.5 = 230 / 5.5 = 460/11; outcome 2: (2*100 + 0.5*240) / 5.5 = 640/11
    means = weighted_means(sums=sums, sample=sample, weights=weights)
    assert means == {1: pytest.approx(460 / 11, rel=1e-12), 2: pytest.approx(640 / 11, rel=1e-12)}
    # unweighted these would be 160/5 = 32 and 340/5 = 68
    assert weighted_means(sums=sums, sample=sample, weights={"A": 1.0, "B": 1.0}) == {1: 32.0, 2: 68.0}


def test_weighted_means_ignore_strata_without_a_weight():
    sums = {"A": {1: 100}, "B": {1: 50, 2: 50}}
    assert weighted_means(sums=sums, sample={"A": 1, "B": 1}, weights={"A": 1.0}) == {1: 100.0}


# Small cells (issue 13): a breakdown as published beside its total. "Hidden" is None.
@pytest.mark.parametrize(
    ("counts", "cells", "total"),
    [
        ([12, 30, 45], [12, 30, 45], 87),  # nothing under 10: all shown
        # One ward under 10: total 86 - 25 - 40 would give the 3 away, so the next smallest (18) goes too.
        ([3, 25, 40, 18], [None, 25, 40, None], 86),
        # Two small cells adding up to 7: hidden together they still give 7 away, so 40 goes too.
        ([3, 4, 40], [None, None, None], 47),
        # Online 12, paper 3, event 0 (the page): 3 + 0 is under 10, so online is hidden too.
        ([12, 3, 0], [None, None, None], 15),
        ([500, 0, 0], [500, None, None], 500),  # the hidden counts add up to 0: nobody is given away
        ([50, 0], [None, None], 50),  # one hidden cell alone is read off the total, even a 0
        ([3, 20, 20], [None, None, 20], 43),  # equal smallest: the first
        ([0, 3, 40, 60], [None, None, None, 60], 103),  # 0 + 3 is under 10: 40 goes too
        ([5], [None], None),  # the whole breakdown is under 10: the total is hidden too
        ([2, 3], [None, None], None),
        ([10, 10], [10, 10], 20),  # 10 is shown
        ([], [], 0),
    ],
)
def test_small_cells_and_any_cell_that_gives_one_away_are_hidden(counts, cells, total):
    assert suppress_breakdown(counts) == (cells, total)


def test_the_suppression_threshold_is_10_and_can_be_changed():
    assert aggregation.SUPPRESSION_THRESHOLD == 10
    assert suppress_breakdown([6, 12, 30]) == ([None, None, 30], 48)
    assert suppress_breakdown([6, 12, 30], threshold=5) == ([6, 12, 30], 48)


def test_a_breakdown_with_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        suppress_breakdown([12, -1])


# --- Helpers for the properties -----------------------------------------------------------------------------


def _untrimmed(sample, population):
    present = {k: n for k, n in sample.items() if n > 0}
    n, people = sum(present.values()), sum(population[k] for k in present)
    return {k: (population[k] / people) / (count / n) for k, count in present.items()}


def _clip_and_rescale(sample, weights, *, rounds, low=0.2, high=5.0, tolerance=1e-9):
    """Trimming as first specified: clip, rescale so sum(n w) == n, repeat until inside the bounds."""
    n = sum(sample[k] for k in weights)
    for _ in range(rounds):
        weights = {k: min(high, max(low, w)) for k, w in weights.items()}
        scale = n / sum(sample[k] * w for k, w in weights.items())
        weights = {k: w * scale for k, w in weights.items()}
        if all(low - tolerance <= w <= high + tolerance for w in weights.values()):
            return weights, True
    return weights, False


histograms = st.dictionaries(
    st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=40), min_size=1, max_size=12
).filter(lambda h: sum(h.values()) > 0)

ward_names = st.sampled_from([f"Ward {i}" for i in range(15)])
samples = st.dictionaries(
    ward_names, st.integers(min_value=0, max_value=300), min_size=1, max_size=15
).filter(lambda s: sum(s.values()) > 0)


@st.composite
def samples_with_populations(draw):
    sample = draw(samples)
    population = {k: draw(st.integers(min_value=1, max_value=20_000)) for k in sample}
    return sample, population


splittable = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10_000),
        st.fractions(min_value=0, max_value=1000, max_denominator=1000),
        st.decimals(min_value=0, max_value=1000, places=3),
        st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=12,
).filter(lambda values: any(values))


def _exact(value):
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


# --- Properties ---------------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(values=splittable, total=st.integers(min_value=0, max_value=1000))
def test_largest_remainder_sums_to_the_total_and_rounds_each_quota_down_or_up(values, total):
    result = largest_remainder(values, total=total)
    assert sum(result) == total
    whole = sum(_exact(v) for v in values)
    for value, share in zip(values, result, strict=True):
        quota = total * _exact(value) / whole
        assert share in (math.floor(quota), math.ceil(quota))


@settings(max_examples=100)
@given(sample=samples, multiplier=st.integers(min_value=1, max_value=500), others=st.integers(0, 10_000))
def test_a_representative_sample_gets_weights_of_one_and_full_effective_size(sample, multiplier, others):
    population = {k: n * multiplier for k, n in sample.items() if n > 0} | {"Elsewhere": others}
    weights = poststratification_weights(sample=sample, population=population)
    assert set(weights) == {k for k, n in sample.items() if n > 0}
    assert all(w == pytest.approx(1, abs=1e-9) for w in weights.values())
    assert effective_sample_size(sample=sample, weights=weights) == pytest.approx(
        sum(sample.values()), rel=1e-12
    )


@settings(max_examples=200)
@given(case=samples_with_populations())
def test_trimmed_weights_are_inside_the_bounds_and_keep_the_sample_size(case):
    sample, population = case
    weights = poststratification_weights(sample=sample, population=population)
    n = sum(sample.values())
    assert all(0.2 <= w <= 5.0 for w in weights.values())
    assert sum(sample[k] * w for k, w in weights.items()) == pytest.approx(n, rel=1e-12)
    assert effective_sample_size(sample=sample, weights=weights) <= n


@settings(max_examples=100)
@given(case=samples_with_populations())
def test_trimmed_weights_are_the_limit_of_repeated_clip_and_rescale(case):
    sample, population = case
    limit, settled = _clip_and_rescale(sample, _untrimmed(sample, population), rounds=2000, tolerance=1e-12)
    assert settled
    weights = poststratification_weights(sample=sample, population=population)
    assert weights == {k: pytest.approx(w, rel=1e-9) for k, w in limit.items()}


@settings(max_examples=200)
@given(
    sample=samples,
    weights=st.lists(st.floats(min_value=0.01, max_value=100), min_size=15, max_size=15),
)
def test_effective_sample_size_is_at_most_the_sample_size(sample, weights):
    by_stratum = dict(zip(sorted(sample), weights, strict=False))
    assert effective_sample_size(sample=sample, weights=by_stratum) <= sum(sample.values())


@settings(max_examples=100)
@given(histogram=histograms, seed=st.integers(min_value=0, max_value=2**32))
def test_bootstrap_interval_contains_the_mean_and_repeats_for_a_seed(histogram, seed):
    mean = mean_of_histogram(histogram)
    lower, upper = bootstrap_mean_ci(histogram, resamples=200, seed=seed)
    assert lower <= mean <= upper
    assert (lower, upper) == bootstrap_mean_ci(histogram, resamples=200, seed=seed)


@settings(max_examples=200)
@given(histogram=histograms)
def test_the_mean_lies_between_the_smallest_and_largest_points_given(histogram):
    given_points = [points for points, count in histogram.items() if count > 0]
    assert min(given_points) <= mean_of_histogram(histogram) <= max(given_points)
    assert 0 <= share_giving_any(histogram) <= 1


@st.composite
def samples_with_sums(draw):
    """Respondents per stratum and the points they gave each of six outcomes in total (at most 100 each)."""
    sample = {k: n for k, n in draw(samples).items() if n > 0}
    sums = {
        k: {o: draw(st.integers(min_value=0, max_value=100 * n)) for o in range(1, 7)}
        for k, n in sample.items()
    }
    return sample, sums


@settings(max_examples=200)
@given(case=samples_with_sums())
def test_weighted_means_with_weights_of_one_are_the_unweighted_means(case):
    sample, sums = case
    means = weighted_means(sums=sums, sample=sample, weights=dict.fromkeys(sample, 1.0))
    n = sum(sample.values())
    assert means == {o: sum(s[o] for s in sums.values()) / n for o in range(1, 7)}


breakdowns = st.lists(
    st.one_of(st.integers(min_value=0, max_value=12), st.integers(min_value=0, max_value=5000)), max_size=20
)


@settings(max_examples=500)
@given(counts=breakdowns, threshold=st.integers(min_value=1, max_value=20))
def test_no_hidden_count_can_be_read_or_worked_out_from_the_total(counts, threshold):
    cells, total = suppress_breakdown(counts, threshold=threshold)
    hidden = [count for count, cell in zip(counts, cells, strict=True) if cell is None]
    shown = [cell for cell in cells if cell is not None]
    assert all(cell in (None, count) for count, cell in zip(counts, cells, strict=True))  # shown as they are
    assert all(cell >= threshold for cell in shown)  # never a shown cell under the threshold
    # either nothing is suppressed, or at least two cells are, or the total is hidden
    assert not hidden or len(hidden) >= 2 or total is None
    if total is None:
        assert not shown and sum(counts) < threshold
    else:
        assert total == sum(counts)
        assert total - sum(shown) == 0 or total - sum(shown) >= threshold  # what is hidden, together


@settings(max_examples=300)
@given(counts=breakdowns)
def test_only_the_smallest_shown_counts_are_hidden_beyond_the_small_ones(counts):
    cells, _ = suppress_breakdown(counts)
    extra = [c for c, cell in zip(counts, cells, strict=True) if cell is None and c >= 10]
    shown = [cell for cell in cells if cell is not None]
    assert not extra or not shown or max(extra) <= min(shown)
