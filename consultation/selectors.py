"""Reads for consultation pages. Results aggregate in the database: a fixed number of queries, whatever the
number of responses; the arithmetic on those aggregates is in consultation.aggregation."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from knowsley_sv import caching
from outcomes.models import Outcome, Ward

from . import aggregation, topics
from .models import Allocation, Comment, Consultation, Response, WardPopulation

PREFER_NOT_TO_SAY = "Prefer not to say"
WEIGHTING_NEEDS_POPULATIONS = (
    "Weighted results need a population figure for every ward that responses came from. "
    "Missing: {wards}. Results are shown unweighted."
)
WEIGHTING_NEEDS_WARDS = "No response gave a ward, so results cannot be weighted."


def consultations_public() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("model").order_by("-opens_at")


def home_section() -> dict:
    """For the home page: the consultations open now, the soonest to close first."""
    return {"open_consultations": list(Consultation.objects.open().order_by("closes_at", "pk"))}


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


# The public pages (a resident's every step, the results) read the consultation, its outcomes and the wards
# through the shared cache (topics.SETUP): a surge of residents then sends no query for them. Officers' and
# the board's pages read the database.
def public_consultation(slug: str) -> tuple[Consultation, list[Outcome]]:
    """consultation_by_slug(slug) and its outcomes, from the shared cache (one round trip) when unchanged."""

    def compute():
        consultation = consultation_by_slug(slug)
        return consultation, consultation_outcomes(consultation)

    return caching.cached(f"consultation:public:{slug}", [topics.SETUP], compute)


def public_wards() -> list[tuple[int, str]]:
    """Every ward as (id, name) in name order, from the shared cache: the about-you step's choices and the
    check of a resident's ward."""
    return caching.cached(
        "consultation:public:wards",
        [topics.SETUP],
        lambda: list(Ward.objects.order_by("name").values_list("pk", "name")),
    )


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

    # The public page's breakdowns: rows whose count is not shown are left out (not listed as "Not shown").
    @property
    def listed_by_channel(self) -> list[tuple[str, int]]:
        return _listed(self.by_channel)

    @property
    def listed_by_ward(self) -> list[tuple[str, int]]:
        return _listed(self.by_ward)

    @property
    def listed_by_day(self) -> list[tuple[object, int]]:
        return _listed(self.by_day)


def _listed(rows: list[tuple[object, int | None]]) -> list:
    return [(label, n) for label, n in rows if n is not None]


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
    histograms, sums = _points_by_outcome_and_ward(allocations)  # 6
    wards = {w.pk: w for w in Ward.objects.select_related("population")}  # 7

    n = counts["total"] if include_duplicates else counts["total"] - counts["duplicates"]
    result = Results(
        n_responses=n,
        n_duplicates=counts["duplicates"],
        include_duplicates=include_duplicates,
        by_channel=_published(
            [(label, by_channel.get(value, 0)) for value, label in Response.Channel.choices]
        ),
        by_ward=_published(
            [(w.name, ward_counts.get(w.pk, 0)) for w in wards.values()]
            + [(PREFER_NOT_TO_SAY, ward_counts.get(None, 0))]
        ),
        by_day=_published(by_day),
        outcomes=[_outcome_result(outcome, histograms.get(outcome.number, {})) for outcome in outcomes],
    )
    result.proposed_split = _proposed_split(result.outcomes)
    _weight(result, ward_counts=ward_counts, sums=sums, wards=wards)
    return result


def _points_by_outcome_and_ward(allocations: QuerySet[Allocation]) -> tuple[dict, dict]:
    """In one query: each outcome's histogram (points -> number of responses giving them) and each ward's
    total points per outcome (the weighting's sums)."""
    histograms: dict[int, dict[int, int]] = defaultdict(dict)
    sums: dict[int, dict[int, int]] = defaultdict(dict)
    for number, ward_id, points, n, total in allocations.values_list(
        "outcome__number", "response__ward_id", "points"
    ).annotate(n=Count("id"), total=Sum("points")):
        histograms[number][points] = histograms[number].get(points, 0) + n
        if ward_id is not None:
            sums[ward_id][number] = sums[ward_id].get(number, 0) + total
    return histograms, sums


def _outcome_result(outcome: Outcome, histogram: dict[int, int]) -> OutcomeResult:
    """One outcome's figures, suppressed (None) below the threshold."""
    visible = sum(histogram.values()) >= aggregation.SUPPRESSION_THRESHOLD
    return OutcomeResult(
        number=outcome.number,
        title=outcome.title,
        n=sum(histogram.values()),
        mean=aggregation.mean_of_histogram(histogram) if visible else None,
        ci=aggregation.bootstrap_mean_ci(histogram) if visible else None,
        share_any=aggregation.share_giving_any(histogram) if visible else None,
    )


def _proposed_split(outcomes: list[OutcomeResult]) -> dict[int, int]:
    """The means as whole points (largest remainder); none while any outcome's mean is suppressed."""
    if not outcomes or any(o.mean is None for o in outcomes):
        return {}
    return dict(
        zip(
            [o.number for o in outcomes],
            aggregation.largest_remainder([o.mean for o in outcomes]),
            strict=True,
        )
    )


def _published(breakdown: list[tuple[object, int]]) -> list[tuple[object, int | None]]:
    """A breakdown whose counts add up to the number of responses (which the page shows), with small cells
    and any cell that would give one away hidden (aggregation.suppress_breakdown)."""
    cells, _total = aggregation.suppress_breakdown([count for _, count in breakdown])
    return [(label, cell) for (label, _), cell in zip(breakdown, cells, strict=True)]


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
# A consultation's results and its public page's body are kept in the shared cache (Redis in production, so
# every app server sees the same entry) under its version of topics.RESULTS: a new, withdrawn or moderated
# response makes that consultation's entries stale; a ward population change, every consultation's. The time
# limit only bounds what a write outside the services (a shell) could leave: it is not what keeps them fresh.
RESULTS_CACHE_SECONDS = 60 * 60


def _cached(consultation: Consultation, name: str, compute):
    """compute(), from the shared cache until a write this consultation's results read is announced.

    The key names the creation time as well as the id: a consultation made again with the same id (a test
    database rolled back) must never read the one before's results."""
    made = int(consultation.created_at.timestamp() * 1_000_000)
    return caching.cached(
        f"consultation:{consultation.pk}:{made}:{name}",
        [topics.RESULTS.of(consultation.pk)],
        compute,
        timeout=RESULTS_CACHE_SECONDS,
    )


def cached_results(
    consultation: Consultation,
    *,
    include_duplicates: bool = False,
    for_board: bool = False,
) -> Results:
    """`results(consultation)`, through the shared cache (same figures, no queries when nothing changed).

    The board's live results page keeps entries of its own (`for_board`), apart from the public page's and
    the board's dashboard (which shares the public page's): the same figures, but each page's first view
    after a change works them out itself.
    """
    name = ("board-" if for_board else "") + ("with-duplicates" if include_duplicates else "results")
    return _cached(consultation, name, lambda: results(consultation, include_duplicates=include_duplicates))


def page_number(raw: str | None, count: int, per_page: int) -> int:
    """The page asked for, as Paginator.get_page reads it: 1 when it is not a number, else within 1..last."""
    last = max(1, -(-count // per_page))
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), last)


def cached_public_page(
    consultation: Consultation, raw_page: str | None, render: Callable[[Page], str], *, per_page: int
) -> str:
    """The public results page's body (results and a page of published comments) as `render` makes it
    from a page of `published_comments`, kept in the shared cache under the consultation's results topic (a
    published or hidden comment bumps it too). Anything else the page shows is not in the entry. Only real
    page numbers make entries: the count of published comments is an entry too, and a page's key names the
    count it was paginated with, so a page made with a count read before a write is never read after it."""
    count = _cached(consultation, "published-count", lambda: published_comments(consultation).count())
    number = page_number(raw_page, count, per_page)

    def page() -> Page:
        paginator = Paginator(published_comments(consultation), per_page)
        paginator.count = count  # counted already (a cached_property, so this saves the query)
        return paginator.page(number)

    return _cached(consultation, f"public-page-{number}-of-{count}", lambda: render(page()))


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
