import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from consultation.models import Consultation, Response
from knowsley_sv.models import AuditEvent, User
from outcomes.models import Organisation, SocialValueModel
from procurement.models import Award, Bid, Contract, DeliveryLine, ModeratedScore, Score, Tender
from procurement.selectors import contract_performance

pytestmark = pytest.mark.django_db


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
    # Delivery tells a story: every RAG state, and lines verified, queried and waiting
    today = timezone.localdate()
    states = {p.status for c in Contract.objects.all() for p in contract_performance(c, today)}
    assert states == {"green", "amber", "red"}
    assert set(DeliveryLine.objects.values_list("status", flat=True)) == {"verified", "queried", "pending"}
    assert Response.objects.count() == 500 and SocialValueModel.objects.get(version=2).status == "adopted"
    assert "demo-only-password" in capsys.readouterr().out


def test_seed_demo_refuses_without_debug():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")
