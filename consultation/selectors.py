"""Reads for consultation pages. Results aggregate in the database: a fixed number of queries, whatever the
number of responses; the arithmetic on those aggregates is in consultation.aggregation."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
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


# --- Results in the shared cache ---------------------------------------------------------------------------
# Results are cached in the shared cache (Redis in production, so every app server sees the same entry) under
# a key naming the consultation and two versions: the consultation's, bumped on every new, withdrawn or
# moderated response (`results_changed`), and one for every consultation, bumped when a ward population
# changes the weighting (`weights_changed`). A bump makes a new key, so nobody reads the old entry again;
# nothing needs deleting. The time limit only bounds what an edit outside the services (the admin, a shell)
# could leave: it is not what keeps results fresh.
RESULTS_CACHE_SECONDS = 60 * 60
WEIGHTS_VERSION_KEY = "consultation:results:weights-version"


def _version_key(consultation_id: int) -> str:
    return f"consultation:{consultation_id}:results-version"


def _versions(consultation: Consultation) -> tuple[str, str]:
    keys = [_version_key(consultation.pk), WEIGHTS_VERSION_KEY]
    found = cache.get_many(keys)
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            # Never a counter that restarts at 1: a version lost from the cache must not name an old entry.
            cache.add(key, uuid.uuid4().hex, None)
            version = cache.get(key) or uuid.uuid4().hex
        versions.append(version)
    return versions[0], versions[1]


def _results_key(consultation: Consultation, name: str, versions: tuple[str, str]) -> str:
    # The creation time as well as the id: a consultation made again with the same id (a test database
    # rolled back) must never read the one before's results.
    made = int(consultation.created_at.timestamp() * 1_000_000)
    return f"consultation:{consultation.pk}:{made}:{name}:{versions[0]}:{versions[1]}"


def _cached(consultation: Consultation, name: str, compute, *, store: bool = True):
    """compute(), from the shared cache when nothing has changed since it was worked out.

    The versions are read before the database, so an entry can only be stored under versions that were
    current when its data was read: a response committed meanwhile has already bumped the version (on
    commit), or bumps it after, and either way nobody reads that entry again. With `store=False` a miss is
    worked out but not kept (a reader that only benefits from entries others made).
    """
    key = _results_key(consultation, name, _versions(consultation))
    found = cache.get(key)
    if found is None:
        found = compute()
        if store:
            cache.set(key, found, RESULTS_CACHE_SECONDS)
    return found


def cached_results(
    consultation: Consultation,
    *,
    include_duplicates: bool = False,
    for_board: bool = False,
    store: bool = True,
) -> Results:
    """`results(consultation)`, through the shared cache (same figures, no queries when nothing changed).

    The board's live results page keeps entries of its own (`for_board`), apart from the public page's and
    the dashboard's: the same figures, but each page's first view after a change works them out itself.
    """
    name = ("board-" if for_board else "") + ("with-duplicates" if include_duplicates else "results")
    return _cached(
        consultation, name, lambda: results(consultation, include_duplicates=include_duplicates), store=store
    )


def _bump(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, None)


def results_changed(consultation_id: int) -> None:
    """Call inside the transaction that adds, withdraws or moderates a response of this consultation.

    The version is bumped at once (so this process, and a test that never commits, read fresh results) and
    again when the transaction commits: a reader that worked results out from the data as it was before the
    commit, between the two bumps, stored them under a version nobody uses any more.
    """
    key = _version_key(consultation_id)
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def weights_changed() -> None:
    """Call inside the transaction that changes a ward population (it changes every weighted result)."""
    _bump(WEIGHTS_VERSION_KEY)
    transaction.on_commit(lambda: _bump(WEIGHTS_VERSION_KEY))


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
