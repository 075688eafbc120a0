"""e. Consultation participation, and f. residents' priorities against how tenders are weighted."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, Min, Q, Sum
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


def priorities(filters: Filters, *, titles: Mapping[int, str], now: datetime | None = None) -> Priorities:
    """The proposed split of the latest closed consultation against the split of tenders published since
    it closed (not cancelled, with a social value weight above 0), each tender counting in proportion to
    its estimated value. Outcome filter only. 1 + 7 (consultation results, none when cached) + 2 queries."""
    now = now or timezone.now()
    consultation = Consultation.objects.closed(now).order_by("-closes_at", "-pk").first()
    if consultation is None:
        return Priorities(None, 0, False, 0, Decimal(0))
    outcome = cached_results(consultation)  # the public results page's entry in the shared cache
    split = outcome.proposed_split
    tenders = (
        Tender.objects.filter(published_at__gte=consultation.closes_at, social_value_weight__gt=0)
        .exclude(status=Tender.Status.CANCELLED)
        .exclude(published_at__isnull=True)
    )
    totals = tenders.aggregate(n=Count("id"), value=Sum("estimated_value"))
    total_value = totals["value"] or Decimal(0)
    weighted = dict(
        OutcomeShare.objects.filter(tender__in=tenders)
        .order_by()
        .values_list("outcome__number")
        .annotate(w=Sum(F("share") * F("tender__estimated_value"), output_field=MONEY))
    )
    rows = []
    for n in filters.outcomes:
        exact = ratio(weighted.get(n) or Decimal(0), total_value)
        residents = split.get(n) if split else None
        rows.append(
            PriorityRow(
                number=n,
                title=titles.get(n, ""),
                residents=residents,
                tenders=None if exact is None else to_tenth(exact),
                difference=None if exact is None or residents is None else to_tenth(exact - residents),
            )
        )
    return Priorities(
        consultation=consultation,
        responses=outcome.n_responses,
        has_split=bool(split),
        tenders=totals["n"],
        tenders_value=to_pennies(total_value),
        rows=rows,
    )


def next_closing(now: datetime) -> datetime | None:
    """When the next consultation closes: the priorities change then, with no write (one query)."""
    return Consultation.objects.filter(closes_at__gt=now).aggregate(next=Min("closes_at"))["next"]
