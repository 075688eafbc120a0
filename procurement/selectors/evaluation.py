"""Reads for evaluation, moderation and the award: the lines a tender is scored on, the bids the panel
scores, and the whole evaluation from a fixed number of queries."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, QuerySet, Sum

from .. import scoring
from ..models import Bid, ModeratedScore, OutcomeShare, PanelMember, QualityCriterion, Tender, line_key


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
