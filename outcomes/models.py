"""The Knowsley Social Value Model: versioned outcomes and indicators, the board and its reviews."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from knowsley_sv.roles import Role

from . import rules


class Ward(models.Model):
    """One of the borough's 15 electoral wards (The Knowsley (Electoral Changes) Order 2015)."""

    name = models.CharField(max_length=100, unique=True)
    councillors = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SocialValueModelQuerySet(models.QuerySet):
    def adopted(self):
        return self.filter(status=SocialValueModel.Status.ADOPTED)

    def published(self):
        """Versions anyone may read: the adopted one and those it replaced."""
        return self.filter(status__in=[SocialValueModel.Status.ADOPTED, SocialValueModel.Status.SUPERSEDED])

    def visible_to(self, user):
        if user.is_authenticated and user.has_role(Role.BOARD_MEMBER):
            return self.all()
        return self.published()

    def with_last_review(self):
        return self.annotate(last_review_on=models.Max("reviews__held_on"))

    def in_force(self, on: date):
        """The version in force at the end of a day: adopted on or before it and not superseded by then (at
        most one, as only one version is adopted at a time)."""
        after = timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))
        return self.filter(adopted_at__lt=after).filter(
            Q(superseded_at__isnull=True) | Q(superseded_at__gte=after)
        )


class SocialValueModel(models.Model):
    """A version of the statement on social value with its outcomes. Only a draft can change."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ADOPTED = "adopted", "Adopted"
        SUPERSEDED = "superseded", "Superseded"

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200, default="Knowsley Social Value Model")
    statement = models.TextField(help_text="The statement on social value.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="drafts_based_on_it"
    )
    change_summary = models.TextField(blank=True, help_text="What changed from the version before, and why.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = SocialValueModelQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        permissions = [("adopt_socialvaluemodel", "Can adopt a draft version of the model")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "adopted", "superseded"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="adopted"),
                name="%(app_label)s_%(class)s_one_adopted",
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="draft"),
                name="%(app_label)s_%(class)s_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(adopted_at__isnull=False),
                name="%(app_label)s_%(class)s_adopted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="superseded") | Q(superseded_at__isnull=False),
                name="%(app_label)s_%(class)s_superseded_has_date",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="%(app_label)s_%(class)s_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.version} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        if self.is_draft:
            return reverse("outcomes:draft", kwargs={"version": self.version})
        return reverse("outcomes:version", kwargs={"version": self.version})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def review_due_on(self, last_review_on: date | None = None) -> date | None:
        """12 months after adoption or the last review, whichever is later. None for drafts."""
        if self.adopted_at is None:
            return None
        if last_review_on is None:
            last_review_on = getattr(self, "last_review_on", None)
        return rules.review_due_on(adopted_on=self.adopted_at.date(), last_review_on=last_review_on)


class Outcome(models.Model):
    class Pillar(models.TextChoices):
        ECONOMIC = "economic", "Economic"
        SOCIAL = "social", "Social"
        ENVIRONMENTAL = "environmental", "Environmental"

    model = models.ForeignKey(SocialValueModel, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(6)])
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    pillar = models.CharField(max_length=20, choices=Pillar.choices)
    default_share = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(100)],
        help_text="Whole percentage of a tender's social value weight given to this outcome by default.",
    )

    class Meta:
        ordering = ["model", "number"]
        constraints = [
            models.UniqueConstraint(fields=["model", "number"], name="%(app_label)s_%(class)s_number_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=6), name="%(app_label)s_%(class)s_number_1_to_6"
            ),
            models.CheckConstraint(
                condition=Q(pillar__in=["economic", "social", "environmental"]),
                name="%(app_label)s_%(class)s_pillar_valid",
            ),
            models.CheckConstraint(
                condition=Q(default_share__gte=0, default_share__lte=100),
                name="%(app_label)s_%(class)s_share_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome {self.number}: {self.title}"


class Indicator(models.Model):
    """What suppliers commit to and report against, with an optional financial proxy (£ per unit)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=10, help_text="For example 1.2")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=60, help_text="What one unit is: people, hours, weeks, £, tonnes CO2e")
    proxy_value = models.DecimalField(
        "financial proxy (£ per unit)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    proxy_source = models.CharField(max_length=300, blank=True)
    proxy_year = models.PositiveSmallIntegerField("proxy edition year", null=True, blank=True)
    proxy_licence = models.CharField(max_length=100, blank=True)
    proxy_illustrative = models.BooleanField(
        default=False, help_text="Made-up demo figure: never to be used in a real evaluation."
    )
    evidence = models.TextField("evidence a supplier keeps")
    guidance = models.TextField(blank=True)

    class Meta:
        ordering = ["outcome__number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="%(app_label)s_%(class)s_code_unique"),
            models.CheckConstraint(
                condition=Q(proxy_value__isnull=True) | Q(proxy_value__gte=0),
                name="%(app_label)s_%(class)s_proxy_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(proxy_value__isnull=True)
                | (~Q(proxy_source="") & ~Q(proxy_licence="") & Q(proxy_year__isnull=False)),
                name="%(app_label)s_%(class)s_proxy_is_cited",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Organisation(models.Model):
    class Sector(models.TextChoices):
        PUBLIC = "public", "Public sector"
        PRIVATE = "private", "Private sector"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
        HOUSING = "housing", "Housing"
        BUSINESS_BODY = "business_body", "Business representative body"

    class Size(models.TextChoices):
        MICRO = "micro", "Micro (fewer than 10 staff)"
        SMALL = "small", "Small (10 to 49 staff)"
        MEDIUM = "medium", "Medium (50 to 249 staff)"
        LARGE = "large", "Large (250 staff or more)"

    class LocalBasis(models.TextChoices):
        POSTCODE = "postcode", "Postcode in the borough"
        DECLARATION = "declaration", "Declared by the organisation"

    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    size = models.CharField(max_length=10, choices=Size.choices)
    is_local = models.BooleanField("local to Knowsley", default=False)
    local_basis = models.CharField(max_length=20, choices=LocalBasis.choices, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    website = models.URLField(blank=True)
    is_founding_partner = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    sector__in=[
                        "public",
                        "private",
                        "voluntary",
                        "social_enterprise",
                        "housing",
                        "business_body",
                    ]
                ),
                name="%(app_label)s_%(class)s_sector_valid",
            ),
            models.CheckConstraint(
                condition=Q(size__in=["micro", "small", "medium", "large"]),
                name="%(app_label)s_%(class)s_size_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_local=False, local_basis="")
                | Q(is_local=True, local_basis__in=["postcode", "declaration"]),
                name="%(app_label)s_%(class)s_local_has_basis",
            ),
        ]
        indexes = [models.Index(fields=["sector", "name"], name="outcomes_org_sector_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outcomes:organisation", kwargs={"pk": self.pk})


def current_membership_q(prefix: str = "", on: date | None = None) -> Q:
    """Memberships running on a day (today by default); prefix it to filter through a relation."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": on})
    )


class BoardMembershipQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        return self.filter(current_membership_q(on=on))


class BoardMembership(models.Model):
    """A person sitting on the partnership board for an organisation, between two dates."""

    class BoardRole(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice chair"
        MEMBER = "member", "Member"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_memberships"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="board_memberships")
    board_role = models.CharField(max_length=20, choices=BoardRole.choices, default=BoardRole.MEMBER)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    objects = BoardMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(board_role__in=["chair", "vice_chair", "member"]),
                name="%(app_label)s_%(class)s_role_valid",
            ),
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=Q(ended_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.organisation}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on >= today)


class ModelReview(models.Model):
    """The board's review of the adopted model (at least once a year)."""

    class Result(models.TextChoices):
        KEPT = "kept", "Model kept as it is"
        NEW_DRAFT = "new_draft", "New draft started"

    model = models.ForeignKey(SocialValueModel, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="model_reviews")
    consultations = models.ManyToManyField(
        "consultation.Consultation",
        blank=True,
        related_name="reviews",
        verbose_name="consultations considered",
    )
    evidence = models.TextField("evidence considered", help_text="Consultation results, delivery figures")
    findings = models.TextField()
    decisions = models.TextField()
    result = models.CharField(max_length=20, choices=Result.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=["kept", "new_draft"]), name="%(app_label)s_%(class)s_result_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of version {self.model.version} on {self.held_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:review", kwargs={"pk": self.pk})


class ReviewAction(models.Model):
    """An action the board agreed at a review: who owns it (an organisation of the partnership), when it is
    due and how it stands. The next review pack opens with these."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    review = models.ForeignKey(ModelReview, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=500)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="review_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress", "done", "dropped"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(condition=~Q(action=""), name="%(app_label)s_%(class)s_has_action"),
        ]

    def __str__(self) -> str:
        return self.action[:80]
