"""Builders shared by the procurement model, service and seal tests."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation
from procurement import services
from procurement.models import SupplierMember, Tender

from ..factories import UserFactory

CRITERIA = [
    {"title": "Method", "question": "How will you deliver the service?", "weight": 20, "minimum_score": None},
    {"title": "Staffing", "question": "Who will do the work?", "weight": 10, "minimum_score": 40},
]


def first_indicators(model) -> dict[int, Indicator]:
    """Outcome number -> the first indicator (by code) of that outcome in the model version."""
    chosen: dict[int, Indicator] = {}
    for indicator in (
        Indicator.objects.filter(outcome__model=model)
        .select_related("outcome")
        .order_by("outcome__number", "code")
    ):
        chosen.setdefault(indicator.outcome.number, indicator)
    return chosen


def publishable_tender(by, deadline=None, **fields) -> Tender:
    """A draft that passes every publication rule: weights 50/30/20, criteria 20 + 10, the model's
    default split with one indicator offered per outcome."""
    details = {
        "title": "Grounds maintenance",
        "specification": "Cut the grass in every park in the borough.",
        "service_area": "Parks",
        "estimated_value": Decimal("250000.00"),
        "deadline": timezone.now() + timedelta(days=14),
        **fields,
    }
    tender = services.tender_create(by=by, **details)
    if deadline is not None:
        # The services refuse a past deadline; time passing is what makes one, so set it directly.
        Tender.objects.filter(pk=tender.pk).update(deadline=deadline)
    services.criteria_set(tender=tender, criteria=[dict(c) for c in CRITERIA], by=by)
    shares = {o.number: o.default_share for o in tender.model.outcomes.all()}
    offered = {indicator.pk: None for indicator in first_indicators(tender.model).values()}
    services.split_set(tender=tender, shares=shares, offered=offered, by=by)
    tender.refresh_from_db()
    return tender


def supplier_user(name: str):
    """A Supplier-role user acting for a new organisation called `name`."""
    user = UserFactory(username=f"supplier-{slugify(name)}", roles=[Role.SUPPLIER])
    organisation = Organisation.objects.create(
        name=name, sector=Organisation.Sector.PRIVATE, size=Organisation.Size.SMALL
    )
    SupplierMember.objects.create(user=user, organisation=organisation)
    return user
