"""Faults (issue 8): the database going away mid-request, acknowledged writes surviving, storage failing.

Each write runs in one transaction, so a failure part-way leaves nothing half-written; the 500 page needs no
database and tells the user plainly that what they entered was not saved. That an acknowledged response is
committed (so an app server restart loses nothing) is shown by tests/browser/test_no_loss.py, which reads
the database from outside the live server once each resident has had their receipt.
"""

from datetime import timedelta

import pytest
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from consultation.models import Allocation, Comment, Response
from knowsley_sv.models import AuditEvent
from outcomes.models import Ward
from procurement.models import DeliveryLine, Evidence
from tests.consultation.helpers import make_consultation
from tests.procurement.helpers import contracted_tender

pytestmark = pytest.mark.django_db
GONE = "server closed the connection unexpectedly"


@pytest.fixture
def consultation(adopted_model):
    return make_consultation(slug="faults")


def answer_up_to_check(client, consultation):
    steps = f"/consultations/{consultation.slug}/respond"
    client.post(f"{steps}/points/", {f"points_{n}": v for n, v in enumerate([30, 20, 15, 15, 10, 10], 1)})
    client.post(f"{steps}/comments/", {"missing": "Buses"})
    client.post(f"{steps}/about-you/", {"ward": Ward.objects.first().pk, "consent_to_quote": "no"})
    return f"{steps}/check/"


def test_the_database_going_away_mid_response_leaves_nothing_half_written(client, consultation, monkeypatch):
    check = answer_up_to_check(client, consultation)

    def connection_lost(*args, **kwargs):
        raise OperationalError(GONE)

    # The response row is inserted, then the connection drops while its allocations are written.
    monkeypatch.setattr(Allocation.objects, "bulk_create", connection_lost)
    client.raise_request_exception = False
    page = client.post(check, {})
    assert page.status_code == 500
    assert "what you entered has not been saved unless you saw a confirmation" in page.content.decode()
    assert not Response.objects.exists() and not Comment.objects.exists()
    # The answers are still in the session: once the database is back, sending again works.
    monkeypatch.undo()
    assert client.post(check, {}).status_code == 302
    assert Response.objects.count() == 1 and Allocation.objects.count() == 6


def test_a_failed_audit_write_undoes_the_change_it_records(adopted_model, monkeypatch):
    """The audit row is written in the same transaction as the change: if it fails, the change is undone."""
    from knowsley_sv.roles import Role
    from procurement.services import tenders as tender_services
    from tests.factories import UserFactory

    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])

    def audit_down(*args, **kwargs):
        raise OperationalError(GONE)

    monkeypatch.setattr(AuditEvent.objects, "create", audit_down)
    with pytest.raises(OperationalError):
        tender_services.tender_create(
            by=commissioner,
            title="Fault",
            specification="x",
            service_area="x",
            estimated_value=1,
            deadline=timezone.now() + timedelta(days=10),
        )
    from procurement.models import Tender

    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    "error", [OSError(28, "No space left on device"), OSError(111, "Connection refused")]
)
def test_uploads_fail_cleanly_when_storage_is_full_or_unavailable(client, adopted_model, monkeypatch, error):
    from knowsley_sv.roles import Role
    from tests.factories import UserFactory

    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    today = timezone.localdate()
    contract = contracted_tender(
        commissioner, start=today - timedelta(days=200), end=today + timedelta(days=165)
    )
    kpi = contract.kpis.order_by("outcome_number").first()

    def storage_down(*args, **kwargs):
        raise error

    monkeypatch.setattr(InMemoryStorage, "_save", storage_down)
    client.force_login(contract.award.bid.supplier.supplier_members.get().user)
    page = client.post(
        reverse("procurement:delivery_report", args=[contract.pk, contract.start_date.isoformat()]),
        {
            f"quantity-{kpi.pk}": "3",
            f"notes-{kpi.pk}": "Payroll",
            f"evidence-{kpi.pk}": SimpleUploadedFile(
                "payroll.pdf", b"%PDF-1.4 x", content_type="application/pdf"
            ),
        },
    )
    assert page.status_code == 200
    assert "The file store is not available, so nothing was saved. Try again later." in page.content.decode()
    assert 'value="3"' in page.content.decode()  # what was typed is kept
    assert not DeliveryLine.objects.exists() and not Evidence.objects.exists()
