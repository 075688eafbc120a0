"""e. Consultation participation, and f. residents' priorities against how tenders are weighted."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.utils import timezone

from consultation.models import Consultation
from consultation.selectors import cached_results
from knowsley_sv import formatting
from procurement.models import OutcomeShare, Tender

from ..arithmetic import ratio, to_pennies, to_tenth
from ..filters import Filters
from ..years import moment_bounds
from .common import MONEY

NO_CONSULTATION = "No consultation has closed yet, so there are no residents' priorities to compare."
NO_SPLIT = (
    "The latest closed consultation, {title}, had too few responses to publish a proposed split, "
    "so there are no residents' priorities to compare."
)
NO_TENDERS = "No tender with a social value weight has been published since {title} closed."


# --- e. Consultation participation --------------------------------------------------------------------------
@dataclass(frozen=True)
class Participation:
    title: str
    slug: str
    opens_on: date
    closes_on: date
    responses: int


def participation(filters: Filters) -> list[Participation]:
    """Consultations opened in the year with their responses, suspected duplicates left out. One query."""
    qs = Consultation.objects.all()
    if filters.year:
        first, after = moment_bounds(filters.year)
        qs = qs.filter(opens_at__gte=first, opens_at__lt=after)
    rows = (
        qs.annotate(n=Count("responses", filter=Q(responses__is_suspected_duplicate=False)))
        .order_by("opens_at", "pk")
        .values_list("title", "slug", "opens_at", "closes_at", "n")
    )
    return [
        Participation(title, slug, timezone.localdate(opens), timezone.localdate(closes), n)
        for title, slug, opens, closes, n in rows
    ]


# --- f. Residents' priorities against tender weighting ------------------------------------------------------
@dataclass(frozen=True)
class PriorityRow:
    number: int
    title: str
    residents: int | None  # the consultation's proposed split, whole %
    tenders: Decimal | None  # estimated-value-weighted average share, % to 0.1
    difference: Decimal | None  # tenders − residents, points to 0.1


@dataclass(frozen=True)
class Priorities:
    consultation: Consultation | None
    responses: int
    has_split: bool
    tenders: int
    tenders_value: Decimal
    rows: list[PriorityRow] = field(default_factory=list)

    @property
    def note(self) -> str:
        if self.consultation is None:
            return NO_CONSULTATION
        closed = formatting.day(self.consultation.closes_at)
        parts = []
        if self.has_split:
            parts.append(
                f"Residents: the proposed split of {self.consultation.title} (closed {closed}, "
                f"{self.responses} response{'' if self.responses == 1 else 's'})."
            )
        else:
            parts.append(NO_SPLIT.format(title=self.consultation.title))
        if self.tenders:
            parts.append(
                f"Tenders: {self.tenders} published since it closed with a social value weight, "
                f"estimated value {formatting.money(self.tenders_value)}."
            )
        else:
            parts.append(NO_TENDERS.format(title=self.consultation.title))
        return " ".join(parts)


@dataclass(frozen=True)
class TenderSplit:
    """How a set of tenders split their social value weight across the outcomes, each tender counting in
    proportion to its estimated value."""

    tenders: int
    value: Decimal  # Σ estimated value, exact
    weighted: Mapping[int, Decimal]  # outcome number -> Σ share × estimated value


def tender_split(tenders: QuerySet[Tender]) -> TenderSplit:
    """The value-weighted outcome split of the tenders (those with a social value weight above 0). Two
    queries."""
    weighted_tenders = tenders.filter(social_value_weight__gt=0)
    totals = weighted_tenders.aggregate(n=Count("id"), value=Sum("estimated_value"))
    weighted = dict(
        OutcomeShare.objects.filter(tender__in=weighted_tenders)
        .order_by()
        .values_list("outcome__number")
        .annotate(w=Sum(F("share") * F("tender__estimated_value"), output_field=MONEY))
    )
    return TenderSplit(totals["n"], totals["value"] or Decimal(0), weighted)


def priority_rows(
    numbers: Iterable[int], *, titles: Mapping[int, str], residents: Mapping[int, int], tenders: TenderSplit
) -> list[PriorityRow]:
    """Residents' proposed split beside the tenders' split (% to 0.1), and the gap (tenders − residents) in
    points to 0.1, worked from the exact tenders' share (pure)."""
    rows = []
    for n in numbers:
        exact = ratio(tenders.weighted.get(n) or Decimal(0), tenders.value)
        mine = residents.get(n) if residents else None
        rows.append(
            PriorityRow(
                number=n,
                title=titles.get(n, ""),
                residents=mine,
                tenders=None if exact is None else to_tenth(exact),
                difference=None if exact is None or mine is None else to_tenth(exact - mine),
            )
        )
    return rows


def latest_closed(before: datetime) -> Consultation | None:
    """The consultation that closed last at or before `before` (one query)."""
    return Consultation.objects.closed(before).order_by("-closes_at", "-pk").first()


def priorities(filters: Filters, *, titles: Mapping[int, str], now: datetime | None = None) -> Priorities:
    """The proposed split of the latest closed consultation against the split of tenders published since
    it closed (not cancelled, with a social value weight above 0), each tender counting in proportion to
    its estimated value. Outcome filter only. 1 + 7 (consultation results, none when cached) + 2 queries."""
    consultation = latest_closed(now or timezone.now())
    if consultation is None:
        return Priorities(None, 0, False, 0, Decimal(0))
    outcome = cached_results(consultation)  # the public results page's entry in the shared cache
    split = outcome.proposed_split
    tenders = tender_split(
        Tender.objects.filter(published_at__gte=consultation.closes_at)
        .exclude(status=Tender.Status.CANCELLED)
        .exclude(published_at__isnull=True)
    )
    return Priorities(
        consultation=consultation,
        responses=outcome.n_responses,
        has_split=bool(split),
        tenders=tenders.tenders,
        tenders_value=to_pennies(tenders.value),
        rows=priority_rows(filters.outcomes, titles=titles, residents=split, tenders=tenders),
    )


def next_closing(now: datetime) -> datetime | None:
    """When the next consultation closes: the priorities change then, with no write (one query)."""
    return Consultation.objects.filter(closes_at__gt=now).aggregate(next=Min("closes_at"))["next"]
