import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from consultation.models import Consultation, Response
from knowsley_sv.models import AuditEvent, User
from outcomes.models import Organisation, SocialValueModel
from procurement.models import Bid, Tender

pytestmark = pytest.mark.django_db


def _counts():
    return [
        m.objects.count()
        for m in (User, Organisation, SocialValueModel, Consultation, Response, Tender, Bid, AuditEvent)
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
    }
    assert Response.objects.count() == 500 and SocialValueModel.objects.get(version=2).status == "adopted"
    assert "demo-only-password" in capsys.readouterr().out


def test_seed_demo_refuses_without_debug():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")
