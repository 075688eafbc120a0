"""Arithmetic on a consultation's aggregates: pure functions, no ORM, no request.

The database hands over counts and sums (how many residents gave each number of points to an outcome, the
points given in each ward); this module turns them into the figures on the results page: means with
bootstrap confidence intervals, ward weights, the effective sample size, small-cell suppression, and the
proposed outcome split in whole percentages.
"""

import math
from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)

# points given (0..100) -> number of respondents who gave that many points to one outcome
Histogram = Mapping[int, int]

SUPPRESSION_THRESHOLD = 10
TRIM = (0.2, 5.0)

EMPTY = "There are no responses to summarise."
NEGATIVE_COUNT = "A number of respondents cannot be negative; got {count}."
BAD_RESAMPLES = "The bootstrap needs at least one resample; got {resamples}."
BAD_CONFIDENCE = "The confidence level must be between 0 and 1; got {confidence}."
NEGATIVE_VALUE = "Values to split cannot be negative; got {value}."
NOT_FINITE = "Values to split must be finite numbers; got {value}."
ALL_ZERO = "There is nothing to split: there are no values, or they are all zero."
NEGATIVE_TOTAL = "The total to split into cannot be negative; got {total}."
MISSING_POPULATION = "There is no population figure for {stratum}."
ZERO_POPULATION = "The population figure for {stratum} must be more than 0; got {population}."
BAD_TRIM = "Weights are trimmed to bounds with 0 < low <= 1 <= high; got ({low}, {high})."


# --- One outcome: the mean, its confidence interval, the share giving it anything ---------------------------
def _respondents(histogram: Histogram) -> int:
    """The number of respondents in a histogram; ValueError if a count is negative or there are none."""
    for count in histogram.values():
        if count < 0:
            raise ValueError(NEGATIVE_COUNT.format(count=count))
    n = sum(histogram.values())
    if n == 0:
        raise ValueError(EMPTY)
    return n


def mean_of_histogram(histogram: Histogram) -> float:
    """Mean points given: the sum of points times respondents over the number of respondents (exact integers,
    one rounding at the end)."""
    n = _respondents(histogram)
    return sum(points * count for points, count in histogram.items()) / n


def share_giving_any(histogram: Histogram) -> float:
    """The fraction (0 to 1) of respondents who gave the outcome more than 0 points."""
    n = _respondents(histogram)
    return sum(count for points, count in histogram.items() if points > 0) / n


def bootstrap_mean_ci(
    histogram: Histogram, *, resamples: int = 2000, confidence: float = 0.95, seed: int = 20261125
) -> tuple[float, float]:
    """Percentile bootstrap interval for the mean.

    Resampling the n respondents with replacement is a multinomial draw of n over the histogram's bins (with
    probabilities count / n), so each resample is one row of `multinomial(n, p, size=resamples)` and its mean
    is `row @ points / n`. The interval is the (1 - confidence) / 2 and (1 + confidence) / 2 quantiles of
    those means (numpy's default, linear interpolation). A fixed seed gives the same interval every time; if
    every respondent gave the same points v, the interval is (v, v).
    """
    if resamples < 1:
        raise ValueError(BAD_RESAMPLES.format(resamples=resamples))
    if not 0 < confidence < 1:
        raise ValueError(BAD_CONFIDENCE.format(confidence=confidence))
    n = _respondents(histogram)
    bins = sorted((points, count) for points, count in histogram.items() if count > 0)
    points = np.array([p for p, _ in bins], dtype=np.int64)
    counts = np.array([c for _, c in bins], dtype=np.int64)
    draws = np.random.default_rng(seed).multinomial(n, counts / n, size=resamples)
    means = (draws @ points) / n
    tail = (1 - confidence) / 2
    lower, upper = np.quantile(means, [tail, 1 - tail])
    return float(lower), float(upper)


# --- The proposed split -------------------------------------------------------------------------------------
def _exact(value: float | Decimal | Fraction | int) -> Fraction:
    """A number as an exact fraction. A float is read through its shortest decimal form, `Fraction(str(x))`,
    so 33.4 means 334/10 as printed, not the binary double just below it; otherwise binary noise would break
    ties that are exact in decimals."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(NOT_FINITE.format(value=value))
        return Fraction(str(value))
    return Fraction(value)


def largest_remainder(values: Sequence[float | Decimal | Fraction | int], *, total: int = 100) -> list[int]:
    """Whole numbers in proportion to `values` that add up to `total` (the largest remainder, or Hamilton,
    method).

    Each value's exact quota is total * value / sum(values); everyone gets the whole part of their quota, and
    the units left over go one each to the largest fractional parts; equal remainders go to the lower index.
    The arithmetic is exact (Fractions; floats are read as they print, see `_exact`).
    """
    if total < 0:
        raise ValueError(NEGATIVE_TOTAL.format(total=total))
    exact = [_exact(value) for value in values]
    for value, original in zip(exact, values, strict=True):
        if value < 0:
            raise ValueError(NEGATIVE_VALUE.format(value=original))
    whole = sum(exact)
    if whole == 0:
        raise ValueError(ALL_ZERO)
    quotas = [total * value / whole for value in exact]
    result = [math.floor(quota) for quota in quotas]
    left_over = total - sum(result)
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - result[i]), i))
    for i in by_remainder[:left_over]:
        result[i] += 1
    return result


# --- Weighting by ward --------------------------------------------------------------------------------------
def poststratification_weights(
    *, sample: Mapping[K, int], population: Mapping[K, int], trim: tuple[float, float] = TRIM
) -> dict[K, float]:
    """A weight per stratum (ward) so that the weighted sample has the population's mix of strata.

    Over the strata with respondents, weight = population share / sample share (population shares are taken
    over those strata only; strata with no respondents get no weight). The weights are then trimmed to
    `trim` = (low, high) by clipping them to the bounds and rescaling them all so that sum(n_k * w_k) == n,
    repeated until none is outside the bounds. That repetition converges only geometrically (by as little as
    5/6 a round with the default bounds, so 50 rounds can leave a weight outside them), so instead of
    iterating we compute its limit exactly (see `_trim`).
    """
    low, high = (_exact(bound) for bound in trim)
    if not 0 < low <= 1 <= high:
        raise ValueError(BAD_TRIM.format(low=trim[0], high=trim[1]))
    for count in sample.values():
        if count < 0:
            raise ValueError(NEGATIVE_COUNT.format(count=count))
    counts = {stratum: count for stratum, count in sample.items() if count > 0}
    if not counts:
        raise ValueError(EMPTY)
    for stratum in counts:
        if stratum not in population:
            raise ValueError(MISSING_POPULATION.format(stratum=stratum))
        if population[stratum] <= 0:
            raise ValueError(ZERO_POPULATION.format(stratum=stratum, population=population[stratum]))
    n = sum(counts.values())
    people = sum(population[stratum] for stratum in counts)
    raw = {stratum: Fraction(population[stratum] * n, people * count) for stratum, count in counts.items()}
    return {stratum: float(weight) for stratum, weight in _trim(counts, raw, low=low, high=high).items()}


def _trim(
    counts: Mapping[K, int], raw: Mapping[K, Fraction], *, low: Fraction, high: Fraction
) -> dict[K, Fraction]:
    """The limit of repeated clip-and-rescale, exactly.

    After the first clip, every rescale moves the same way: if clipping lost weight (sum n_k w_k < n) each
    rescale is up and only the high bound bites again, so the limit is min(high, C * v_k) for the clipped
    weights v_k and the one C >= 1 that makes sum(n_k w_k) == n; if clipping added weight it is
    max(low, C * v_k) with C <= 1. C is found by capping strata one at a time in the order they reach the
    bound.
    """
    n = sum(counts.values())
    clipped = {stratum: min(high, max(low, weight)) for stratum, weight in raw.items()}
    mass = sum(counts[stratum] * weight for stratum, weight in clipped.items())
    if mass == n:
        return clipped
    up = mass < n
    bound = high if up else low
    order = sorted(clipped, key=lambda stratum: clipped[stratum], reverse=up)
    capped_count = 0
    for j, first_free in enumerate(order):
        free = order[j:]
        scale = (n - bound * capped_count) / sum(counts[stratum] * clipped[stratum] for stratum in free)
        if (scale * clipped[first_free] <= bound) if up else (scale * clipped[first_free] >= bound):
            weights = dict.fromkeys(order[:j], bound)
            weights.update({stratum: scale * clipped[stratum] for stratum in free})
            return weights
        capped_count += counts[first_free]
    return dict.fromkeys(order, bound)  # only when every stratum sits at a bound of 1


def effective_sample_size(*, sample: Mapping[K, int], weights: Mapping[K, float]) -> float:
    """Kish's effective sample size, (sum n_k w_k)^2 / sum n_k w_k^2 over the weighted strata: the number of
    unweighted respondents that would give the same precision. It equals n when every weight is 1."""
    exact = {stratum: Fraction(weight) for stratum, weight in weights.items()}
    total = sum(sample[stratum] * weight for stratum, weight in exact.items())
    squares = sum(sample[stratum] * weight * weight for stratum, weight in exact.items())
    if squares == 0:
        raise ValueError(EMPTY)
    return float(total * total / squares)


def weighted_means(
    *, sums: Mapping[K, Mapping[int, int]], sample: Mapping[K, int], weights: Mapping[K, float]
) -> dict[int, float]:
    """Weighted mean points per outcome: sum_k w_k * sums[k][outcome] / sum_k w_k * n_k over the weighted
    strata, where sums[k][outcome] is the points respondents in stratum k gave the outcome in total."""
    exact = {stratum: Fraction(weight) for stratum, weight in weights.items()}
    denominator = sum(sample[stratum] * weight for stratum, weight in exact.items())
    if denominator == 0:
        raise ValueError(EMPTY)
    outcomes = sorted({outcome for stratum in exact for outcome in sums.get(stratum, {})})
    return {
        outcome: float(
            sum(weight * sums.get(stratum, {}).get(outcome, 0) for stratum, weight in exact.items())
            / denominator
        )
        for outcome in outcomes
    }


# --- Disclosure control -------------------------------------------------------------------------------------
def suppress_breakdown(
    counts: Sequence[int], *, threshold: int = SUPPRESSION_THRESHOLD
) -> tuple[list[int | None], int | None]:
    """The counts of a breakdown (responses by ward, channel, day, ...) and its total as they may be
    published, None where hidden, so that no count under `threshold` can be read or worked out.

    Primary suppression hides every count under the threshold, 0 included (one rule a reader can check: no
    published count is under 10). Secondary suppression stops the total giving a hidden count away: while
    exactly one count is hidden, or the hidden counts add up to 1 to threshold - 1 (the total minus the
    shown counts), the smallest shown count is hidden as well (the first of equals). If every count is then
    hidden and they still add up to so few, the total is hidden too. Hidden counts that add up to 0 give
    nobody away.
    """
    for count in counts:
        if count < 0:
            raise ValueError(NEGATIVE_COUNT.format(count=count))
    cells: list[int | None] = [None if count < threshold else count for count in counts]

    def exposed() -> bool:
        hidden = [count for count, cell in zip(counts, cells, strict=True) if cell is None]
        return len(hidden) == 1 or 0 < sum(hidden) < threshold

    while exposed():
        shown = [i for i, cell in enumerate(cells) if cell is not None]
        if not shown:
            return cells, None
        cells[min(shown, key=lambda i: (counts[i], i))] = None
    return cells, sum(counts)
