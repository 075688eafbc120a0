"""Rules the database holds, whatever the forms do."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from outcomes.models import Indicator, Organisation, Outcome, SocialValueModel

from ..factories import (
    BoardMembershipFactory,
    IndicatorFactory,
    OrganisationFactory,
    OutcomeFactory,
    SocialValueModelFactory,
)

pytestmark = pytest.mark.django_db


def test_the_migration_loads_knowsley_model_v1(adopted_model):
    assert adopted_model.status == SocialValueModel.Status.ADOPTED
    outcomes = list(adopted_model.outcomes.order_by("number"))
    assert [o.number for o in outcomes] == [1, 2, 3, 4, 5, 6]
    assert (
        outcomes[0].title
        == "An increase in community resilience including the development of local skills and jobs"
    )
    assert outcomes[5].title == (
        "An increase in the quality, amount and type of socially responsible decisions that residents make "
        "that have a positive impact in their community"
    )
    assert [o.pillar for o in outcomes] == [
        "economic",
        "social",
        "social",
        "economic",
        "economic",
        "environmental",
    ]
    assert sum(o.default_share for o in outcomes) == 100
    counts = [o.indicators.count() for o in outcomes]
    assert counts == [5, 4, 4, 3, 4, 4]
    assert all(3 <= c <= 6 for c in counts)


def test_shipped_proxies_are_openly_licensed_and_cited(adopted_model):
    priced = Indicator.objects.filter(outcome__model=adopted_model, proxy_value__isnull=False)
    assert {i.code for i in priced} == {"3.4", "6.3"}
    carbon = priced.get(code="6.3")
    assert carbon.proxy_value == Decimal("245.00")
    assert carbon.proxy_licence == "Open Government Licence v3.0"
    assert not any(i.proxy_illustrative for i in priced)
    for indicator in priced:
        assert "TOMs" not in indicator.proxy_source and "HACT" not in indicator.proxy_source


def test_the_founding_board_organisations_and_wards_are_loaded(db):
    founding = set(Organisation.objects.filter(is_founding_partner=True).values_list("name", flat=True))
    assert founding == {
        "Knowsley Council",
        "Knowsley Chamber of Commerce",
        "Knowsley CVS",
        "Knowsley Housing Trust",
        "Community Foundation for Merseyside",
    }
    from outcomes.models import Ward

    assert Ward.objects.count() == 15


def test_only_one_version_can_be_adopted(adopted_model):
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialValueModelFactory(status=SocialValueModel.Status.ADOPTED)


def test_only_one_draft_at_a_time(db):
    SocialValueModelFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialValueModelFactory()


def test_an_adopted_version_must_have_an_adoption_date(adopted_model):
    adopted_model.adopted_at = None
    with pytest.raises(IntegrityError), transaction.atomic():
        adopted_model.save()


def test_status_must_be_one_of_the_three(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialValueModelFactory(status="withdrawn", adopted_at=timezone.now())


def test_outcome_number_is_unique_within_a_version_only(adopted_model):
    draft = SocialValueModelFactory()
    OutcomeFactory(model=draft, number=1)  # same number as v1's outcome 1: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(model=draft, number=1)


@pytest.mark.parametrize("number", [0, 7])
def test_outcome_number_is_between_1_and_6(db, number):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(number=number)


def test_outcome_share_is_at_most_100(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(default_share=101)


def test_pillar_must_be_known(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(pillar="cultural")


def test_proxy_value_cannot_be_negative(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(proxy_value=Decimal("-1"), proxy_source="s", proxy_year=2024, proxy_licence="OGL")


def test_a_proxy_value_must_be_cited(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(proxy_value=Decimal("10"), proxy_source="", proxy_year=None, proxy_licence="")


def test_indicator_codes_are_unique_within_an_outcome(db):
    outcome = OutcomeFactory()
    IndicatorFactory(outcome=outcome, code="1.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(outcome=outcome, code="1.1")


def test_a_local_organisation_states_how_it_is_known_to_be_local(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(is_local=True, local_basis="")
    OrganisationFactory(is_local=True, local_basis=Organisation.LocalBasis.POSTCODE)


def test_sector_and_size_must_be_known(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(sector="charity")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(size="huge")


def test_a_membership_cannot_end_before_it_starts(db):
    membership = BoardMembershipFactory()
    membership.ended_on = membership.started_on.replace(year=membership.started_on.year - 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_one_open_seat_per_person_and_organisation(db):
    first = BoardMembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardMembershipFactory(person=first.person, organisation=first.organisation)


def test_outcome_str_and_pillar_choices():
    assert str(Outcome(number=3, title="Volunteers")) == "Outcome 3: Volunteers"
    assert Outcome.Pillar.values == ["economic", "social", "environmental"]
