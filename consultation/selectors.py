"""Reads for consultation pages. Results aggregate in the database: a fixed number of queries, whatever the
number of responses; the arithmetic on those aggregates is in consultation.aggregation."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from outcomes.models import Outcome, Ward

from . import aggregation
from .models import Allocation, Comment, Consultation, Response, WardPopulation

PREFER_NOT_TO_SAY = "Prefer not to say"
WEIGHTING_NEEDS_POPULATIONS = (
    "Weighted results need a population figure for every ward that responses came from. "
    "Missing: {wards}. Results are shown unweighted."
)
WEIGHTING_NEEDS_WARDS = "No response gave a ward, so results cannot be weighted."


def consultations_public() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("model").order_by("-opens_at")


def consultations_for_officers() -> QuerySet[Consultation]:
    return (
        Consultation.objects.select_related("model")
        .annotate(n_responses=Count("responses"))
        .order_by("-opens_at")
    )


def consultation_by_slug(slug: str) -> Consultation:
    return Consultation.objects.select_related("model", "split_adopted_into").get(slug=slug)


def consultation_outcomes(consultation: Consultation) -> list[Outcome]:
    return list(consultation.model.outcomes.order_by("number"))


@dataclass
class OutcomeResult:
    number: int
    title: str
    n: int
    mean: float | None  # None when suppressed (fewer than 10 responses)
    ci: tuple[float, float] | None
    share_any: float | None
    weighted_mean: float | None = None


@dataclass
class Results:
    n_responses: int
    n_duplicates: int
    include_duplicates: bool
    by_channel: list[tuple[str, int | None]]
    by_ward: list[tuple[str, int | None]]
    by_day: list[tuple[object, int | None]]
    outcomes: list[OutcomeResult]
    proposed_split: dict[int, int] = field(default_factory=dict)
    weighted_split: dict[int, int] = field(default_factory=dict)
    weighting_note: str = ""
    effective_sample_size: float | None = None
    weights: list[tuple[str, float]] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return self.n_responses < aggregation.SUPPRESSION_THRESHOLD


def results(consultation: Consultation, *, include_duplicates: bool = False) -> Results:
    """Everything the results page shows, in seven queries whatever the number of responses."""
    responses = Response.objects.filter(consultation=consultation)
    allocations = Allocation.objects.filter(response__consultation=consultation)
    if not include_duplicates:
        responses = responses.filter(is_suspected_duplicate=False)
        allocations = allocations.filter(response__is_suspected_duplicate=False)

    outcomes = consultation_outcomes(consultation)  # 1
    counts = Response.objects.filter(consultation=consultation).aggregate(  # 2
        total=Count("id"), duplicates=Count("id", filter=Q(is_suspected_duplicate=True))
    )
    by_channel = dict(responses.values_list("channel").annotate(n=Count("id")))  # 3
    ward_counts = dict(responses.values_list("ward_id").annotate(n=Count("id")))  # 4
    by_day = list(  # 5
        responses.annotate(day=TruncDate("submitted_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    histograms: dict[int, dict[int, int]] = defaultdict(dict)
    sums: dict[int, dict[int, int]] = defaultdict(dict)
    for number, ward_id, points, n, total in allocations.values_list(  # 6
        "outcome__number", "response__ward_id", "points"
    ).annotate(n=Count("id"), total=Sum("points")):
        histograms[number][points] = histograms[number].get(points, 0) + n
        if ward_id is not None:
            sums[ward_id][number] = sums[ward_id].get(number, 0) + total
    wards = {w.pk: w for w in Ward.objects.select_related("population")}  # 7

    n = counts["total"] if include_duplicates else counts["total"] - counts["duplicates"]
    suppress = aggregation.suppress
    result = Results(
        n_responses=n,
        n_duplicates=counts["duplicates"],
        include_duplicates=include_duplicates,
        by_channel=[(label, suppress(by_channel.get(value, 0))) for value, label in Response.Channel.choices],
        by_ward=[(w.name, suppress(ward_counts.get(w.pk, 0))) for w in wards.values()]
        + [(PREFER_NOT_TO_SAY, suppress(ward_counts.get(None, 0)))],
        by_day=[(day, suppress(count)) for day, count in by_day],
        outcomes=[],
    )
    for outcome in outcomes:
        histogram = histograms.get(outcome.number, {})
        visible = sum(histogram.values()) >= aggregation.SUPPRESSION_THRESHOLD
        result.outcomes.append(
            OutcomeResult(
                number=outcome.number,
                title=outcome.title,
                n=sum(histogram.values()),
                mean=aggregation.mean_of_histogram(histogram) if visible else None,
                ci=aggregation.bootstrap_mean_ci(histogram) if visible else None,
                share_any=aggregation.share_giving_any(histogram) if visible else None,
            )
        )
    if all(o.mean is not None for o in result.outcomes) and result.outcomes:
        result.proposed_split = dict(
            zip(
                [o.number for o in result.outcomes],
                aggregation.largest_remainder([o.mean for o in result.outcomes]),
                strict=True,
            )
        )
    _weight(result, ward_counts=ward_counts, sums=sums, wards=wards)
    return result


def _weight(result: Results, *, ward_counts: dict, sums: dict, wards: dict) -> None:
    sample = {ward_id: n for ward_id, n in ward_counts.items() if ward_id is not None and n}
    if not sample or result.suppressed:
        result.weighting_note = WEIGHTING_NEEDS_WARDS if not sample else ""
        return
    populations = {}
    missing = []
    for ward_id in sorted(sample, key=lambda pk: wards[pk].name):
        figure = getattr(wards[ward_id], "population", None)
        if figure is None or figure.population is None:
            missing.append(wards[ward_id].name)
        else:
            populations[ward_id] = figure.population
    if missing:
        result.weighting_note = WEIGHTING_NEEDS_POPULATIONS.format(wards=", ".join(missing))
        return
    weights = aggregation.poststratification_weights(sample=sample, population=populations)
    means = aggregation.weighted_means(sums=sums, sample=sample, weights=weights)
    for outcome in result.outcomes:
        outcome.weighted_mean = means.get(outcome.number, 0.0)
    result.effective_sample_size = aggregation.effective_sample_size(sample=sample, weights=weights)
    result.weights = sorted(((wards[k].name, w) for k, w in weights.items()), key=lambda item: item[0])
    numbers = [o.number for o in result.outcomes]
    result.weighted_split = dict(
        zip(numbers, aggregation.largest_remainder([means.get(n, 0.0) for n in numbers]), strict=True)
    )


def comments_for_moderation(consultation: Consultation, *, status: str = "") -> QuerySet[Comment]:
    qs = Comment.objects.filter(response__consultation=consultation).select_related("outcome", "response")
    return qs.filter(status=status) if status else qs


def published_comments(consultation: Consultation) -> QuerySet[Comment]:
    """What the public may read: published by a board member, from residents who agreed to be quoted."""
    return (
        Comment.objects.filter(
            response__consultation=consultation,
            status=Comment.Status.PUBLISHED,
            response__consent_to_quote=True,
        )
        .select_related("outcome")
        .order_by("outcome__number", "id")
    )


def ward_populations() -> QuerySet[WardPopulation]:
    return WardPopulation.objects.select_related("ward").order_by("ward__name")
