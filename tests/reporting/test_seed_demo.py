from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max
from django.utils import timezone

from consultation.models import Consultation, Response
from knowsley_sv.models import AuditEvent, User
from outcomes.models import BoardMembership, ModelReview, Organisation, SocialValueModel
from procurement import delivery
from procurement.models import Award, Bid, Contract, DeliveryLine, ModeratedScore, Score, Tender
from procurement.selectors import contracts as contract_selectors
from procurement.selectors import delivery as delivery_selectors

pytestmark = pytest.mark.django_db

WORST_FIRST = [delivery.RED, delivery.AMBER, delivery.GREEN, delivery.NOT_STARTED]


def _counts():
    return [
        m.objects.count()
        for m in (
            User,
            Organisation,
            SocialValueModel,
            Consultation,
            Response,
            Tender,
            Bid,
            AuditEvent,
            Score,
        )
    ]


def test_seed_demo_fills_every_area_and_a_second_run_changes_nothing(capsys):
    call_command("seed_demo", allow_without_debug=True)
    first = _counts()
    call_command("seed_demo", allow_without_debug=True)
    assert _counts() == first
    assert set(Organisation.objects.values_list("sector", flat=True)) == set(Organisation.Sector.values)
    assert set(Tender.objects.values_list("status", flat=True)) >= {
        "draft",
        "published",
        "closed",
        "cancelled",
        "evaluating",
        "awarded",
    }
    awards = Award.objects.select_related("bid__supplier", "contract")
    assert [a.results["bids"][str(a.bid_id)]["total"] for a in awards] == ["78.80"] * 3
    assert all(a.contract.value == a.bid.price for a in awards)
    assert Score.objects.count() == 3 * 3 * 3 * 5 and ModeratedScore.objects.filter(flagged=True).count() == 3
    # Delivery tells a story: one contract green, one amber, one red, as the contracts page and each
    # contract's page work them out, and lines verified, queried and waiting
    contracts = list(Contract.objects.select_related("award__tender"))
    statuses = contract_selectors.contract_statuses(contracts)
    assert {c.award.tender.title: statuses[c.pk][0] for c in contracts} == {
        "Home care at night": "green",
        "Meals on wheels": "amber",
        "Park ranger service": "red",
    }
    for contract in contracts:
        worst = min(
            (p.status for p in delivery_selectors.contract_performance(contract)), key=WORST_FIRST.index
        )
        assert worst == statuses[contract.pk][0]
    assert set(DeliveryLine.objects.values_list("status", flat=True)) == {"verified", "queried", "pending"}
    assert Response.objects.count() == 500 and SocialValueModel.objects.get(version=2).status == "adopted"
    assert "demo-only-password" in capsys.readouterr().out


def _in_order(*moments):
    """The moments (datetimes, or dates for whole days) never go back; a date sorts as its local day."""
    days = [timezone.localdate(m) if isinstance(m, datetime) else m for m in moments]
    assert days == sorted(days), moments
    times = [m for m in moments if isinstance(m, datetime)]
    assert times == sorted(times), moments


def test_seed_demo_dates_hang_together():
    call_command("seed_demo", allow_without_debug=True)
    now = timezone.now()
    v1, v2 = SocialValueModel.objects.order_by("version")
    review = ModelReview.objects.get()
    board_from = BoardMembership.objects.aggregate(m=Max("started_on"))["m"]
    _in_order(v1.created_at, v1.adopted_at, board_from, review.held_on, v2.created_at, v2.adopted_at, now)
    assert v1.superseded_at == v2.adopted_at and review.model == v1
    for consultation in Consultation.objects.all():
        _in_order(consultation.created_at, consultation.opens_at)
        assert consultation.opens_at < consultation.closes_at
        for submitted in consultation.responses.values_list("submitted_at", flat=True):
            _in_order(consultation.opens_at, submitted, min(consultation.closes_at, now))
    tenders = Tender.objects.prefetch_related("bids", "panel__scores").select_related("model")
    for tender in tenders:
        assert tender.model == v2
        _in_order(v2.adopted_at, tender.created_at, now)
        if tender.published_at is None:
            continue
        bids = [b.submitted_at or b.updated_at for b in tender.bids.all()]
        _in_order(tender.created_at, tender.published_at, *sorted(bids), tender.deadline)
        assert tender.deadline - tender.published_at >= timedelta(
            days=settings.MINIMUM_TENDER_PERIOD_DAYS["open"]
        )
        assert all(b.created_at <= b.updated_at <= tender.deadline for b in tender.bids.all())
        if tender.cancelled_at:
            _in_order(tender.published_at, tender.cancelled_at, now)
        for member in tender.panel.all():
            scored = [s.updated_at for s in member.scores.all()]
            _in_order(
                tender.deadline,
                member.added_at,
                member.declared_at or now,
                *sorted(scored),
                member.submitted_at or now,
            )
    assert {t.title: t.service_area for t in tenders if t.status in ("evaluating", "awarded")} == {
        "Home care at night": "Adult social care",
        "Meals on wheels": "Adult social care",
        "Park ranger service": "Parks",
        "Community transport": "Transport",
    }
    awards = Award.objects.select_related("tender", "contract").prefetch_related(
        "tender__panel", "tender__bids__moderated_scores", "contract__reports__lines"
    )
    for award in awards:
        tender, contract = award.tender, award.contract
        submitted = max(m.submitted_at for m in tender.panel.all())
        moderated = [m.moderated_at for b in tender.bids.all() for m in b.moderated_scores.all()]
        _in_order(
            submitted, *sorted(moderated), award.awarded_at, award.notice_published_at, award.standstill_ends
        )
        assert award.standstill_ends < timezone.localdate(contract.entered_at) <= contract.start_date
        reports = sorted(contract.reports.all(), key=lambda r: r.period_start)
        assert reports, contract
        for report in reports:
            reviewed = [line.reviewed_at for line in report.lines.all() if line.reviewed_at]
            _in_order(
                contract.start_date,
                report.period_start,
                report.period_end,
                report.submitted_at,
                *sorted(reviewed),
                now,
            )


def test_seed_demo_refuses_without_debug():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")
