"""The database is the backstop: each rule of a tender or a bid is a constraint that holds even when the
services and forms are bypassed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from outcomes.models import Indicator, Organisation, Outcome, SocialValueModel
from procurement.models import (
    Bid,
    Commitment,
    ModeratedScore,
    OutcomeShare,
    PanelMember,
    QualityCriterion,
    Score,
    Tender,
)

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def _tender(**overrides) -> Tender:
    fields = {
        "reference": "KSV-TEST-0001",
        "title": "Street lighting",
        "specification": "Keep the lights on.",
        "service_area": "Highways",
        "estimated_value": Decimal("100000"),
        "model": SocialValueModel.objects.get(version=1),
        "deadline": timezone.now() + timedelta(days=7),
        **overrides,
    }
    return Tender.objects.create(**fields)


def _organisation(name: str) -> Organisation:
    return Organisation.objects.create(
        name=name, sector=Organisation.Sector.PRIVATE, size=Organisation.Size.SMALL
    )


def _published(**overrides) -> Tender:
    return _tender(status=Tender.Status.PUBLISHED, published_at=timezone.now(), **overrides)


def _refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# --- Tender -------------------------------------------------------------------------------------------
def test_a_valid_tender_saves():
    tender = _tender(price_weight=50, quality_weight=30, social_value_weight=20)
    assert Tender.objects.filter(pk=tender.pk).exists()


@pytest.mark.parametrize(
    "weights",
    [(50, 30, 15), (50, 30, 25), (0, 0, 0), (100, 0, 1), (40, 40, 40)],
    ids=lambda w: "/".join(map(str, w)),
)
def test_weights_must_total_100(weights):
    price, quality, social_value = weights
    _refused(lambda: _tender(price_weight=price, quality_weight=quality, social_value_weight=social_value))


def test_social_value_under_10_needs_a_justification():
    _refused(lambda: _tender(price_weight=60, quality_weight=35, social_value_weight=5))
    _refused(
        lambda: _tender(
            price_weight=60, quality_weight=40, social_value_weight=0, social_value_justification=""
        )
    )
    justified = _tender(
        price_weight=60,
        quality_weight=35,
        social_value_weight=5,
        social_value_justification="A one-off purchase of specialist equipment.",
    )
    assert justified.social_value_weight == 5


def test_social_value_of_exactly_10_needs_no_justification():
    assert _tender(price_weight=60, quality_weight=30, social_value_weight=10).pk


def test_an_unknown_status_is_refused():
    _refused(lambda: _tender(status="open"))


def test_an_unknown_price_formula_is_refused():
    _refused(lambda: _tender(price_formula="lowest"))


def test_the_reference_is_unique():
    _tender(reference="KSV-TEST-0009")
    _refused(lambda: _tender(reference="KSV-TEST-0009"))


def test_a_published_tender_has_a_publication_date_and_a_cancelled_one_a_cancellation_date():
    _refused(lambda: _tender(status=Tender.Status.PUBLISHED, published_at=None))
    _refused(lambda: _tender(status=Tender.Status.CANCELLED, cancelled_at=None))


# --- Criteria and split -------------------------------------------------------------------------------
def test_a_criterion_number_is_used_once_per_tender():
    tender = _tender()
    QualityCriterion.objects.create(tender=tender, number=1, title="Method", question="How?", weight=20)
    _refused(
        lambda: QualityCriterion.objects.create(
            tender=tender, number=1, title="Staff", question="Who?", weight=10
        )
    )
    other = _tender(reference="KSV-TEST-0002")
    assert QualityCriterion.objects.create(tender=other, number=1, title="M", question="Q", weight=30).pk


def test_a_criterion_weight_is_between_1_and_100():
    tender = _tender()
    _refused(
        lambda: QualityCriterion.objects.create(tender=tender, number=1, title="M", question="Q", weight=0)
    )
    _refused(
        lambda: QualityCriterion.objects.create(tender=tender, number=2, title="M", question="Q", weight=101)
    )


def test_an_outcome_share_is_at_most_100():
    tender = _tender()
    outcome = Outcome.objects.get(model=tender.model, number=1)
    _refused(lambda: OutcomeShare.objects.create(tender=tender, outcome=outcome, share=101))
    assert OutcomeShare.objects.create(tender=tender, outcome=outcome, share=100).pk


def test_an_outcome_is_shared_once_per_tender():
    tender = _tender()
    outcome = Outcome.objects.get(model=tender.model, number=1)
    OutcomeShare.objects.create(tender=tender, outcome=outcome, share=50)
    _refused(lambda: OutcomeShare.objects.create(tender=tender, outcome=outcome, share=50))


# --- Bids ---------------------------------------------------------------------------------------------
def test_one_active_bid_per_supplier_per_tender():
    tender, supplier = _published(), _organisation("Acme Paving Ltd")
    Bid.objects.create(tender=tender, supplier=supplier)
    _refused(lambda: Bid.objects.create(tender=tender, supplier=supplier))
    _refused(
        lambda: Bid.objects.create(
            tender=tender,
            supplier=supplier,
            status=Bid.Status.SUBMITTED,
            price=Decimal("10"),
            submitted_at=timezone.now(),
        )
    )


def test_a_withdrawn_bid_does_not_count_as_active():
    tender, supplier = _published(), _organisation("Acme Paving Ltd")
    Bid.objects.create(tender=tender, supplier=supplier, status=Bid.Status.WITHDRAWN)
    Bid.objects.create(tender=tender, supplier=supplier, status=Bid.Status.WITHDRAWN)
    active = Bid.objects.create(tender=tender, supplier=supplier)
    assert list(Bid.objects.filter(tender=tender).active()) == [active]
    _refused(lambda: Bid.objects.create(tender=tender, supplier=supplier))


def test_other_suppliers_and_other_tenders_may_bid():
    tender, supplier = _published(), _organisation("Acme Paving Ltd")
    Bid.objects.create(tender=tender, supplier=supplier)
    Bid.objects.create(tender=tender, supplier=_organisation("Brick Lane Builders"))
    Bid.objects.create(tender=_published(reference="KSV-TEST-0002"), supplier=supplier)
    assert Bid.objects.count() == 3


@pytest.mark.parametrize("price", ["0", "0.00", "-0.01", "-1000"])
def test_a_bid_price_must_be_more_than_0(price):
    tender, supplier = _published(), _organisation("Acme Paving Ltd")
    _refused(lambda: Bid.objects.create(tender=tender, supplier=supplier, price=Decimal(price)))


def test_a_draft_bid_may_have_no_price_yet():
    bid = Bid.objects.create(tender=_published(), supplier=_organisation("Acme Paving Ltd"), price=None)
    assert bid.price is None


def test_a_submitted_bid_has_a_price_and_a_submission_time():
    tender, supplier = _published(), _organisation("Acme Paving Ltd")
    _refused(
        lambda: Bid.objects.create(
            tender=tender, supplier=supplier, status=Bid.Status.SUBMITTED, submitted_at=timezone.now()
        )
    )
    _refused(
        lambda: Bid.objects.create(
            tender=tender, supplier=supplier, status=Bid.Status.SUBMITTED, price=Decimal("10")
        )
    )
    complete = Bid.objects.create(
        tender=tender,
        supplier=supplier,
        status=Bid.Status.SUBMITTED,
        price=Decimal("10"),
        submitted_at=timezone.now(),
    )
    assert complete.pk


def test_an_unknown_bid_status_is_refused():
    _refused(lambda: Bid.objects.create(tender=_published(), supplier=_organisation("A Ltd"), status="sent"))


def test_a_commitment_quantity_cannot_be_negative():
    bid = Bid.objects.create(tender=_published(), supplier=_organisation("Acme Paving Ltd"))
    indicator = Indicator.objects.get(outcome__model=bid.tender.model, code="1.1")
    _refused(lambda: Commitment.objects.create(bid=bid, indicator=indicator, quantity=Decimal("-1")))
    assert Commitment.objects.create(bid=bid, indicator=indicator, quantity=Decimal("0")).pk


def test_a_bid_commits_to_an_indicator_once():
    bid = Bid.objects.create(tender=_published(), supplier=_organisation("Acme Paving Ltd"))
    indicator = Indicator.objects.get(outcome__model=bid.tender.model, code="1.1")
    Commitment.objects.create(bid=bid, indicator=indicator, quantity=Decimal("3"))
    _refused(lambda: Commitment.objects.create(bid=bid, indicator=indicator, quantity=Decimal("4")))


# --- Scores -------------------------------------------------------------------------------------------
# A score's kind (scoring.LineKind) is the line it is for: a quality criterion or an outcome's share. The
# database holds a score to exactly one of the two, so no score is of neither kind or of both.
def _score_row(model):
    bid = Bid.objects.create(tender=_published(), supplier=_organisation("Acme Paving Ltd"))
    user = UserFactory()
    if model is Score:
        member = PanelMember.objects.create(tender=bid.tender, evaluator=user)
        return lambda **kind: Score.objects.create(
            panel_member=member, bid=bid, value=60, justification="Sound", **kind
        )
    return lambda **kind: ModeratedScore.objects.create(
        bid=bid, value=60, rationale="Agreed", moderated_by=user, moderated_at=timezone.now(), **kind
    )


@pytest.mark.parametrize("model", [Score, ModeratedScore], ids=lambda m: m.__name__)
def test_a_score_is_for_exactly_one_line_so_of_exactly_one_kind(model):
    create = _score_row(model)
    tender = Bid.objects.get().tender
    criterion = QualityCriterion.objects.create(tender=tender, number=1, title="M", question="Q", weight=30)
    share = OutcomeShare.objects.create(
        tender=tender, outcome=Outcome.objects.get(model=tender.model, number=1), share=100
    )
    _refused(lambda: create())
    _refused(lambda: create(criterion=criterion, share=share))
    assert create(criterion=criterion).pk and create(share=share).pk
