"""Demo data for a local run: users for every role, organisations of every sector, a review and a second
version of the model with illustrative proxy values. Running it again changes nothing.

Never for production: it prints sign-in details and refuses to run with DEBUG off unless told it may.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from consultation import services as consultation_services
from consultation.aggregation import largest_remainder
from consultation.models import Comment, Consultation, Response, WardPopulation
from knowsley_sv import caching
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes import services
from outcomes.models import (
    BoardMembership,
    Indicator,
    ModelReview,
    Organisation,
    ReviewAction,
    SocialValueModel,
    Ward,
)
from procurement import delivery
from procurement.models import Award, Bid, PanelMember, Score, SupplierMember, Tender
from procurement.selectors.evaluation import evaluated_bids, evaluation_lines
from procurement.services import award as award_services
from procurement.services import bids as bid_services
from procurement.services import contracts as contract_services
from procurement.services import delivery as delivery_services
from procurement.services import evaluation as evaluation_services
from procurement.services import tenders as tender_services
from reporting import services as pack_services
from reporting.models import ReviewPack
from reporting.pack.period import Period
from reporting.years import financial_year_of

DOMAIN_APPS = ("outcomes", "consultation", "procurement")
# Printed for local demos; the command refuses to run with DEBUG off.
DEMO_PASSWORD = "demo-only-password"  # noqa: S105

# username, first name, last name, roles, organisation for a board seat
USERS = [
    ("board", "Bola", "Adeyemi", [Role.BOARD_MEMBER], "Knowsley CVS"),
    ("board.chair", "Catherine", "Byrne", [Role.BOARD_MEMBER], "Knowsley Council"),
    ("board.chamber", "Dev", "Mistry", [Role.BOARD_MEMBER], "Knowsley Chamber of Commerce"),
    ("commissioner", "Chris", "Lowe", [Role.COMMISSIONER], None),
    ("evaluator", "Eve", "Okafor", [Role.EVALUATOR], None),
    ("evaluator2", "Ravi", "Shah", [Role.EVALUATOR], None),
    ("evaluator3", "Joan", "Doyle", [Role.EVALUATOR], None),
    ("supplier", "Sam", "Parry", [Role.SUPPLIER], None),
    ("admin", "Alex", "Morgan", [Role.ADMINISTRATOR], None),
]

# Fictional organisations so every sector is represented.
ORGANISATIONS = [
    ("Halewood Facilities Ltd", Organisation.Sector.PRIVATE, Organisation.Size.MEDIUM, "Halewood South"),
    ("Northwest Building Services plc", Organisation.Sector.PRIVATE, Organisation.Size.LARGE, None),
    (
        "Kirkby Community Kitchen CIC",
        Organisation.Sector.SOCIAL_ENTERPRISE,
        Organisation.Size.MICRO,
        "Northwood",
    ),
    ("Prescot Youth Trust", Organisation.Sector.VOLUNTARY, Organisation.Size.SMALL, "Prescot North"),
    ("Merseyside NHS Community Services", Organisation.Sector.PUBLIC, Organisation.Size.LARGE, None),
    ("Stockbridge Homes", Organisation.Sector.HOUSING, Organisation.Size.MEDIUM, "Stockbridge"),
]

# Illustrative £ per unit, by unit: made-up round figures, never real valuations.
ILLUSTRATIVE_PROXIES = {
    "full-time equivalent years": Decimal("15000.00"),
    "apprenticeship starts": Decimal("3000.00"),
    "weeks": Decimal("150.00"),
    "people": Decimal("1000.00"),
    "hours": Decimal("15.00"),
    "households": Decimal("300.00"),
    "organisations": Decimal("5000.00"),
    "£": Decimal("0.20"),
    "full-time equivalent jobs": Decimal("15000.00"),
    "sessions": Decimal("100.00"),
}


DEMO_COMMENTS = [
    "More apprenticeships for young people leaving school in Kirkby.",
    "Local people should get the jobs on local building sites.",
    "Help for older people to stay in their homes would take pressure off services.",
    "Our community centre relies on volunteers and needs more of them.",
    "Support the small shops and cafes on the high street.",
    "Cleaner parks and more recycling points, please.",
    "Nothing about transport: buses to work are a big problem.",
]
PREFERENCES = [30, 20, 15, 10, 10, 15]  # what the demo's residents lean towards, by outcome


# The demo's story in days before the day it is loaded: version 1 adopted, the board seated, version 1
# reviewed and version 2 adopted, all before the first demo tender is drafted.
V1_ADOPTED, BOARD_SEATED, REVIEW_HELD, V2_ADOPTED = 900, 800, 620, 600
# The actions the board agreed at its review, and how each stands now.
REVIEW_ACTIONS = (
    ("Demo: enter real financial proxies in place of the illustrative ones", ReviewAction.Status.IN_PROGRESS),
    ("Demo: run the next consultation with paper forms in every library", ReviewAction.Status.DONE),
    ("Demo: ask suppliers why delivery reports arrive late", ReviewAction.Status.NOT_STARTED),
)
TENDER_PERIOD = timedelta(days=30)  # over the minimum tendering period (settings.MINIMUM_TENDER_PERIOD_DAYS)
DRAFTED_BEFORE_PUBLICATION = timedelta(days=5)
DEADLINE_BEFORE_START = timedelta(days=45)  # evaluation, award notice and standstill fit in it


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _contract_start(today: date, quarters: int) -> date:
    """A start `quarters` whole quarters and 10 days ago: that many quarters finished, reported (5 days after
    each quarter) and checked (3 days after the report), and 10 days of the current one expected."""
    return delivery.add_months(today, -3 * quarters) - timedelta(days=10)


def _create_dated(*, by: User, deadline: datetime, **fields) -> Tender:
    """A draft tender made as the service allows, then dated back as if it had been drafted just before the
    tendering period that ends at `deadline` (the service only takes deadlines in the future)."""
    now = timezone.now()
    tender = tender_services.tender_create(by=by, deadline=max(deadline, now + TENDER_PERIOD), **fields)
    published = min(deadline - TENDER_PERIOD, now)
    Tender.objects.filter(pk=tender.pk).update(
        deadline=deadline, created_at=published - DRAFTED_BEFORE_PUBLICATION
    )
    return tender


def _publish(tender: Tender, by: User) -> Tender:
    tender.refresh_from_db(fields=["deadline"])
    return tender_services.tender_publish(
        tender=tender, by=by, now=min(tender.deadline - TENDER_PERIOD, timezone.now())
    )


def _bids_dated(tender: Tender) -> None:
    """Bids were first saved when they were submitted (drafts on the day of publication)."""
    Bid.objects.filter(tender=tender, submitted_at__isnull=False).update(
        created_at=F("submitted_at"), updated_at=F("submitted_at")
    )
    Bid.objects.filter(tender=tender, submitted_at__isnull=True).update(
        created_at=tender.published_at, updated_at=tender.published_at
    )


def _demo_answers(rng: random.Random, wards: list[int]) -> consultation_services.Answers:
    raw = [max(0.0, rng.gauss(p, 8)) for p in PREFERENCES]
    if rng.random() < 0.15:  # some give everything to one or two outcomes
        raw = [rng.random() ** 4 for _ in PREFERENCES]
    shares = largest_remainder(raw)
    comments = {n: rng.choice(DEMO_COMMENTS) for n in range(1, 7) if rng.random() < 0.08}
    return consultation_services.Answers(
        points=dict(zip(range(1, 7), shares, strict=True)),
        comments=comments,
        missing=DEMO_COMMENTS[-1] if rng.random() < 0.05 else "",
        ward_id=rng.choice(wards) if rng.random() < 0.9 else None,
        age_band=rng.choice([*Response.AgeBand.values, ""]),
        lives_in_borough=rng.random() < 0.85,
        works_in_borough=rng.random() < 0.4,
        runs_business_in_borough=rng.random() < 0.05,
        volunteers_in_borough=rng.random() < 0.2,
        consent_to_quote=rng.random() < 0.6,
    )


class Command(BaseCommand):
    help = "Loads demo users, organisations and model history for a local run (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even though DEBUG is off (tests and throwaway environments only).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo creates accounts with a published password: run it only with DJANGO_DEBUG=1."
            )
        with transaction.atomic():
            users = self._users()
            self._organisations(users)
            self._model_history(users)
            self._consultations(users)
            self._tenders(users)
            self._evaluations(users)
        # Every model of the three domain apps has demo rows, some written with update() or bulk_create: every
        # figure cached from them is stale.
        caching.changed(*(m for app in DOMAIN_APPS for m in apps.get_app_config(app).get_models()))
        with transaction.atomic():
            self._review_packs(users)
        self._print_sign_ins()

    def _users(self) -> dict[str, User]:
        groups = {g.name: g for g in Group.objects.all()}
        users = {}
        for username, first, last, roles, _org in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    "is_staff": Role.ADMINISTRATOR in roles,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                user.groups.set([groups[role] for role in roles])
            users[username] = user
        return users

    def _organisations(self, users: dict[str, User]) -> None:
        wards = {w.name: w for w in Ward.objects.all()}
        for name, sector, size, ward in ORGANISATIONS:
            Organisation.objects.get_or_create(
                name=name,
                defaults={
                    "sector": sector,
                    "size": size,
                    "is_local": ward is not None,
                    "local_basis": Organisation.LocalBasis.POSTCODE if ward else "",
                    "ward": wards.get(ward),
                },
            )
        started = timezone.localdate() - timedelta(days=BOARD_SEATED)
        for username, _first, _last, _roles, org_name in USERS:
            if org_name and not BoardMembership.objects.filter(person=users[username]).exists():
                BoardMembership.objects.create(
                    person=users[username],
                    organisation=Organisation.objects.get(name=org_name),
                    board_role=BoardMembership.BoardRole.CHAIR
                    if username == "board.chair"
                    else BoardMembership.BoardRole.MEMBER,
                    started_on=started,
                )

    def _model_history(self, users: dict[str, User]) -> None:
        """A review of version 1 that starts version 2, which gets illustrative proxies and is adopted."""
        if ModelReview.objects.exists() or SocialValueModel.objects.filter(version__gt=1).exists():
            return
        chair, today = users["board.chair"], timezone.localdate()
        v1 = SocialValueModel.objects.get(version=1)
        review = services.review_record(
            model=v1,
            held_on=today - timedelta(days=REVIEW_HELD),
            attendees=[users["board"], users["board.chair"], users["board.chamber"]],
            evidence="Demo: a year of tenders scored with version 1, and what bidders said about it.",
            findings="Demo: commissioners need a financial proxy for every indicator to compare bids.",
            decisions="Demo: start version 2 with illustrative proxies until the council enters real ones.",
            result=ModelReview.Result.NEW_DRAFT,
            by=chair,
        )
        draft = SocialValueModel.objects.get(status=SocialValueModel.Status.DRAFT)
        for outcome in draft.outcomes.prefetch_related("indicators"):
            for indicator in outcome.indicators.all():
                if indicator.proxy_value is None and indicator.unit in ILLUSTRATIVE_PROXIES:
                    services.indicator_update(
                        indicator=indicator,
                        by=chair,
                        proxy_value=ILLUSTRATIVE_PROXIES[indicator.unit],
                        proxy_source="Illustrative figure for demonstrations, not a real valuation",
                        proxy_year=timezone.localdate().year,
                        proxy_licence="Illustrative (demo data)",
                        proxy_illustrative=True,
                    )
        services.model_adopt(
            model=draft,
            change_summary="Demo: illustrative proxy values, so the demo can show social value in pounds.",
            by=chair,
        )
        # The services date all this today; the story has it long before the first demo tender.
        adopted, reviewed = _at(today - timedelta(days=V2_ADOPTED), 11), _at(review.held_on, 17)
        SocialValueModel.objects.filter(pk=v1.pk).update(
            created_at=_at(today - timedelta(days=V1_ADOPTED), 9),
            adopted_at=_at(today - timedelta(days=V1_ADOPTED), 11),
            superseded_at=adopted,
        )
        SocialValueModel.objects.filter(pk=draft.pk).update(created_at=reviewed, adopted_at=adopted)
        ModelReview.objects.filter(pk=review.pk).update(recorded_at=reviewed)

    def _review_packs(self, users: dict[str, User]) -> None:
        """The last review's actions; last financial year's pack, approved (frozen) and published; and a draft
        for this year so far, so a new user sees both."""
        if ReviewPack.objects.exists():
            return
        chair, today = users["board.chair"], timezone.localdate()
        review = ModelReview.objects.order_by("-held_on").first()
        owners = {o.name: o for o in Organisation.objects.filter(is_founding_partner=True)} or {
            o.name: o for o in Organisation.objects.order_by("name")[:3]
        }
        names = sorted(owners)
        for i, (action, status) in enumerate(REVIEW_ACTIONS):
            services.review_action_save(
                action=ReviewAction(
                    review=review,
                    action=action,
                    owner=owners[names[i % len(names)]],
                    due_on=review.held_on + timedelta(days=120 * (i + 1)),
                    status=status,
                ),
                by=chair,
            )
        this_year = financial_year_of(today)
        last_year = pack_services.pack_prepare(
            period=Period.financial_year(this_year - 1), review=None, by=chair
        )
        pack_services.pack_approve(pack=last_year, by=chair)
        pack_services.pack_publish(pack=last_year, by=chair)
        pack_services.pack_prepare(period=Period.financial_year(this_year), review=None, by=chair)

    def _consultations(self, users: dict[str, User]) -> None:
        """An open and a closed consultation with a few hundred varied responses, and illustrative
        ward populations so that weighted results show."""
        if Consultation.objects.exists():
            return
        rng = random.Random(2026)  # noqa: S311 (demo data, not security)
        for figure in WardPopulation.objects.select_related("ward"):
            consultation_services.ward_population_update(
                figure=figure,
                by=users["board.chair"],
                population=rng.randint(7000, 12500),
                year=2024,
                source="Illustrative figure for demonstrations",
                illustrative=True,
            )
        model = SocialValueModel.objects.adopted().get()
        now = timezone.now()
        closed = Consultation.objects.create(
            title="What matters most in Knowsley: 2026",
            slug="priorities-2026",
            summary="Demo: the board proposes to weight tender social value by what residents value most.",
            how_answers_are_used="Demo: the average points become the proposed split of the next version.",
            model=model,
            opens_at=now - timedelta(days=60),
            closes_at=now + timedelta(days=1),
            created_by=users["board.chair"],
        )
        opened = Consultation.objects.create(
            title="What matters most in Knowsley: 2027",
            slug="priorities-2027",
            summary="Demo: tell us which outcomes matter most to you for contracts let in 2027.",
            how_answers_are_used="Demo: the board will publish the results and its response when it closes.",
            model=model,
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=50),
            created_by=users["board.chair"],
        )
        for consultation in (closed, opened):  # drafted a week before it opened
            Consultation.objects.filter(pk=consultation.pk).update(
                created_at=consultation.opens_at - timedelta(days=7)
            )
        wards = list(Ward.objects.values_list("pk", flat=True))
        # (days ago: the latest response, the earliest): the closed one's all came in before it closed
        for consultation, count, (latest, earliest) in ((closed, 320, (3.1, 55)), (opened, 180, (0.1, 9))):
            for i in range(count):
                consultation_services.response_submit(
                    consultation=consultation,
                    answers=_demo_answers(rng, wards),
                    channel=Response.Channel.ONLINE if i % 10 else Response.Channel.PAPER,
                    entered_by=None if i % 10 else users["commissioner"],
                    submitted_at=now - timedelta(days=rng.uniform(latest, earliest)),
                )
        Consultation.objects.filter(pk=closed.pk).update(closes_at=now - timedelta(days=3))
        for comment in Comment.objects.filter(response__consultation=closed)[:12]:
            consultation_services.comment_publish(
                comment=comment, published_text=comment.text, by=users["board"]
            )

    def _tenders(self, users: dict[str, User]) -> None:
        """Tenders in every status, with bids from organisations of several sectors."""
        if Tender.objects.exists():
            return
        commissioner = users["commissioner"]
        suppliers = []
        for name in (
            "Halewood Facilities Ltd",
            "Kirkby Community Kitchen CIC",
            "Prescot Youth Trust",
            "Stockbridge Homes",
        ):
            organisation = Organisation.objects.get(name=name)
            username = "supplier" if not suppliers else f"supplier{len(suppliers) + 1}"
            user = users.get(username) or User.objects.create_user(
                username=username, password=DEMO_PASSWORD, first_name="Demo", last_name=name
            )
            user.groups.add(Group.objects.get(name=Role.SUPPLIER))
            SupplierMember.objects.get_or_create(user=user, defaults={"organisation": organisation})
            suppliers.append(user)
        now = timezone.now()
        # title, service area, status, deadline in days from now (past for the closed one)
        plans = [
            ("Grounds maintenance 2027", "Parks", "published", 21),
            ("School meals supply", "Education", "published", 9),
            ("Library cleaning", "Libraries", "closed", -2),
            ("Highways resurfacing", "Highways", "draft", 40),
            ("Youth outreach service", "Children's services", "cancelled", 20),
        ]
        model = SocialValueModel.objects.adopted().get()
        offered = {
            i.pk: None
            for i in Indicator.objects.filter(
                outcome__model=model, code__in=["1.1", "1.2", "2.1", "3.1", "4.1", "5.1", "6.3"]
            )
        }
        for title, area, status, days in plans:
            fields = {
                "by": commissioner,
                "title": title,
                "specification": f"Demo: {title.lower()} for Knowsley Council.",
                "service_area": area,
                "estimated_value": Decimal("250000"),
                "deadline": now + timedelta(days=days),
            }
            tender = tender_services.tender_create(**fields) if status == "draft" else _create_dated(**fields)
            tender_services.criteria_set(
                tender=tender,
                by=commissioner,
                criteria=[
                    {
                        "title": "Method statement",
                        "question": "How will you deliver?",
                        "weight": 20,
                        "minimum_score": 40,
                    },
                    {
                        "title": "Staffing",
                        "question": "Who will do the work?",
                        "weight": 10,
                        "minimum_score": None,
                    },
                ],
            )
            tender_services.split_set(
                tender=tender,
                by=commissioner,
                offered=offered,
                shares={o.number: o.default_share for o in model.outcomes.all()},
            )
            if status == "draft":
                continue
            tender = _publish(tender, commissioner)
            if status == "cancelled":
                tender_services.tender_cancel(
                    tender=tender, reason="Demo: the service was brought in house.", by=commissioner
                )
                continue
            for k, supplier in enumerate(suppliers[: 2 + (status == "closed") * 2]):
                bid_services.bid_save(
                    tender=tender,
                    by=supplier,
                    submit=k != 1 or status == "closed",
                    content=bid_services.BidContent(
                        price=Decimal(230000 - 10000 * k),
                        commitments={pk: Decimal(3 + k) for pk in list(offered)[: 3 + k]},
                    ),
                    now=min(tender.published_at + timedelta(days=4 + k), now),
                )
            _bids_dated(tender)
            if status == "closed":
                bid_services.bids_open(tender=tender, by=commissioner)

    def _evaluations(self, users: dict[str, User]) -> None:
        """Awarded tenders with their whole evaluation (three evaluators, a flagged row, summaries, the
        standstill over, the contract entered and quarters of delivery reported and checked), and one tender
        being evaluated for the demo evaluator to score. Each awarded tender is dated back from its
        contract's start, so that every step follows the one before and the contract's status (worst KPI,
        as the contracts page shows it) is the one planned."""
        if Award.objects.exists():
            return
        commissioner = users["commissioner"]
        evaluators = [users["evaluator"], users["evaluator2"], users["evaluator3"]]
        suppliers = list(User.objects.filter(supplier_member__isnull=False).order_by("username")[:4])
        model = SocialValueModel.objects.adopted().get()
        offered = [
            i.pk for i in Indicator.objects.filter(outcome__model=model, code__in=["1.1", "3.1", "6.3"])
        ]
        today = timezone.localdate()
        # DESIGN §5.4's bids: (price, moderated score per line Q1, Q2, O1, O3, O6); the dearest one wins.
        bids = [
            (100000, [60, 80, 80, 60, 40]),
            (80000, [40, 60, 20, 40, 20]),
            (125000, [100, 80, 100, 80, 100]),
        ]
        # title, service area, which supplier makes which bid (the last one wins), quarters finished,
        # delivery as a share of plan, and whether the last quarter still has lines to check. Verified
        # delivery ÷ expected to date is about rate × quarters checked ÷ (quarters + 10 days).
        plans = [
            ("Home care at night", "Adult social care", [0, 1, 2], 4, Decimal("1.05"), False),  # ~102%: green
            ("Meals on wheels", "Adult social care", [2, 0, 1], 3, Decimal("0.90"), False),  # ~87%: amber
            ("Park ranger service", "Parks", [1, 2, 3], 2, Decimal("0.60"), True),  # ~28% (queried line): red
            ("Community transport", "Transport", [0, 1], None, None, False),  # being evaluated now
        ]
        for title, area, who, quarters, rate, to_check in plans:
            start = None if quarters is None else _contract_start(today, quarters)
            deadline = _at(today - timedelta(days=5) if start is None else start - DEADLINE_BEFORE_START, 12)
            tender = self._demo_tender(title, area, commissioner, offered, deadline)
            criteria = list(tender.criteria.order_by("number"))
            outcomes = [s.outcome_id for s in tender.shares.filter(share__gt=0).order_by("outcome__number")]
            for k, (price, _scores) in zip(who, bids, strict=False):
                bid_services.bid_save(
                    tender=tender,
                    by=suppliers[k],
                    submit=True,
                    content=bid_services.BidContent(
                        price=Decimal(price),
                        answers={c.pk: f"Demo: how we meet '{c.title}'." for c in criteria},
                        methods=dict.fromkeys(outcomes, "Demo: our plan for this outcome."),
                        commitments={pk: Decimal(8 + 4 * k) for pk in offered},
                    ),
                    now=tender.published_at + timedelta(days=10, hours=k),
                )
            _bids_dated(tender)
            bid_services.bids_open(tender=tender, by=commissioner, now=deadline + timedelta(hours=1))
            if start is None:
                evaluation_services.panel_add(tender=tender, evaluator=evaluators[0], by=commissioner)
                continue
            contract = self._score_and_award(tender, commissioner, evaluators, bids, start)
            self._delivery(contract, suppliers[who[-1]], commissioner, rate, today, to_check=to_check)

    def _demo_tender(self, title, area, commissioner, offered, deadline) -> Tender:
        tender = _create_dated(
            by=commissioner,
            title=title,
            specification=f"Demo: {title.lower()} for Knowsley residents.",
            service_area=area,
            estimated_value=Decimal("110000"),
            deadline=deadline,
        )
        tender_services.criteria_set(
            tender=tender,
            by=commissioner,
            criteria=[
                {"title": "Delivery", "question": "How will you deliver?", "weight": 20, "minimum_score": 40},
                {
                    "title": "Staffing",
                    "question": "Who will do the work?",
                    "weight": 10,
                    "minimum_score": None,
                },
            ],
        )
        shares = {1: 50, 3: 30, 6: 20}
        tender_services.split_set(
            tender=tender,
            by=commissioner,
            offered=dict.fromkeys(offered),
            shares={n: shares.get(n, 0) for n in range(1, 7)},
        )
        return _publish(tender, commissioner)

    def _score_and_award(self, tender, commissioner, evaluators, plans, start):
        """The panel a day after the deadline, scores in the next week, moderation, award and notice in the
        week after, the contract entered the day after the standstill and starting on `start`."""

        def after(delta: timedelta) -> datetime:
            return tender.deadline + delta

        lines = evaluation_lines(tender)
        bids = list(evaluated_bids(tender).order_by("price"))
        by_price = sorted(plans)  # the plans' bids, cheapest first, as the bids are ordered
        for evaluator in evaluators:
            evaluation_services.panel_add(tender=tender, evaluator=evaluator, by=commissioner)
            evaluation_services.declare(
                tender=tender, by=evaluator, conflict=False, now=after(timedelta(days=1, hours=2))
            )
        PanelMember.objects.filter(tender=tender).update(added_at=after(timedelta(days=1)))
        for n, evaluator in enumerate(evaluators):
            for bid, (_price, scores) in zip(bids, by_price, strict=True):
                entries = {}
                for line, value in zip(lines, scores, strict=True):
                    if n == 2 and line.short == "Q1" and value == 60:
                        value = 100  # the third evaluator differs by 40 on one row: moderation flags it
                    entries[line.key] = (
                        value,
                        f"Demo: {evaluator.first_name}'s reasons for {value} on {line.short}.",
                    )
                evaluation_services.scores_save(tender=tender, bid=bid, by=evaluator, entries=entries)
            submitted = after(timedelta(days=6 + n, hours=3))
            Score.objects.filter(panel_member__tender=tender, panel_member__evaluator=evaluator).update(
                updated_at=submitted
            )
            evaluation_services.scores_submit(tender=tender, by=evaluator, now=submitted)
        for bid, (_price, scores) in zip(bids, by_price, strict=True):
            evaluation_services.moderate(
                tender=tender,
                bid=bid,
                by=commissioner,
                entries={
                    line.key: (value, f"Demo: the panel agreed {value} on {line.short} after discussion.")
                    for line, value in zip(lines, scores, strict=True)
                },
                now=after(timedelta(days=12)),
            )
        winner = bids[-1]  # the dearest bid scores best on quality and social value: 78.80
        award_services.award(tender=tender, bid=winner, by=commissioner, now=after(timedelta(days=14)))
        award = award_services.award_notice_publish(
            tender=tender, by=commissioner, now=after(timedelta(days=15))
        )
        return contract_services.contract_enter(
            tender=tender,
            by=commissioner,
            start_date=start,
            end_date=start + timedelta(days=2 * 365 - 1),
            value=winner.price,
            now=_at(award.standstill_ends + timedelta(days=1), 10),
        )

    def _delivery(self, contract, supplier, commissioner, rate, today, *, to_check: bool) -> None:
        """Every finished quarter reported at `rate` of plan 5 days after it ended and checked 3 days later.
        With `to_check`, the latest one has a line queried and one still waiting, so the commissioner has
        something to check."""
        kpis = list(contract.kpis.all())
        periods = [
            p
            for p in delivery.reporting_periods(
                contract.start_date, contract.end_date, contract.reporting_months
            )
            if p[1] + timedelta(days=8) <= today
        ]
        days = (contract.end_date - contract.start_date).days + 1
        for n, (first, last) in enumerate(periods):
            share = Decimal((last - first).days + 1) / days
            reported = _at(last + timedelta(days=5), 9)
            report = delivery_services.delivery_report_save(
                contract=contract,
                period_start=first,
                by=supplier,
                lines={
                    k.pk: delivery_services.LineEntry(
                        (k.committed * share * rate).quantize(Decimal("0.01")),
                        "Demo: figures from our records.",
                    )
                    for k in kpis
                },
                now=reported,
            )
            checked = reported + timedelta(days=3)
            lines = list(report.lines.order_by("kpi__code"))
            for m, line in enumerate(lines):
                if to_check and n == len(periods) - 1 and m == 0:
                    delivery_services.line_query(
                        line=line,
                        by=commissioner,
                        question="Demo: please attach the payroll extract.",
                        now=checked,
                    )
                elif not to_check or n < len(periods) - 1 or m < len(lines) - 1:
                    delivery_services.line_verify(line=line, by=commissioner, now=checked)

    def _print_sign_ins(self) -> None:
        self.stdout.write("Demo sign-ins (local use only), all with the password " + DEMO_PASSWORD + ":")
        for username, _first, _last, roles, _org in USERS:
            self.stdout.write(f"  {username:<15} {', '.join(r.label for r in roles)}")
        self.stdout.write(
            "  supplier2-4     Supplier (for other organisations, so tenders have several bids)"
        )
