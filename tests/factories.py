"""One factory per model, keeping related objects consistent (an indicator's outcome's model, ...)."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from knowsley_sv.models import User
from outcomes.models import (
    BoardMembership,
    Indicator,
    ModelReview,
    Organisation,
    Outcome,
    SocialValueModel,
    Ward,
)

PASSWORD = "a-test-password-1234"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test ward {n}")


class SocialValueModelFactory(factory.django.DjangoModelFactory):
    """A draft by default; `status="adopted"` fills the adoption date."""

    class Meta:
        model = SocialValueModel

    version = factory.Sequence(lambda n: 100 + n)
    title = "Knowsley Social Value Model"
    statement = factory.Faker("paragraph")
    status = SocialValueModel.Status.DRAFT
    adopted_at = factory.LazyAttribute(lambda m: None if m.status == "draft" else timezone.now())
    superseded_at = factory.LazyAttribute(
        lambda m: timezone.now() + timedelta(seconds=1) if m.status == "superseded" else None
    )


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    model = factory.SubFactory(SocialValueModelFactory)
    number = factory.Sequence(lambda n: n % 6 + 1)
    title = factory.Faker("sentence")
    description = factory.Faker("sentence")
    pillar = Outcome.Pillar.SOCIAL
    default_share = 17


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    outcome = factory.SubFactory(OutcomeFactory)
    code = factory.Sequence(lambda n: f"{n}.{n}")
    name = factory.Faker("sentence", nb_words=6)
    unit = "people"
    evidence = "Registers"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} Ltd")
    sector = Organisation.Sector.PRIVATE
    size = Organisation.Size.SMALL


class BoardMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMembership

    person = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class ModelReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelReview

    model = factory.LazyFunction(lambda: SocialValueModel.objects.adopted().first())
    held_on = factory.LazyFunction(timezone.localdate)
    evidence = "Consultation results"
    findings = "The model works"
    decisions = "Keep it"
    result = ModelReview.Result.KEPT
    recorded_by = factory.SubFactory(UserFactory)


def complete_draft(*, version: int = 50, shares=(17, 17, 17, 17, 16, 16), indicators_per_outcome: int = 1):
    """A draft with six outcomes, each with indicators, that can be adopted."""
    draft = SocialValueModelFactory(version=version)
    for number, share in enumerate(shares, start=1):
        outcome = OutcomeFactory(model=draft, number=number, default_share=share)
        for k in range(indicators_per_outcome):
            IndicatorFactory(outcome=outcome, code=f"{number}.{k + 1}")
    return draft
