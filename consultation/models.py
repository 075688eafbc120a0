"""Public consultations: what residents say matters, as allocations of 100 points across the outcomes."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Outcome, SocialValueModel, Ward

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, so codes read back over the phone
RECEIPT_LENGTH = 10


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


class WardPopulation(models.Model):
    """The population of a ward, for weighting results (the council enters ONS mid-year estimates)."""

    ward = models.OneToOneField(Ward, on_delete=models.CASCADE, related_name="population")
    population = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    year = models.PositiveSmallIntegerField("estimate year", null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    illustrative = models.BooleanField(default=False, help_text="Made-up demo figure")

    class Meta:
        ordering = ["ward__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(population__isnull=True) | (Q(year__isnull=False) & ~Q(source="")),
                name="%(app_label)s_%(class)s_figure_is_cited",
            ),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gte=1),
                name="%(app_label)s_%(class)s_population_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ward}: {self.population if self.population is not None else 'not known'}"


class ConsultationQuerySet(models.QuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def closed(self, now=None):
        return self.filter(closes_at__lte=now or timezone.now())


class Consultation(models.Model):
    class Weighting(models.TextChoices):
        WARD_POPULATION = "ward_population", "Post-stratified by ward population, weights trimmed to 0.2–5"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField(help_text="What is proposed and why.")
    how_answers_are_used = models.TextField(
        help_text="How answers will be used, and what the board will decide with them."
    )
    model = models.ForeignKey(SocialValueModel, on_delete=models.PROTECT, related_name="consultations")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    weighting = models.CharField(max_length=30, choices=Weighting.choices, default=Weighting.WARD_POPULATION)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # "You said, we did": written and published by the board after close.
    board_response = models.TextField(blank=True)
    board_response_published_at = models.DateTimeField(null=True, blank=True)
    # Adopting the proposed split into a draft model version.
    split_adopted_into = models.ForeignKey(
        SocialValueModel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    split_adopted_at = models.DateTimeField(null=True, blank=True)
    split_adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_split = models.JSONField(null=True, blank=True, help_text="{outcome number: share} as adopted")

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="%(app_label)s_%(class)s_closes_after_open",
            ),
            models.CheckConstraint(
                condition=Q(board_response_published_at__isnull=True) | ~Q(board_response=""),
                name="%(app_label)s_%(class)s_published_response_has_text",
            ),
        ]
        indexes = [models.Index(fields=["opens_at", "closes_at"], name="consult_open_window_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultation:start", kwargs={"slug": self.slug})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    @property
    def status_label(self) -> str:
        if self.is_open():
            return "Open"
        return "Closed" if self.is_closed() else "Not open yet"


class Response(models.Model):
    """One resident's answers. No name, no email, no IP address: nothing here identifies a person."""

    class Channel(models.TextChoices):
        ONLINE = "online", "Online"
        PAPER = "paper", "Paper form"
        EVENT = "event", "Event"

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", "Under 18"
        AGE_18_24 = "18_24", "18 to 24"
        AGE_25_34 = "25_34", "25 to 34"
        AGE_35_49 = "35_49", "35 to 49"
        AGE_50_64 = "50_64", "50 to 64"
        AGE_65_PLUS = "65_plus", "65 or over"

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="responses")
    submitted_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    ward = models.ForeignKey(
        Ward,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: prefer not to say",
    )
    # Demographics as given at the time, all optional.
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    lives_in_borough = models.BooleanField(default=False)
    works_in_borough = models.BooleanField(default=False)
    runs_business_in_borough = models.BooleanField(default=False)
    volunteers_in_borough = models.BooleanField(default=False)
    consent_to_quote = models.BooleanField(default=False)
    receipt_code = models.CharField(max_length=RECEIPT_LENGTH, unique=True, default=new_receipt_code)
    is_suspected_duplicate = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["online", "paper", "event"]),
                name="%(app_label)s_%(class)s_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel="online") | Q(entered_by__isnull=False),
                name="%(app_label)s_%(class)s_offline_has_officer",
            ),
        ]
        indexes = [
            models.Index(fields=["consultation", "submitted_at"], name="consult_resp_time_idx"),
            models.Index(fields=["consultation", "ward"], name="consult_resp_ward_idx"),
        ]

    def __str__(self) -> str:
        return f"Response {self.receipt_code}"


class Allocation(models.Model):
    """Points a response gives one outcome (0 to 100; a response's six allocations sum to 100)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="allocations")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["outcome__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "outcome"], name="%(app_label)s_%(class)s_one_per_outcome"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0, points__lte=100), name="%(app_label)s_%(class)s_points_0_to_100"
            ),
        ]
        indexes = [models.Index(fields=["outcome", "points"], name="consult_alloc_outcome_idx")]

    def __str__(self) -> str:
        return f"{self.points} points to outcome {self.outcome_id}"


class Comment(models.Model):
    """Free text as typed. Hidden from public pages until a board member publishes it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    outcome = models.ForeignKey(
        Outcome,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: what is missing",
    )
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    published_text = models.TextField(
        blank=True, help_text="The text as published, with personal details redacted"
    )
    hidden_reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["response__submitted_at", "outcome__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "published", "hidden"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | ~Q(published_text=""),
                name="%(app_label)s_%(class)s_published_has_text",
            ),
            models.CheckConstraint(
                condition=~Q(status="hidden") | ~Q(hidden_reason=""),
                name="%(app_label)s_%(class)s_hidden_has_reason",
            ),
            models.UniqueConstraint(
                fields=["response", "outcome"],
                condition=Q(outcome__isnull=False),
                name="%(app_label)s_%(class)s_one_per_outcome",
            ),
            models.UniqueConstraint(
                fields=["response"],
                condition=Q(outcome__isnull=True),
                name="%(app_label)s_%(class)s_one_what_is_missing",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="consult_comment_status_idx")]

    def __str__(self) -> str:
        return f"Comment on {self.outcome or 'what is missing'}"


class ContactRecord(models.Model):
    """An email address for updates, kept apart from any response and erasable on its own. The retention
    schedule erases it (consultation/retention.py); the board can erase it sooner."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="contacts")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Contact for {self.consultation}"
