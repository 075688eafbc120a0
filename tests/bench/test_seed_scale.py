"""seed_scale at a tiny size: exact counts, the same data for the same seed, every database constraint
met (the database checks them as the rows go in), and a fully evaluated, awarded report tender."""

import random
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from bench.management.commands.seed_scale import _split
from consultation.aggregation import largest_remainder
from consultation.models import Allocation, Comment, Consultation, Response
from knowsley_sv.models import User
from outcomes.models import Organisation
from procurement.models import (
    Award,
    Bid,
    Commitment,
    Contract,
    ContractKPI,
    DeliveryLine,
    DeliveryReport,
    ModeratedScore,
    PanelMember,
    Score,
    Tender,
)
from procurement.selectors import delivery as delivery_selectors
from procurement.selectors import evaluation as evaluation_selectors
from procurement.services import award as award_services

pytestmark = pytest.mark.django_db

TINY = {
    "responses": 300,
    "consultations": 2,
    "tenders": 30,
    "bids": 200,
    "contracts": 10,
    "quarters": 2,
    "suppliers": 40,
    "report_bids": 12,
}


def _seed(**options) -> str:
    out = StringIO()
    call_command(
        "seed_scale",
        allow_without_debug=True,
        anchor_date=options.pop("anchor_date", timezone.localdate()),
        stdout=out,
        **{**TINY, **options},
    )
    return out.getvalue()


def _report_reference(output: str) -> str:
    return re.search(r"Evaluation report tender: (KSV-\d{4}-\d{4})", output).group(1)


def test_tiny_run_makes_exactly_the_rows_asked_for():
    output = _seed()

    assert Consultation.objects.count() == 2
    assert Response.objects.count() == 300 and Allocation.objects.count() == 300 * 6
    assert set(Response.objects.values_list("channel", flat=True)) == {"online", "paper", "event"}
    assert Response.objects.values("ward").distinct().count() > 10
    points = Allocation.objects.values("response").annotate(n=Count("id")).values_list("n", flat=True)
    assert set(points) == {6}
    assert Tender.objects.count() == 30
    # 10 contracted + the report tender + 19 others split 30/12/10/10/22/16 by the largest remainder
    assert Counter(Tender.objects.values_list("status", flat=True)) == {
        "awarded": 13,
        "published": 6,
        "draft": 4,
        "cancelled": 3,
        "closed": 2,
        "evaluating": 2,
    }
    assert Bid.objects.count() == 200
    assert not Bid.objects.filter(status="submitted", commitments__isnull=True).exists()
    assert Award.objects.count() == 13 and Contract.objects.count() == 10
    assert DeliveryReport.objects.count() == 10 * 2
    assert set(
        DeliveryReport.objects.values("contract").annotate(n=Count("id")).values_list("n", flat=True)
    ) == {2}
    assert set(DeliveryLine.objects.values_list("status", flat=True)) == {"verified", "queried", "pending"}
    assert Organisation.objects.filter(supplier_members__isnull=False).count() == 40
    assert set(Organisation.objects.values_list("sector", flat=True)) == set(Organisation.Sector.values)
    assert set(Organisation.objects.values_list("size", flat=True)) == set(Organisation.Size.values)
    scale_users = User.objects.filter(username__startswith="scale.")
    assert scale_users.count() == 3 + 6 + 12 + 40
    assert not any(u.has_usable_password() for u in scale_users)
    assert "responses 300" in output and "Done in" in output


def test_contracts_carry_the_winning_commitments_and_delivery_varies():
    _seed()
    for contract in Contract.objects.select_related("award__bid"):
        committed = sorted(
            Commitment.objects.filter(bid=contract.award.bid).values_list("indicator_id", "quantity")
        )
        assert sorted(contract.kpis.values_list("indicator_id", "committed")) == committed
        assert contract.value == contract.award.bid.price
        assert contract.start_date > contract.award.standstill_ends
    assert not ContractKPI.objects.filter(proxy_value__isnull=True).exists()
    today = timezone.localdate()
    states = {
        p.status for c in Contract.objects.all() for p in delivery_selectors.contract_performance(c, today)
    }
    assert states == {"green", "amber", "red"}


def test_report_tender_has_a_complete_evaluation_and_an_award():
    reference = _report_reference(_seed())

    tender = Tender.objects.get(reference=reference)
    evaluation = evaluation_selectors.evaluation(tender)
    assert evaluation.complete and len(evaluation.bids) == TINY["report_bids"]
    panel = PanelMember.objects.filter(tender=tender)
    assert panel.count() == 3 and all(m.declaration == "none" and m.submitted_at for m in panel)
    lines = len(evaluation.lines)
    assert Score.objects.filter(bid__tender=tender).count() == 3 * TINY["report_bids"] * lines
    assert ModeratedScore.objects.filter(bid__tender=tender).count() == TINY["report_bids"] * lines
    (top, result), *_ = evaluation.ranked()
    assert tender.award.bid == top and result.rank == 1
    # Every award holds the snapshot the app itself takes of the evaluation
    for award in Award.objects.select_related("tender"):
        assert award.results == award_services._results_snapshot(
            evaluation_selectors.evaluation(award.tender)
        )
    # The bench harness takes the awarded tender with the most bids: this one
    most = Award.objects.annotate(n=Count("tender__bids")).order_by("-n", "-id").first()
    assert most.tender == tender


def _fingerprint() -> dict:
    """The seeded data by natural keys, so that it compares across runs whatever ids the rows got."""
    return {
        "organisations": list(
            Organisation.objects.order_by("name").values_list(
                "name", "sector", "size", "is_local", "local_basis", "postcode", "ward__name", "created_at"
            )
        ),
        "users": list(User.objects.order_by("username").values_list("username", "first_name", "date_joined")),
        "consultations": list(
            Consultation.objects.order_by("slug").values_list("slug", "opens_at", "closes_at")
        ),
        "responses": list(
            Response.objects.order_by("receipt_code").values_list(
                "receipt_code",
                "consultation__slug",
                "submitted_at",
                "channel",
                "ward__name",
                "age_band",
                "lives_in_borough",
                "consent_to_quote",
                "entered_by__username",
            )
        ),
        "allocations": list(
            Allocation.objects.order_by("response__receipt_code", "outcome__number").values_list("points")
        ),
        "comments": list(
            Comment.objects.order_by("response__receipt_code", "outcome__number").values_list(
                "text", "status", "published_text", "moderated_at"
            )
        ),
        "tenders": list(
            Tender.objects.order_by("reference").values_list(
                "reference",
                "title",
                "status",
                "estimated_value",
                "deadline",
                "social_value_weight",
                "quality_weight",
                "created_at",
                "published_at",
            )
        ),
        "bids": list(
            Bid.objects.order_by("tender__reference", "supplier__name").values_list(
                "tender__reference", "supplier__name", "status", "price", "created_at", "submitted_at"
            )
        ),
        "commitments": list(
            Commitment.objects.order_by(
                "bid__tender__reference", "bid__supplier__name", "indicator__code"
            ).values_list("indicator__code", "quantity")
        ),
        "scores": list(
            Score.objects.order_by(
                "bid__tender__reference",
                "bid__supplier__name",
                "panel_member__evaluator__username",
                "criterion__number",
                "share__outcome__number",
            ).values_list("value", "justification", "updated_at")
        ),
        "moderated": list(
            ModeratedScore.objects.order_by(
                "bid__tender__reference", "bid__supplier__name", "criterion__number", "share__outcome__number"
            ).values_list("value", "flagged", "moderated_at")
        ),
        "awards": sorted(
            (
                a.tender.reference,
                a.bid.supplier.name,
                a.awarded_at,
                a.standstill_ends,
                sorted((b["supplier"], b["total"], b["rank"]) for b in a.results["bids"].values()),
            )
            for a in Award.objects.select_related("tender", "bid__supplier")
        ),
        "contracts": list(
            Contract.objects.order_by("award__tender__reference").values_list(
                "start_date", "end_date", "value", "entered_at"
            )
        ),
        "lines": list(
            DeliveryLine.objects.order_by(
                "report__contract__award__tender__reference", "report__period_start", "kpi__code"
            ).values_list("quantity", "status", "reviewed_by__username", "reviewed_at", "question")
        ),
    }


def _first_run_rolled_back(today, **options) -> dict:
    """Seed, take the fingerprint, and roll back to the freshly migrated database."""
    with transaction.atomic():
        _seed(anchor_date=today, **options)
        fingerprint = _fingerprint()
        transaction.set_rollback(True)
    assert not Tender.objects.exists() and not Response.objects.exists()
    return fingerprint


def test_the_same_seed_gives_the_same_data():
    today = timezone.localdate()
    first = _first_run_rolled_back(today)
    _seed(anchor_date=today)
    assert _fingerprint() == first
    assert len(first["responses"]) == 300 and len(first["lines"]) > 0


def test_another_seed_gives_other_data():
    today = timezone.localdate()
    first = _first_run_rolled_back(today)
    _seed(anchor_date=today, seed=2)
    other = _fingerprint()
    assert other["responses"] != first["responses"] and other["bids"] != first["bids"]
    assert len(other["responses"]) == len(first["responses"])


def test_refuses_without_debug_and_a_second_time():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_scale", **TINY)
    _seed()
    with pytest.raises(CommandError, match="already run"):
        _seed()


def test_refuses_too_few_bids_for_the_tenders():
    with pytest.raises(CommandError, match="--bids 20 is too few"):
        _seed(bids=20)
    assert not Tender.objects.exists()  # nothing half-loaded


def test_split_is_the_largest_remainder_method():
    rng = random.Random(5)
    for _ in range(500):
        weights = [rng.choice([0, rng.randint(0, 1000)]) for _ in range(rng.randint(1, 8))]
        weights[0] += 1
        total = rng.choice([100, 20, 10, rng.randint(0, 500)])
        assert _split(weights, total) == largest_remainder(weights, total=total)
