"""Reads for tender pages: the figures they show come from the pure modules, not from copies of them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement import scoring
from procurement.selectors import tenders as tender_selectors

from .helpers import publishable_tender

pytestmark = pytest.mark.django_db


def test_an_outcomes_points_are_the_exact_points_it_is_scored_on(commissioner_client):
    # Social value 20 over the default split 17/17/17/17/16/16: 3.4 or 3.2 points an outcome, exactly.
    tender = publishable_tender(commissioner_client.user)
    sections = tender_selectors.social_value_sections(
        tender_selectors.tender_detail(reference=tender.reference, user=commissioner_client.user)
    )
    assert [(s["share"], s["points"]) for s in sections] == [
        (share, scoring.social_value_points(20, share)) for share in (17, 17, 17, 17, 16, 16)
    ]
    assert {type(s["points"]) for s in sections} == {Decimal}
    page = commissioner_client.get(reverse("procurement:tender", args=[tender.reference])).content.decode()
    assert page.count("17% of social value (3.4 points)") == 4
    assert page.count("16% of social value (3.2 points)") == 2
