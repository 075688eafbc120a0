"""Reads for tender and bid pages: fixed query counts; the seal applies in every query touching bids."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from knowsley_sv.access import user_has_role
from knowsley_sv.roles import Role

from . import delivery, rules, scoring
from .models import (
    Award,
    Bid,
    Contract,
    ContractKPI,
    DeliveryLine,
    ModeratedScore,
    OfferedIndicator,
    OutcomeShare,
    PanelMember,
    QualityCriterion,
    Tender,
    line_key,
)

PUBLIC_STATUSES = [
    Tender.Status.PUBLISHED,
    Tender.Status.CLOSED,
    Tender.Status.EVALUATING,
    Tender.Status.AWARDED,
    Tender.Status.CANCELLED,
]


def tenders_visible_to(user) -> QuerySet[Tender]:
    """Everyone sees published tenders (and what became of them); commissioners also see drafts."""
    qs = Tender.objects.all()
    if user_has_role(user, Role.COMMISSIONER):
        return qs
    return qs.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False)


def tender_list(*, user, status: str = "", query: str = "") -> QuerySet[Tender]:
    qs = tenders_visible_to(user).select_related("model").order_by("deadline", "reference")
    if status:
        qs = qs.filter(status=status)
    if query:
        query = query.strip()
        qs = qs.filter(
            Q(title__icontains=query) | Q(reference__icontains=query) | Q(service_area__icontains=query)
        )
    return qs


def tender_detail(*, reference: str, user) -> Tender:
    return (
        tenders_visible_to(user)
        .select_related("model")
        .prefetch_related(
            "scale",
            Prefetch("criteria", queryset=QualityCriterion.objects.order_by("number")),
            Prefetch(
                "shares", queryset=OutcomeShare.objects.select_related("outcome").order_by("outcome__number")
            ),
            Prefetch(
                "offered_indicators",
                queryset=OfferedIndicator.objects.select_related("indicator__outcome").order_by(
                    "indicator__outcome__number", "indicator__code"
                ),
            ),
        )
        .get(reference=reference)
    )


def social_value_sections(tender: Tender) -> list[dict]:
    """Per outcome with a share: the share, its points of the total and the indicators offered (no query)."""
    offered = {}
    for item in tender.offered_indicators.all():
        offered.setdefault(item.indicator.outcome_id, []).append(item)
    return [
        {
            "outcome": s.outcome,
            "share": s.share,
            "points": scoring.social_value_points(tender.social_value_weight, s.share),
            "indicators": offered.get(s.outcome_id, []),
        }
        for s in tender.shares.all()
        if s.share > 0
    ]


def opened_bids(*, tender: Tender, user, now=None) -> QuerySet[Bid]:
    """Submitted bids the user may see (none before the deadline, whoever asks)."""
    return (
        Bid.objects.visible_to(user, now=now or timezone.now())
        .filter(tender=tender, status=Bid.Status.SUBMITTED)
        .select_related("supplier")
        .prefetch_related("commitments__indicator")
        .order_by("supplier__name")
    )


# --- Evaluation ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    """A scored line of a tender: a quality criterion, or an outcome with a share of the social value."""

    key: str
    kind: scoring.LineKind
    label: str  # "Q1 Delivery" or "Outcome 3: ..."
    short: str  # "Q1" or "O3", for table headings
    points: Decimal  # of the 100
    minimum: int | None
    criterion: QualityCriterion | None
    share: OutcomeShare | None

    @property
    def scoring_criterion(self) -> scoring.Criterion:
        return scoring.Criterion(self.key, self.kind, self.label, self.points, self.minimum)

    @property
    def ids(self) -> dict:
        return {
            "criterion_id": self.criterion.pk if self.criterion else None,
            "share_id": self.share.pk if self.share else None,
        }


def evaluation_lines(tender: Tender) -> list[Line]:
    """Quality criteria by number, then outcomes with a share above 0 by number (2 queries)."""
    criteria = QualityCriterion.objects.filter(tender=tender).order_by("number")
    shares = (
        OutcomeShare.objects.filter(tender=tender, share__gt=0)
        .select_related("outcome")
        .order_by("outcome__number")
    )
    return [
        Line(
            line_key(c.pk, None),
            scoring.LineKind.QUALITY,
            f"Q{c.number} {c.title}",
            f"Q{c.number}",
            Decimal(c.weight),
            c.minimum_score,
            c,
            None,
        )
        for c in criteria
    ] + [
        Line(
            line_key(None, s.pk),
            scoring.LineKind.SOCIAL_VALUE,
            f"Outcome {s.outcome.number}: {s.outcome.title}",
            f"O{s.outcome.number}",
            scoring.social_value_points(tender.social_value_weight, s.share),
            None,
            None,
            s,
        )
        for s in shares
    ]


def evaluated_bids(tender: Tender) -> QuerySet[Bid]:
    """The bids the panel scores: every submitted bid, once opened (the seal holds before)."""
    return (
        Bid.objects.opened().filter(tender=tender).select_related("supplier").order_by("supplier__name", "pk")
    )


def panel(tender: Tender) -> list[PanelMember]:
    return list(
        PanelMember.objects.filter(tender=tender).select_related("evaluator").order_by("added_at", "pk")
    )


def active_panel(members) -> list[PanelMember]:
    """Members who declared no conflict: the ones whose scores count."""
    return [m for m in members if m.declaration == PanelMember.Declaration.NO_CONFLICT]


def panel_member(tender: Tender, user) -> PanelMember | None:
    return PanelMember.objects.filter(tender=tender, evaluator=user).first()


def scores_by_line(queryset) -> dict[tuple[int, str], list]:
    """(bid id, line key) -> the scores, in one query."""
    grouped: dict[tuple[int, str], list] = {}
    for score in queryset:
        grouped.setdefault((score.bid_id, score.line_key), []).append(score)
    return grouped


def moderated_count(bid: Bid) -> int:
    """How many of the bid's lines have a consensus score."""
    return ModeratedScore.objects.filter(bid=bid).count()


def moderated_scores(tender: Tender) -> dict[tuple[int, str], ModeratedScore]:
    return {
        (m.bid_id, m.line_key): m
        for m in ModeratedScore.objects.filter(bid__tender=tender).select_related("moderated_by")
    }


@dataclass
class Evaluation:
    """Everything the report, the award and the summaries show, from a fixed number of queries."""

    tender: Tender
    lines: list[Line]
    bids: list[Bid]
    moderated: dict[tuple[int, str], ModeratedScore]
    results: dict[int, scoring.BidResult] = field(default_factory=dict)  # bid id -> result, once complete
    committed: dict[int, Decimal] = field(default_factory=dict)  # bid id -> committed social value £

    @property
    def complete(self) -> bool:
        return bool(self.bids) and all(
            (b.pk, line.key) in self.moderated for b in self.bids for line in self.lines
        )

    @property
    def outstanding(self) -> int:
        return sum((b.pk, line.key) not in self.moderated for b in self.bids for line in self.lines)

    @property
    def ranked_count(self) -> int:
        """How many bids are ranked: the compliant ones."""
        return sum(result.rank is not None for result in self.results.values())

    def ranked(self) -> list[tuple[Bid, scoring.BidResult]]:
        """Bids in rank order, then the bids not ranked (not compliant)."""
        pairs = [(b, self.results[b.pk]) for b in self.bids]
        return sorted(pairs, key=lambda p: (p[1].rank is None, p[1].rank or 0, p[0].supplier.name))


def evaluation(tender: Tender) -> Evaluation:
    """The moderated scores, the calculation (once every line of every bid is moderated) and the committed
    social value per bid, summed in the database. 6 queries, whatever the number of bids."""
    lines = evaluation_lines(tender)
    bids = list(
        evaluated_bids(tender).annotate(
            committed_value=Sum(
                F("commitments__quantity") * F("commitments__indicator__proxy_value"),
                output_field=DecimalField(max_digits=30, decimal_places=4),
            )
        )
    )
    result = Evaluation(tender=tender, lines=lines, bids=bids, moderated=moderated_scores(tender))
    result.committed = {b.pk: scoring.to_pennies(b.committed_value or Decimal(0)) for b in bids}
    if result.complete:
        computed = scoring.evaluate(
            price_weight=tender.price_weight,
            formula=tender.price_formula,
            criteria=[line.scoring_criterion for line in lines],
            bids=[
                scoring.BidScores(
                    str(b.pk), b.price, {line.key: result.moderated[(b.pk, line.key)].value for line in lines}
                )
                for b in bids
            ],
        )
        result.results = {int(r.key): r for r in computed}
    return result


# --- Delivery -----------------------------------------------------------------------------------------
@dataclass
class KpiPerformance:
    kpi: ContractKPI
    committed_value: Decimal | None  # £, None without a proxy
    expected: Decimal  # quantity expected to date, exact
    delivered: Decimal  # verified quantity
    pending: Decimal  # reported but not yet verified (or queried)
    status: str  # delivery.GREEN / AMBER / RED / NOT_STARTED

    @property
    def expected_value(self) -> Decimal | None:
        return (
            None if self.kpi.proxy_value is None else scoring.to_pennies(self.expected * self.kpi.proxy_value)
        )

    @property
    def delivered_value(self) -> Decimal | None:
        return (
            None
            if self.kpi.proxy_value is None
            else scoring.to_pennies(self.delivered * self.kpi.proxy_value)
        )

    @property
    def percent(self) -> Decimal | None:
        return delivery.percent_of(self.delivered, self.expected)


@dataclass(frozen=True)
class SupplierBid:
    bid: Bid
    outcome: str  # rules.bid_outcome: won, not successful, still open, withdrawn...


def supplier_bids(*, user, now=None) -> list[SupplierBid]:
    """The supplier's own bids, newest first, each with what became of it: one query however many."""
    now = now or timezone.now()
    bids = (
        Bid.objects.visible_to(user, now=now)
        .select_related("tender")
        .annotate(won=Exists(Award.objects.filter(bid=OuterRef("pk"))))
        .order_by("-updated_at", "-pk")
    )
    return [
        SupplierBid(
            bid=bid,
            outcome=rules.bid_outcome(
                bid_status=bid.status,
                tender_status=bid.tender.status,
                won=bid.won,
                deadline_passed=bid.tender.deadline <= now,
            ),
        )
        for bid in bids
    ]


def contracts_visible_to(user) -> QuerySet[Contract]:
    """Commissioners and board members see every contract; a supplier sees its own; nobody else any."""
    qs = Contract.objects.select_related("award__tender", "award__bid__supplier")
    if user_has_role(user, Role.COMMISSIONER, Role.BOARD_MEMBER):
        return qs
    if user_has_role(user, Role.SUPPLIER):
        member = getattr(user, "supplier_member", None)
        return qs.filter(award__bid__supplier_id=member.organisation_id) if member else qs.none()
    return qs.none()


def contract_performance(contract: Contract, today=None) -> list[KpiPerformance]:
    """Per KPI: committed, expected to date (pro rata), verified delivered and awaiting checks, with RAG.
    2 queries: the KPIs, and the delivered sums grouped in the database."""
    today = today or timezone.localdate()
    kpis = list(contract.kpis.all())
    sums = {
        row["kpi_id"]: row
        for row in DeliveryLine.objects.filter(report__contract=contract)
        .values("kpi_id")
        .annotate(
            delivered=Sum("quantity", filter=Q(status=DeliveryLine.Status.VERIFIED)),
            pending=Sum("quantity", filter=~Q(status=DeliveryLine.Status.VERIFIED)),
        )
    }
    result = []
    for kpi in kpis:
        row = sums.get(kpi.pk, {})
        delivered = row.get("delivered") or Decimal(0)
        expected = delivery.expected_to_date(kpi.committed, contract.start_date, contract.end_date, today)
        result.append(
            KpiPerformance(
                kpi=kpi,
                committed_value=None
                if kpi.proxy_value is None
                else scoring.to_pennies(kpi.committed * kpi.proxy_value),
                expected=expected,
                delivered=delivered,
                pending=row.get("pending") or Decimal(0),
                status=delivery.rag(delivered, expected),
            )
        )
    return result


def contract_statuses(contracts: list[Contract], today=None) -> dict[int, tuple[str | None, int]]:
    """Per contract id: the worst RAG of its KPIs (None without KPIs) and the lines waiting for checks. Two
    queries for any number of contracts (the KPIs, and verified sums and waiting counts grouped per KPI in the
    database); the same figures as `contract_performance`, which works one contract at a time."""
    today = today or timezone.localdate()
    if not contracts:
        return {}
    ids = [c.pk for c in contracts]
    kpis = ContractKPI.objects.filter(contract_id__in=ids).values_list("pk", "contract_id", "committed")
    sums = {
        row["kpi_id"]: row
        for row in DeliveryLine.objects.filter(kpi__contract_id__in=ids)
        .values("kpi_id")
        .annotate(
            delivered=Sum("quantity", filter=Q(status=DeliveryLine.Status.VERIFIED)),
            waiting=Count("pk", filter=Q(status=DeliveryLine.Status.PENDING)),
        )
    }
    by_id = {c.pk: c for c in contracts}
    statuses: dict[int, list[str]] = {pk: [] for pk in ids}
    waiting = dict.fromkeys(ids, 0)
    for kpi_id, contract_id, committed in kpis:
        contract, row = by_id[contract_id], sums.get(kpi_id, {})
        expected = delivery.expected_to_date(committed, contract.start_date, contract.end_date, today)
        statuses[contract_id].append(delivery.rag(row.get("delivered") or Decimal(0), expected))
        waiting[contract_id] += row.get("waiting") or 0
    worst_first = [delivery.RED, delivery.AMBER, delivery.GREEN, delivery.NOT_STARTED]
    return {
        pk: (min(statuses[pk], key=worst_first.index) if statuses[pk] else None, waiting[pk]) for pk in ids
    }


def audit_events_unsealed(events: QuerySet) -> QuerySet:
    """Audit events without those about bids not yet opened (a bid's revisions): until the opening they would
    tell the council that a bid exists. Registered with the core's audit trail in apps.py."""
    opened = Bid.objects.opened().annotate(key=Cast("pk", CharField())).values("key")
    bid_type = ContentType.objects.get_for_model(Bid)
    return events.exclude(Q(target_type=bid_type) & ~Q(target_id__in=opened))
