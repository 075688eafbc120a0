"""A large, realistic, made-up data set for performance work: `manage.py seed_scale`.

By default: 100,000 consultation responses over 5 consultations and the 15 wards; 2,000 tenders in every
status; 20,000 bids with commitments; 1,000 contracts with 8 quarters of delivery reports; and one awarded
tender with 50 submitted bids and a complete evaluation, whose reference is printed at the end so its
evaluation report can be benchmarked.

Rows are written 5,000 at a time in one transaction (nothing is left half-loaded), without audit rows: with
bulk_create where later rows need their ids, and through COPY on PostgreSQL for the rest (allocations,
scores and the like; bulk_create elsewhere). The database checks every constraint as they go in. The award
snapshots go through the app's own code, `procurement.selectors.evaluation.evaluation` and
`procurement.services.award._results_snapshot`, as `award_services.award` does. Takes about 100 seconds on
PostgreSQL with two cores.

Deterministic: the same --seed, anchor date (--anchor-date, today by default) and starting database give
the same rows, ids included on a fresh database. Every date is relative to the anchor date, so the data
stays current. Each area draws from its own random stream, so changing --bids leaves the responses alone.

Timeline: every contract has exactly --quarters finished quarters reported, so contracts started at least
that many quarters ago (those that started earlier ran for exactly that many quarters and have ended);
tenders being bid for, evaluated or recently awarded fall in the last months; cancelled tenders span the
whole period. Users get unusable passwords: nobody can sign in as them.

Never for production: it refuses to run with DEBUG off unless told it may, and runs only once per database.
"""

import io
import math
import random
import time as clock
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from consultation.models import (
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    Allocation,
    Comment,
    Consultation,
    ContactRecord,
    Response,
    WardPopulation,
)
from consultation.retention import contacts_erased_by
from knowsley_sv import caching
from knowsley_sv.models import User
from knowsley_sv.retention_apply import retention_schedule
from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation, SocialValueModel, Ward
from procurement import delivery, rules
from procurement.models import (
    Award,
    Bid,
    Commitment,
    Contract,
    ContractKPI,
    DeliveryLine,
    DeliveryReport,
    MethodStatement,
    ModeratedScore,
    OfferedIndicator,
    OutcomeShare,
    PanelMember,
    QualityAnswer,
    QualityCriterion,
    Score,
    ScoringScalePoint,
    SupplierMember,
    Tender,
)
from procurement.selectors import evaluation as evaluation_selectors
from procurement.services import award as award_services
from procurement.services import tenders as tender_services
from reporting.management.commands.seed_demo import DOMAIN_APPS, ILLUSTRATIVE_PROXIES

BATCH = 5000
FIRST_USERNAME = "scale.board1"  # its presence means seed_scale has already run on this database
BOARD_MEMBERS, COMMISSIONERS, EVALUATORS = 3, 6, 12
PANEL_SIZE = 3

# --- word lists ---------------------------------------------------------------------------------------
FIRST_NAMES = [
    "Aisha", "Ben", "Cara", "Dan", "Ella", "Femi", "Grace", "Harry", "Imran", "Jade", "Kieran", "Leah",
    "Mo", "Niamh", "Owen", "Priya", "Quinn", "Rachel", "Sean", "Tara", "Uma", "Vic", "Will", "Yusuf",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Barnes", "Clarke", "Doyle", "Evans", "Flynn", "Gallagher", "Hughes", "Iqbal", "Jones",
    "Kelly", "Lee", "McCann", "Nolan", "O'Brien", "Parry", "Quayle", "Roberts", "Smith", "Taylor",
    "Walsh", "Williams", "Wright", "Young",
]  # fmt: skip
PLACES = [
    "Kirkby", "Huyton", "Prescot", "Halewood", "Whiston", "Cronton", "Knowsley", "Stockbridge", "Roby",
    "Page Moss", "Tower Hill", "Northwood", "Mersey", "Liverpool", "Sefton", "Wirral", "St Helens", "Widnes",
    "Northern", "Pennine", "Riverside", "Greenway", "Bluebell", "Oakfield", "Brookside", "Castle",
]  # fmt: skip
TRADES = [
    "Facilities", "Building Services", "Cleaning", "Care", "Catering", "Transport", "Landscapes",
    "Security", "Digital", "Construction", "Maintenance", "Waste Solutions", "Print", "Training",
    "Consulting", "Electrical", "Plumbing", "Roofing", "Highways", "Energy",
]  # fmt: skip
SUFFIXES = {
    Organisation.Sector.PRIVATE: ["Ltd", "Ltd", "Group Ltd", "Services Ltd", "plc", "and Sons Ltd"],
    Organisation.Sector.SOCIAL_ENTERPRISE: ["CIC", "Community Interest Company", "Co-operative"],
    Organisation.Sector.VOLUNTARY: ["Trust", "Community Association", "Foundation", "Charity"],
    Organisation.Sector.HOUSING: ["Homes", "Housing Association", "Housing Trust"],
    Organisation.Sector.PUBLIC: ["NHS Trust", "College", "Community Health Services"],
    Organisation.Sector.BUSINESS_BODY: ["Business Network", "Traders' Association", "Enterprise Forum"],
}
SECTOR_WEIGHTS = {  # of supplier organisations
    Organisation.Sector.PRIVATE: 55,
    Organisation.Sector.SOCIAL_ENTERPRISE: 12,
    Organisation.Sector.VOLUNTARY: 15,
    Organisation.Sector.HOUSING: 5,
    Organisation.Sector.PUBLIC: 8,
    Organisation.Sector.BUSINESS_BODY: 5,
}
SIZE_WEIGHTS = {
    Organisation.Size.MICRO: 30,
    Organisation.Size.SMALL: 35,
    Organisation.Size.MEDIUM: 22,
    Organisation.Size.LARGE: 13,
}
WARD_POSTCODES = {  # the postcode district of each ward, near enough for made-up addresses
    "Cherryfield": "L32", "Halewood North": "L26", "Halewood South": "L26", "Northwood": "L33",
    "Page Moss": "L36", "Prescot North": "L34", "Prescot South": "L35", "Roby": "L36", "Shevington": "L32",
    "St Gabriels": "L36", "St Michaels": "L36", "Stockbridge": "L28", "Swanside": "L14",
    "Whiston & Cronton": "L35", "Whitefield": "L32",
}  # fmt: skip
ELSEWHERE = ["L1", "L3", "L8", "L17", "WA1", "WA10", "M1", "M15", "PR1", "CH41", "B1", "LS1"]

SERVICE_AREAS = {
    "Adult social care": [
        "Home care",
        "Day opportunities",
        "Supported living",
        "Carers' support",
        "Reablement",
    ],
    "Children's services": ["Youth outreach", "Family support", "Short breaks", "Foster carer recruitment"],
    "Highways": [
        "Highways resurfacing",
        "Street lighting maintenance",
        "Winter gritting",
        "Drainage repairs",
    ],
    "Parks and open spaces": ["Grounds maintenance", "Tree management", "Play area refurbishment"],
    "Housing": ["Aids and adaptations", "Void property repairs", "Homelessness prevention"],
    "Waste and recycling": ["Recycling collection", "Bulky waste collection", "Household waste sites"],
    "Facilities": ["Office cleaning", "Security services", "Building maintenance", "Staff catering"],
    "Education": ["School meals supply", "Home to school transport", "Specialist tuition"],
    "Public health": ["Stop smoking service", "Healthy weight programme", "Sexual health outreach"],
    "Regeneration": ["Town centre improvements", "Business support programme", "Employment and skills hub"],
    "IT and digital": ["Network support", "Digital inclusion programme", "Case management software"],
}
LOTS = ["Kirkby", "Huyton", "Prescot", "Halewood", "Whiston", "Stockbridge Village", "borough-wide"]
CRITERIA = [
    ("Method statement", "How will you deliver the service to the specification?"),
    ("Staffing and resources", "Who will do the work, with what experience and equipment?"),
    ("Quality assurance", "How will you check, report on and improve the quality of the service?"),
    ("Mobilisation", "How will you be ready to deliver from the first day of the contract?"),
    ("Safeguarding", "How will you keep residents, and children and adults at risk, safe?"),
    ("Customer care", "How will you handle residents' enquiries and complaints?"),
]
ANSWER_OPENINGS = [
    "We already deliver a similar service for two neighbouring councils.",
    "Our local team of {n} staff is based in the borough.",
    "We will appoint a named contract manager from the first week.",
    "Our approach follows the specification section by section.",
    "We measure satisfaction monthly and share the results with the council.",
]
METHOD_OPENINGS = [
    "We will recruit from Knowsley first, through the council's employment hub.",
    "Our staff volunteer two days a year with local community groups.",
    "We buy from Knowsley suppliers and social enterprises wherever we can.",
    "We will report every quarter with evidence the council can check.",
    "We will cut emissions by switching our fleet to electric vehicles.",
]
JUSTIFICATIONS = [
    "The response {d}.",
    "{d}; the evidence given supports this.",
    "Scored against the published scale: {d}.",
]
QUERIES = [
    "Please attach the payroll extract for this quarter.",
    "The figure is higher than last quarter: what changed?",
    "Please confirm the home postcodes of the people counted.",
    "Which organisations received the hours reported?",
]
NOTES = ["Figures from our records.", "See the attached register.", "Payroll extract attached.", ""]

# Quantity committed per £100,000 of contract value, by unit: made-up figures of a plausible size.
PER_100K = {
    "full-time equivalent years": 0.5,
    "apprenticeship starts": 0.4,
    "weeks": 6,
    "people": 8,
    "hours": 120,
    "households": 6,
    "organisations": 0.3,
    "£": 8000,
    "full-time equivalent jobs": 0.3,
    "sessions": 4,
    "tonnes CO2e": 3,
}
WHOLE_UNITS = {
    "apprenticeship starts",
    "weeks",
    "people",
    "hours",
    "households",
    "organisations",
    "£",
    "sessions",
}

COMMENTS = {
    1: [
        "More apprenticeships for young people leaving school in Kirkby.",
        "Local people should get the jobs on local building sites.",
        "Training that leads to a real job, not just a certificate.",
    ],
    2: [
        "Help for older people to stay in their homes would take pressure off services.",
        "Early help for families before things reach a crisis.",
    ],
    3: [
        "Our community centre relies on volunteers and needs more of them.",
        "Companies could give staff time to help at the food bank.",
    ],
    4: [
        "Support the small shops and cafes on the high street.",
        "Give community businesses a fair chance at council contracts.",
    ],
    5: [
        "Spend the money with Knowsley firms, not national chains.",
        "Investment in Huyton village centre is long overdue.",
    ],
    6: [
        "Cleaner parks and more recycling points, please.",
        "Help with budgeting and the cost of living.",
    ],
}
MISSING = [
    "Nothing about transport: buses to work are a big problem.",
    "Mental health support for young people.",
    "Safer streets and better lighting.",
]
HIDE_REASONS = ["Names a member of staff.", "Not about the consultation.", "Offensive language."]
REDACTED = " [personal details removed]"
BASE_PREFERENCES = [24, 18, 14, 14, 16, 14]  # what residents lean towards, by outcome number
AGE_BANDS = ["under_18", "18_24", "25_34", "35_49", "50_64", "65_plus", ""]
AGE_WEIGHTS = [3, 8, 14, 24, 25, 18, 8]
AGE_WEIGHTS_PAPER = [1, 3, 8, 16, 27, 38, 7]

# Tenders that are neither the report tender nor contracted: their share of the rest, by status.
OTHER_STATUSES = {
    "published": 30,
    "closed": 12,
    "evaluating": 10,
    "awarded": 10,
    "draft": 22,
    "cancelled": 16,
}
BIDDING = ("report", "contracted", "awarded", "evaluating", "closed", "published")
MINIMUM_BIDS = {"contracted": 2, "awarded": 2, "evaluating": 2, "closed": 1, "published": 0}
# Delivery rate bands, used in turn so that every RAG state shows even with a few contracts
RATE_BANDS = [(1.0, 1.2), (1.02, 1.12), (0.84, 0.98), (0.4, 0.75), (1.0, 1.15)]


# --- helpers ------------------------------------------------------------------------------------------
def _moment(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _office(rng: random.Random, day: date) -> datetime:
    """A time in office hours on that day."""
    return _moment(day, rng.randint(9, 16), rng.randrange(60))


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole second between start and end."""
    return start + timedelta(seconds=int(rng.random() * max(0, (end - start).total_seconds())))


def _pennies(value: float) -> Decimal:
    return Decimal(round(value * 100)).scaleb(-2)


def _whole(rng: random.Random, amount: float) -> Decimal:
    """Rounded down or up at random in proportion, so that small quarterly figures add up to the right
    total on average (rounding each to the nearest would turn 0.4 a quarter into nothing, every quarter)."""
    whole = math.floor(amount)
    return Decimal(whole + (rng.random() < amount - whole))


def _split(weights: list[int], total: int) -> list[int]:
    """Whole numbers in proportion to whole-number weights, adding up to `total`: the largest remainder
    method exactly as consultation.aggregation.largest_remainder, in integer arithmetic because it runs
    once per response (that one works in Fractions, 50 times slower)."""
    whole = sum(weights)
    scaled = [total * w for w in weights]
    result = [s // whole for s in scaled]
    left = total - sum(result)
    for i in sorted(range(len(weights)), key=lambda i: (-(scaled[i] % whole), i))[:left]:
        result[i] += 1
    return result


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@contextmanager
def _timestamps_as_given(*models):
    """bulk_create would stamp auto_now/auto_now_add fields with the time of the run; switch them off
    meanwhile, so that rows keep the dates made up for them (and the same seed gives the same rows)."""
    switched = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                switched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Writer:
    """Writes rows nothing else needs the ids of, BATCH at a time, given as column values by attribute name
    (`response_id=...`); fields left out take their model default. On PostgreSQL through COPY, several
    times faster than INSERTs compiled by the ORM; elsewhere (SQLite in tests) through bulk_create. The
    database checks every constraint either way."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.names = {f.attname for f in self.fields}
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.rows = []

    def add(self, **values) -> None:
        self.rows.append(values)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        unknown = set(self.rows[0]) - self.names
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field {', '.join(sorted(unknown))}")
        with connection.cursor() as cursor:
            if hasattr(cursor.cursor, "copy_expert"):  # psycopg2
                self._copy(cursor)
            else:
                self.model.objects.bulk_create([self.model(**row) for row in self.rows], batch_size=BATCH)
        self.rows = []

    def _copy(self, cursor) -> None:
        text = io.StringIO()
        defaults, names = self.defaults, [f.attname for f in self.fields]
        for row in self.rows:
            text.write("\t".join(_copy_value(row[n] if n in row else defaults[n]) for n in names))
            text.write("\n")
        text.seek(0)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        cursor.cursor.copy_expert(f"COPY {quote(self.model._meta.db_table)} ({columns}) FROM STDIN", text)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.flush()


def _copy_value(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, date):  # and datetime; aware datetimes carry their offset
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


def _analyze(*models) -> None:
    """Fresh planner statistics for tables just filled in this transaction (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _create(model, rows: list) -> list:
    """bulk_create in batches; the rows come back with their ids."""
    return model.objects.bulk_create(rows, batch_size=BATCH)


@dataclass
class BidPlan:
    bid: Bid
    strength: float  # 0 to 1: how good the bid is on quality and social value
    commitments: list[tuple[Indicator, Decimal]] = field(default_factory=list)


@dataclass
class TenderPlan:
    kind: str  # "report", "contracted" (awarded, with a contract), or the status
    created: datetime | None  # set last by _timeline, working back from the deadline
    deadline: datetime
    published: datetime | None = None
    cancelled: datetime | None = None
    panel_from: datetime | None = None  # evaluation dates
    moderated: datetime | None = None
    awarded: datetime | None = None
    notice: datetime | None = None
    entered: datetime | None = None  # contract dates
    start: date | None = None
    end: date | None = None
    tender: Tender | None = None
    scale: list[tuple[int, str, str]] = field(default_factory=list)
    criteria: list[QualityCriterion] = field(default_factory=list)
    all_shares: list[OutcomeShare] = field(default_factory=list)  # one per outcome of the model
    shares: list[OutcomeShare] = field(default_factory=list)  # those above 0, by outcome number
    offered: list[Indicator] = field(default_factory=list)
    commissioners: list[User] = field(default_factory=list)
    bids: list[BidPlan] = field(default_factory=list)
    award: Award | None = None
    winner: BidPlan | None = None
    contract: Contract | None = None
    kpis: list[ContractKPI] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "awarded" if self.kind in ("report", "contracted") else self.kind

    @property
    def submitted(self) -> list[BidPlan]:
        return [b for b in self.bids if b.bid.status == Bid.Status.SUBMITTED]

    @property
    def lines(self) -> list[tuple[QualityCriterion | None, OutcomeShare | None]]:
        """The scored lines in the evaluation's order: criteria by number, then outcomes with a share."""
        return [(c, None) for c in self.criteria] + [(None, s) for s in self.shares]


class Command(BaseCommand):
    help = "Loads a large made-up data set for performance work (DEBUG only; once per database)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--responses", type=int, default=100_000)
        parser.add_argument("--consultations", type=int, default=5)
        parser.add_argument("--tenders", type=int, default=2000)
        parser.add_argument("--bids", type=int, default=20_000)
        parser.add_argument("--contracts", type=int, default=1000)
        parser.add_argument("--quarters", type=int, default=8, help="Quarters reported per contract.")
        parser.add_argument("--suppliers", type=int, default=300, help="Supplier organisations.")
        parser.add_argument(
            "--report-bids",
            type=int,
            default=50,
            help="Submitted bids of the fully evaluated, awarded tender printed at the end (0: none).",
        )
        parser.add_argument(
            "--anchor-date",
            type=date.fromisoformat,
            default=None,
            help="The day the data is made up to (YYYY-MM-DD; default today). Everything is dated from it.",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even though DEBUG is off (tests and throwaway environments only).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_scale fills the database with made-up data: run it only with DJANGO_DEBUG=1."
            )
        self._check_options(options)
        started = clock.monotonic()
        self.options = options
        self.seed = options["seed"]
        self.today = options["anchor_date"] or timezone.localdate()
        self.now = _moment(self.today, 0)  # everything that has happened, happened before this
        self.holidays = award_services.bank_holidays()
        self.timings = {}
        with (
            transaction.atomic(),
            _timestamps_as_given(Organisation, Consultation, ContactRecord, Tender, Bid, PanelMember, Score),
        ):
            if User.objects.filter(username=FIRST_USERNAME).exists():
                raise CommandError("seed_scale has already run on this database: use a fresh one.")
            self._reference_data()
            for step in (
                self._users,
                self._organisations,
                self._ward_populations,
                self._consultations,
                self._responses,
                self._tenders,
                self._bids,
                self._evaluations,
                self._awards,
                self._contracts,
                self._delivery,
            ):
                began = clock.monotonic()
                step()
                self.timings[step.__name__.strip("_")] = clock.monotonic() - began
            began = clock.monotonic()
        self.timings["commit"] = clock.monotonic() - began  # foreign keys are checked at commit
        # Bulk inserts into every domain app: every figure cached from them is stale.
        caching.changed(*(m for app in DOMAIN_APPS for m in apps.get_app_config(app).get_models()))
        if connection.vendor == "postgresql":
            began = clock.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, so the first benchmark gets good plans
            self.timings["analyze"] = clock.monotonic() - began
        self._summary(clock.monotonic() - started)

    def _check_options(self, o) -> None:
        for name in ("responses", "consultations", "tenders", "bids", "contracts", "quarters", "report_bids"):
            if o[name] < 0:
                raise CommandError(f"--{name.replace('_', '-')} cannot be negative.")
        if o["responses"] and not o["consultations"]:
            raise CommandError("Responses need at least one consultation.")
        if o["tenders"] < o["contracts"] + (o["report_bids"] > 0):
            raise CommandError("--tenders must be at least --contracts, plus one for the report tender.")
        if o["suppliers"] < max(o["report_bids"], MINIMUM_BIDS["awarded"], 1):
            raise CommandError("--suppliers must be at least --report-bids (and at least 2).")

    def _rng(self, area: str) -> random.Random:
        return random.Random(f"{self.seed}:{area}")  # noqa: S311 (made-up data, not security)

    # --- reference data and people --------------------------------------------------------------------
    def _reference_data(self) -> None:
        self.model = SocialValueModel.objects.adopted().get()
        self.outcomes = list(self.model.outcomes.order_by("number"))
        self.indicators = {o.pk: [] for o in self.outcomes}
        for indicator in Indicator.objects.filter(outcome__model=self.model).select_related("outcome"):
            self.indicators[indicator.outcome_id].append(indicator)
        for items in self.indicators.values():
            items.sort(key=lambda i: (len(i.code), i.code))
        self.wards = list(Ward.objects.order_by("name"))
        self.groups = {g.name: g for g in Group.objects.all()}

    def _users(self) -> None:
        rng = self._rng("users")
        specs = (
            [(f"scale.board{n}", Role.BOARD_MEMBER) for n in range(1, BOARD_MEMBERS + 1)]
            + [(f"scale.commissioner{n}", Role.COMMISSIONER) for n in range(1, COMMISSIONERS + 1)]
            + [(f"scale.evaluator{n}", Role.EVALUATOR) for n in range(1, EVALUATORS + 1)]
            + [(f"scale.supplier{n:03d}", Role.SUPPLIER) for n in range(1, self.options["suppliers"] + 1)]
        )
        users = _create(
            User,
            [
                User(
                    username=username,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    email=f"{username}@example.org",
                    password=make_password(None),  # unusable: nobody signs in as made-up people
                    date_joined=_office(rng, self.today - timedelta(days=rng.randint(400, 1500))),
                )
                for username, _role in specs
            ],
        )
        through = User.groups.through
        _create(
            through,
            [
                through(user_id=u.pk, group_id=self.groups[role].pk)
                for u, (_n, role) in zip(users, specs, strict=True)
            ],
        )
        by_role = {}
        for user, (_name, role) in zip(users, specs, strict=True):
            by_role.setdefault(role, []).append(user)
        self.board = by_role[Role.BOARD_MEMBER]
        self.commissioners = by_role[Role.COMMISSIONER]
        self.evaluators = by_role[Role.EVALUATOR]
        self.supplier_users = by_role[Role.SUPPLIER]

    def _organisations(self) -> None:
        """Supplier organisations of every sector and size (every pairing first), a third of them local,
        each with one supplier user."""
        rng = self._rng("organisations")
        taken = set(Organisation.objects.values_list("name", flat=True))
        pairs = [(s, z) for s in Organisation.Sector.values for z in Organisation.Size.values]
        rows = []
        for n in range(self.options["suppliers"]):
            sector, size = (
                pairs[n] if n < len(pairs) else (_weighted(rng, SECTOR_WEIGHTS), _weighted(rng, SIZE_WEIGHTS))
            )
            name = self._organisation_name(rng, sector, taken)
            ward = None
            basis = ""
            local = rng.random() < 0.35
            if local:
                basis = rng.choices(Organisation.LocalBasis.values, weights=[70, 30])[0]
                ward = rng.choice(self.wards) if basis == Organisation.LocalBasis.POSTCODE else None
            district = WARD_POSTCODES.get(ward.name, "L36") if ward else rng.choice(ELSEWHERE)
            postcode = f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            postcode += rng.choice("ABDEFGHJLNPQRSTUWXYZ")
            rows.append(
                Organisation(
                    name=name,
                    sector=sector,
                    size=size,
                    is_local=local,
                    local_basis=basis,
                    postcode=postcode if basis == "postcode" or rng.random() < 0.9 else "",
                    ward=ward,
                    website=f"https://{_slug(name)}.example.org" if rng.random() < 0.6 else "",
                    created_at=_office(rng, self.today - timedelta(days=rng.randint(365, 1500))),
                )
            )
        self.suppliers = _create(Organisation, rows)
        _create(
            SupplierMember,
            [
                SupplierMember(user=u, organisation=o)
                for u, o in zip(self.supplier_users, self.suppliers, strict=True)
            ],
        )
        self.user_of = {o.pk: u for u, o in zip(self.supplier_users, self.suppliers, strict=True)}

    def _organisation_name(self, rng: random.Random, sector: str, taken: set[str]) -> str:
        for attempt in range(1000):
            name = f"{rng.choice(PLACES)} {rng.choice(TRADES)} {rng.choice(SUFFIXES[sector])}"
            if attempt > 20:
                name = f"{name} {attempt}"
            if name not in taken:
                taken.add(name)
                return name
        raise CommandError("Could not make up a unique organisation name.")

    def _ward_populations(self) -> None:
        """Illustrative populations for wards that have none, so that weighted results show."""
        rng = self._rng("wards")
        missing = list(WardPopulation.objects.filter(population__isnull=True).order_by("ward__name"))
        for figure in missing:
            figure.population = rng.randint(7500, 13000)
            figure.year = self.today.year - 2
            figure.source = "Illustrative figure for scale testing (seed_scale)"
            figure.illustrative = True
        WardPopulation.objects.bulk_update(missing, ["population", "year", "source", "illustrative"])
        populations = dict(WardPopulation.objects.values_list("ward_id", "population"))
        # Some wards answer more readily than others, so the sample's mix differs from the population's.
        self.ward_weights = [
            round((populations.get(w.pk) or 10000) * rng.uniform(0.5, 1.7)) for w in self.wards
        ]
        self.ward_tilts = {w.pk: [rng.gauss(0, 4) for _ in self.outcomes] for w in self.wards}

    # --- consultations ----------------------------------------------------------------------------------
    def _consultations(self) -> None:
        """One every eight months; the latest is open now, halfway through."""
        rng = self._rng("consultations")
        count = self.options["consultations"]
        rows = []
        for i in range(count):
            ago = 30 + (count - 1 - i) * 240
            opens = _moment(self.today - timedelta(days=ago), 9)
            closes = opens + timedelta(days=60 if i == count - 1 else 56)
            year = closes.year
            published = closes + timedelta(days=rng.randint(20, 60))
            responded = i < count - 1 and published < self.now
            rows.append(
                Consultation(
                    title=f"What matters most in Knowsley: {year} (round {i + 1})",
                    slug=f"scale-{i + 1}-priorities-{opens:%Y-%m}",
                    summary="The board proposes to weight tender social value by what residents value most.",
                    how_answers_are_used="The average points become the proposed split of the next version.",
                    model=self.model,
                    opens_at=opens,
                    closes_at=closes,
                    created_at=opens - timedelta(days=rng.randint(10, 30)),
                    created_by=rng.choice(self.board),
                    board_response=(
                        "You said local jobs and early help matter most; we raised their default shares."
                        if responded
                        else ""
                    ),
                    board_response_published_at=published if responded else None,
                )
            )
        self.consultations = _create(Consultation, rows)
        self.preferences = {
            c.pk: [max(1.0, p + rng.gauss(0, 2)) for p in BASE_PREFERENCES[: len(self.outcomes)]]
            for c in self.consultations
        }

    def _responses(self) -> None:
        """Responses with allocations, comments and contact records, consultation by consultation in
        time order, BATCH at a time."""
        rng = self._rng("responses")
        total = self.options["responses"]
        if not total:
            return
        weights = [rng.randint(60, 160) for _ in self.consultations[:-1]] + [50]  # the open one: half-way
        counts = _split(weights, total)
        taken = set(Response.objects.values_list("receipt_code", flat=True))
        with (
            _Writer(Allocation) as allocations,
            _Writer(Comment) as comments,
            _Writer(ContactRecord) as contacts,
        ):
            entries = retention_schedule()
            for consultation, count in zip(self.consultations, counts, strict=True):
                contacts_kept = contacts_erased_by(consultation, entries) > self.now
                answers = sorted(
                    (self._response(rng, consultation, taken) for _ in range(count)),
                    key=lambda a: a[0].submitted_at,
                )
                for start in range(0, len(answers), BATCH):
                    chunk = answers[start : start + BATCH]
                    _create(Response, [response for response, _p, _c in chunk])
                    for response, points, texts in chunk:
                        for outcome, value in zip(self.outcomes, points, strict=True):
                            allocations.add(response_id=response.pk, outcome_id=outcome.pk, points=value)
                        for outcome, text in texts:
                            comments.add(**self._comment(rng, consultation, response, outcome, text))
                        if contacts_kept and rng.random() < 0.05:
                            contacts.add(
                                consultation_id=consultation.pk,
                                email=f"resident{rng.randrange(10**6):06d}@example.org",
                                created_at=response.submitted_at,
                            )

    def _response(self, rng: random.Random, consultation: Consultation, taken: set[str]):
        """(response, points by outcome, [(outcome or None, comment)])."""
        end = min(consultation.closes_at, self.now)
        span = (end - consultation.opens_at).total_seconds()
        week = min(1.0, 7 * 86400 / span)
        when = rng.random()
        if when < 0.35:  # a rush in the first week, and another in the last
            when = rng.random() * week
        elif when < 0.5:
            when = 1 - rng.random() * week
        else:
            when = rng.random()
        submitted = consultation.opens_at + timedelta(seconds=int(when * span * 0.999))
        channel = _weighted(rng, {"online": 86, "paper": 10, "event": 4})
        ward = rng.choices(self.wards, weights=self.ward_weights)[0] if rng.random() < 0.92 else None
        age = rng.choices(AGE_BANDS, weights=AGE_WEIGHTS_PAPER if channel == "paper" else AGE_WEIGHTS)[0]
        receipt = "".join(rng.choices(RECEIPT_ALPHABET, k=RECEIPT_LENGTH))
        while receipt in taken:
            receipt = "".join(rng.choices(RECEIPT_ALPHABET, k=RECEIPT_LENGTH))
        taken.add(receipt)
        response = Response(
            consultation_id=consultation.pk,
            submitted_at=submitted,
            channel=channel,
            ward_id=ward.pk if ward else None,
            age_band=age,
            lives_in_borough=rng.random() < 0.88,
            works_in_borough=rng.random() < 0.38,
            runs_business_in_borough=rng.random() < 0.05,
            volunteers_in_borough=rng.random() < 0.18,
            consent_to_quote=rng.random() < 0.55,
            receipt_code=receipt,
            is_suspected_duplicate=rng.random() < 0.003,
            entered_by_id=None if channel == "online" else rng.choice(self.commissioners).pk,
        )
        return response, self._points(rng, consultation, ward, age), self._comment_texts(rng)

    def _points(self, rng: random.Random, consultation, ward, age: str) -> list[int]:
        preferences = list(self.preferences[consultation.pk])
        if ward is not None:
            preferences = [p + t for p, t in zip(preferences, self.ward_tilts[ward.pk], strict=True)]
        if age == "65_plus" and len(preferences) > 2:
            preferences[1] += 6  # older residents lean towards early help and fewer crises
        elif age in ("under_18", "18_24"):
            preferences[0] += 8  # younger ones towards jobs and skills
        if rng.random() < 0.12:  # some give everything to one or two outcomes
            raw = [round(rng.random() ** 4 * 1000) for _ in preferences]
        else:
            raw = [max(0, round(rng.gauss(p, 9) * 10)) for p in preferences]
        if not any(raw):
            raw[rng.randrange(len(raw))] = 1
        step = rng.choices([5, 10, 1], weights=[65, 15, 20])[0]  # most residents use round numbers
        return [p * step for p in _split(raw, 100 // step)]

    def _comment_texts(self, rng: random.Random) -> list[tuple]:
        texts = [
            (o, rng.choice(COMMENTS.get(o.number, MISSING))) for o in self.outcomes if rng.random() < 0.04
        ]
        if rng.random() < 0.03:
            texts.append((None, rng.choice(MISSING)))
        return texts

    def _comment(self, rng, consultation, response, outcome, text) -> dict:
        """A comment's columns: after a consultation closes, the board has published or hidden many."""
        closed = consultation.closes_at <= self.now
        status = rng.choices(
            ["published", "hidden", "pending"], weights=[35, 5, 60] if closed else [10, 2, 88]
        )
        comment = {
            "response_id": response.pk,
            "outcome_id": outcome.pk if outcome else None,
            "text": text,
            "status": status[0],
        }
        if status[0] != Comment.Status.PENDING:
            comment["moderated_by_id"] = rng.choice(self.board).pk
            comment["moderated_at"] = min(
                self.now, response.submitted_at + timedelta(days=rng.randint(1, 30))
            )
        if status[0] == Comment.Status.PUBLISHED:
            comment["published_text"] = text + (REDACTED if rng.random() < 0.05 else "")
        elif status[0] == Comment.Status.HIDDEN:
            comment["hidden_reason"] = rng.choice(HIDE_REASONS)
        return comment

    # --- tenders ----------------------------------------------------------------------------------------
    def _tenders(self) -> None:
        """Tenders in every status with their scale, criteria, split and indicators, numbered by year in
        the order they were created (after any tenders already there)."""
        rng = self._rng("tenders")
        n, contracts = self.options["tenders"], self.options["contracts"]
        report = self.options["report_bids"] > 0
        others = n - contracts - report
        split = dict(zip(OTHER_STATUSES, _split(list(OTHER_STATUSES.values()), others), strict=True))
        kinds = ["report"] * report + ["contracted"] * contracts
        kinds += [kind for kind, count in split.items() for _ in range(count)]
        plans = sorted((self._timeline(rng, kind) for kind in kinds), key=lambda p: p.created)
        numbers = Counter()
        for plan in plans:
            self._design(rng, plan)
            year = plan.created.year
            if year not in numbers:
                last = tender_services.next_reference(now=plan.created)
                numbers[year] = int(last.rsplit("-", 1)[1]) - 1
            numbers[year] += 1
            plan.tender.reference = f"KSV-{year}-{numbers[year]:04d}"
        self.plans = plans
        _create(Tender, [p.tender for p in plans])
        through = Tender.commissioners.through
        _create(
            through, [through(tender_id=p.tender.pk, user_id=u.pk) for p in plans for u in p.commissioners]
        )
        _create(QualityCriterion, [c for p in plans for c in p.criteria])
        _create(OutcomeShare, [s for p in plans for s in p.all_shares])
        with _Writer(ScoringScalePoint) as scale, _Writer(OfferedIndicator) as offered:
            for p in plans:
                p.shares = [s for s in p.all_shares if s.share > 0]
                for value, label, descriptor in p.scale:
                    scale.add(tender_id=p.tender.pk, value=value, label=label, descriptor=descriptor)
                for i in p.offered:
                    offered.add(tender_id=p.tender.pk, indicator_id=i.pk, target=self._target(rng, p, i))
        self.report = next((p for p in plans if p.kind == "report"), None)

    def _timeline(self, rng: random.Random, kind: str) -> TenderPlan:
        """The dates of a tender of this kind, from creation to contract, relative to the anchor date."""
        today, days = self.today, timedelta(days=1)
        if kind == "contracted":
            return self._contract_timeline(rng)
        if kind == "report":  # awarded 12 days ago; the standstill may still be running
            deadline = today - 70 * days
            awarded = _office(rng, today - 12 * days)
            plan = TenderPlan(kind, created=None, deadline=_moment(deadline), awarded=awarded)
            plan.notice = _office(rng, today - 10 * days)
        elif kind == "awarded":  # awarded recently; the contract is not entered yet
            deadline = today - rng.randint(45, 300) * days
            awarded = _office(rng, min(today - days, deadline + rng.randint(25, 40) * days))
            plan = TenderPlan(kind, created=None, deadline=_moment(deadline), awarded=awarded)
            if rng.random() < 0.7:
                plan.notice = min(self.now - timedelta(hours=1), awarded + timedelta(days=rng.randint(0, 2)))
        elif kind == "evaluating":
            plan = TenderPlan(kind, created=None, deadline=_moment(today - rng.randint(8, 150) * days))
        elif kind == "closed":
            plan = TenderPlan(kind, created=None, deadline=_moment(today - rng.randint(1, 25) * days))
        elif kind == "published":
            plan = TenderPlan(kind, created=None, deadline=_moment(today + rng.randint(3, 90) * days))
            plan.published = _office(rng, today - rng.randint(3, 45) * days)
        elif kind == "draft":
            plan = TenderPlan(kind, created=None, deadline=_moment(today + rng.randint(20, 180) * days))
            plan.created = _office(rng, today - rng.randint(1, 90) * days)
            return plan
        else:  # cancelled, at any time over three years; a third before they were published
            deadline = today + rng.randint(-1100, 60) * days
            cancelled = _office(rng, min(deadline, today) - rng.randint(1, 30) * days)
            plan = TenderPlan(kind, created=None, deadline=_moment(deadline), cancelled=cancelled)
            if rng.random() < 0.67:
                plan.published = cancelled - timedelta(days=rng.randint(5, 40))
            plan.created = (plan.published or cancelled) - timedelta(days=rng.randint(3, 30))
            return plan
        if plan.published is None:
            plan.published = plan.deadline - timedelta(days=rng.randint(21, 56), hours=rng.randint(0, 5))
        plan.created = plan.published - timedelta(days=rng.randint(5, 40))
        if kind in ("report", "awarded", "evaluating"):
            plan.panel_from = _office(rng, plan.deadline.date() + rng.randint(1, 4) * days)
        if plan.awarded:
            plan.moderated = plan.awarded - timedelta(days=rng.randint(1, 4))
        return plan

    def _contract_timeline(self, rng: random.Random) -> TenderPlan:
        """A contract with exactly `quarters` finished quarters: two in three ran for just those quarters
        and have ended; the rest run for three years or more and are in their next quarter now."""
        quarters = self.options["quarters"]
        base = delivery.add_months(self.today, -3 * quarters)
        if rng.random() < 0.35:
            start = base - timedelta(days=21 + rng.randint(0, 60))
            length = max(quarters + 1, rng.choice([12, 12, 16]))
        else:
            start = base - timedelta(days=21 + rng.randint(0, 420))
            length = quarters
        end = delivery.add_months(start, 3 * max(length, 1)) - timedelta(days=1)
        entered = _office(rng, start - timedelta(days=rng.randint(1, 14)))
        notice_day = entered.date() - timedelta(days=rng.randint(16, 28))
        while rules.standstill_end(notice_day, self.holidays) >= entered.date():
            notice_day -= timedelta(days=7)
        notice = _office(rng, notice_day)
        awarded = notice - timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 3))
        deadline = _moment(awarded.date() - timedelta(days=rng.randint(30, 75)))
        published = deadline - timedelta(days=rng.randint(21, 56), hours=rng.randint(0, 5))
        return TenderPlan(
            "contracted",
            created=published - timedelta(days=rng.randint(5, 40)),
            deadline=deadline,
            published=published,
            panel_from=_office(rng, deadline.date() + timedelta(days=rng.randint(1, 4))),
            moderated=awarded - timedelta(days=rng.randint(1, 4)),
            awarded=awarded,
            notice=notice,
            entered=entered,
            start=start,
            end=end,
        )

    def _design(self, rng: random.Random, plan: TenderPlan) -> None:
        """The tender row of a plan, with its scale, criteria, split and offered indicators (unsaved)."""
        area = rng.choice(list(SERVICE_AREAS))
        what = rng.choice(SERVICE_AREAS[area])
        if plan.kind == "report":
            area, what = "Adult social care", "Home care framework"
        lot = rng.choice(LOTS)
        social_value = rng.choice([10, 15, 20, 20, 25, 30]) if rng.random() < 0.75 else rng.randint(10, 30)
        quality = rng.choice([20, 25, 30, 30, 35, 40])
        if plan.kind == "report":
            social_value, quality = 20, 30
        plan.tender = Tender(
            title=f"{what}: {lot}" + (f" (lot {rng.randint(1, 4)})" if rng.random() < 0.2 else ""),
            specification=(
                f"{what} for Knowsley Council's {area.lower()} team ({lot}): the scope, service levels "
                "and social value requirements are set out in the tender pack."
            ),
            service_area=area,
            estimated_value=Decimal(round(pow(10, rng.uniform(4.4, 6.6)), -3)),
            model=self.model,
            deadline=plan.deadline,
            status=plan.status,
            price_weight=100 - quality - social_value,
            quality_weight=quality,
            social_value_weight=social_value,
            price_formula="deviation" if rng.random() < 0.15 else "relative",
            created_at=plan.created,
            published_at=plan.published if plan.status != "draft" else None,
            cancelled_at=plan.cancelled,
        )
        plan.scale = rules.five_point_scoring_scale() if rng.random() < 0.1 else rules.default_scoring_scale()
        plan.commissioners = rng.sample(self.commissioners, 2 if rng.random() < 0.2 else 1)
        chosen = CRITERIA[:1] + sorted(rng.sample(CRITERIA[1:], rng.randint(1, 3)), key=CRITERIA.index)
        weights = _split([rng.randint(2, 6) for _ in chosen], quality - len(chosen))
        minimum = 40 if plan.scale[2][0] == 40 else 50
        plan.criteria = [
            QualityCriterion(
                tender=plan.tender,
                number=number,
                title=title,
                question=question,
                weight=weight + 1,
                minimum_score=minimum if number == 1 and rng.random() < 0.5 else None,
            )
            for number, ((title, question), weight) in enumerate(zip(chosen, weights, strict=True), start=1)
        ]
        if rng.random() < 0.55:  # the model's default split
            shares = [o.default_share for o in self.outcomes]
        else:  # two to four outcomes that fit the service
            picked = set(rng.sample(range(len(self.outcomes)), rng.randint(2, 4)))
            shares = _split([rng.randint(2, 6) if i in picked else 0 for i in range(len(self.outcomes))], 100)
        plan.all_shares = [
            OutcomeShare(tender=plan.tender, outcome=o, share=s)
            for o, s in zip(self.outcomes, shares, strict=True)
        ]
        plan.offered = [
            indicator
            for outcome, share in zip(self.outcomes, shares, strict=True)
            if share > 0
            for indicator in sorted(
                rng.sample(
                    self.indicators[outcome.pk], min(len(self.indicators[outcome.pk]), rng.randint(1, 3))
                ),
                key=self.indicators[outcome.pk].index,
            )
        ]

    def _quantity(self, rng: random.Random, indicator: Indicator, value: Decimal, strength: float) -> Decimal:
        """A plausible quantity of the indicator for a contract of this value (made-up scale factors)."""
        amount = PER_100K.get(indicator.unit, 1) * float(value) / 100_000
        amount *= rng.uniform(0.3, 1.8) * (0.6 + 0.8 * strength)
        if indicator.unit in WHOLE_UNITS:
            return Decimal(max(1, round(amount)))
        return max(Decimal("0.1"), _pennies(amount).quantize(Decimal("0.1")))

    def _target(self, rng: random.Random, plan: TenderPlan, indicator: Indicator) -> Decimal | None:
        return (
            self._quantity(rng, indicator, plan.tender.estimated_value, 0.5) if rng.random() < 0.4 else None
        )

    # --- bids -------------------------------------------------------------------------------------------
    def _bids(self) -> None:
        """Bids with commitments, answers and method statements: drafts and submitted ones for open
        tenders; mostly submitted ones, with a few drafts never sent and a few withdrawn, once opened."""
        rng = self._rng("bids")
        plans = [p for p in self.plans if p.kind in BIDDING]
        counts = self._bid_counts(rng, plans)
        for plan, count in zip(plans, counts, strict=True):
            end = min(plan.deadline, self.now) - timedelta(minutes=1)
            for n, supplier in enumerate(rng.sample(self.suppliers, count)):
                status = Bid.Status.SUBMITTED
                if plan.kind == "published":
                    status = Bid.Status.SUBMITTED if rng.random() < 0.55 else Bid.Status.DRAFT
                elif plan.kind != "report" and n >= MINIMUM_BIDS[plan.kind]:
                    status = rng.choices(["submitted", "draft", "withdrawn"], weights=[89, 7, 4])[0]
                created = _between(rng, plan.published, plan.published + (end - plan.published) * 0.8)
                saved = _between(rng, created, end)
                strength = rng.random()
                price = _pennies(
                    float(plan.tender.estimated_value) * rng.uniform(0.8, 1.2) * (0.9 + 0.2 * strength)
                )
                plan.bids.append(
                    BidPlan(
                        Bid(
                            tender_id=plan.tender.pk,
                            supplier_id=supplier.pk,
                            status=status,
                            price=None if status == "draft" and rng.random() < 0.4 else price,
                            created_at=created,
                            updated_at=saved,
                            submitted_at=saved if status != "draft" else None,
                            withdrawn_at=_between(rng, saved, end) if status == "withdrawn" else None,
                        ),
                        strength,
                    )
                )
        _create(Bid, [b.bid for p in plans for b in p.bids])
        with (
            _Writer(Commitment) as commitments,
            _Writer(QualityAnswer) as answers,
            _Writer(MethodStatement) as methods,
        ):
            for plan in plans:
                for bp in plan.bids:
                    self._bid_content(rng, plan, bp, commitments, answers, methods)

    def _bid_counts(self, rng: random.Random, plans: list[TenderPlan]) -> list[int]:
        """Bids per tender adding up to --bids: each kind's minimum, then the rest spread unevenly. Other
        awarded tenders get fewer bids than the report tender, so it is the awarded tender with the most."""
        report = self.options["report_bids"]
        suppliers = len(self.suppliers)
        minimum = [report if p.kind == "report" else MINIMUM_BIDS[p.kind] for p in plans]
        cap = [
            report
            if p.kind == "report"
            else min(suppliers, report - 1)
            if report and p.kind in ("contracted", "awarded")
            else suppliers
            for p in plans
        ]
        counts = list(minimum)
        left = self.options["bids"] - sum(minimum)
        if left < 0 or any(m > c for m, c in zip(minimum, cap, strict=True)):
            raise CommandError(
                f"--bids {self.options['bids']} is too few: these tenders need at least {sum(minimum)} "
                f"(2 per awarded or evaluating tender, 1 per closed one, and --report-bids {report})."
            )
        weights = [round(rng.lognormvariate(0, 0.6) * 1000) + 1 for _ in plans]
        while left > 0:
            room = [i for i in range(len(plans)) if counts[i] < cap[i]]
            if not room:
                raise CommandError(f"--bids {self.options['bids']} is more than these tenders can take.")
            for i, extra in zip(room, _split([weights[i] for i in room], left), strict=True):
                extra = min(extra, cap[i] - counts[i])
                counts[i] += extra
                left -= extra
        return counts

    def _bid_content(self, rng, plan: TenderPlan, bp: BidPlan, commitments, answers, methods) -> None:
        complete = bp.bid.status != Bid.Status.DRAFT or rng.random() < 0.5
        offered = plan.offered if complete else plan.offered[: max(1, len(plan.offered) // 2)]
        chosen = [i for i in offered if rng.random() < 0.75] or [rng.choice(offered)]
        for indicator in chosen:
            quantity = self._quantity(rng, indicator, plan.tender.estimated_value, bp.strength)
            bp.commitments.append((indicator, quantity))
            commitments.add(bid_id=bp.bid.pk, indicator_id=indicator.pk, quantity=quantity)
        for criterion in plan.criteria if complete else plan.criteria[:1]:
            text = rng.choice(ANSWER_OPENINGS).format(n=rng.randint(5, 80))
            answers.add(bid_id=bp.bid.pk, criterion_id=criterion.pk, text=f"{criterion.title}: {text}")
        for share in plan.shares if complete else []:
            text = rng.choice(METHOD_OPENINGS)
            methods.add(bid_id=bp.bid.pk, outcome_id=share.outcome_id, text=text)

    # --- evaluation, award and contracts ------------------------------------------------------------------
    def _evaluations(self) -> None:
        """Awarded tenders: a panel of three (sometimes a fourth who declared a conflict), every line of
        every submitted bid scored and moderated. Tenders being evaluated: one evaluator has submitted,
        one is part-way through, one has not declared yet."""
        rng = self._rng("evaluations")
        plans = [p for p in self.plans if p.kind in ("report", "contracted", "awarded", "evaluating")]
        seats = {}
        for plan in plans:
            people = rng.sample(self.evaluators, PANEL_SIZE + 1)
            conflicted = plan.kind != "report" and rng.random() < 0.08
            seats[plan.tender.reference] = [
                self._seat(rng, plan, person, n, conflict=conflicted and n == PANEL_SIZE)
                for n, person in enumerate(people[: PANEL_SIZE + conflicted])
            ]
        _create(PanelMember, [s for plan in plans for s in seats[plan.tender.reference]])
        with _Writer(Score) as scores, _Writer(ModeratedScore) as moderated:
            for plan in plans:
                self._score(rng, plan, seats[plan.tender.reference], scores, moderated)

    def _seat(self, rng, plan: TenderPlan, person: User, n: int, conflict: bool) -> PanelMember:
        added = plan.panel_from + timedelta(minutes=10 * n)
        seat = PanelMember(
            tender=plan.tender, evaluator=person, added_by=plan.commissioners[0], added_at=added
        )
        if plan.kind == "evaluating" and n == 2:
            return seat  # not declared yet
        seat.declared_at = added + timedelta(hours=rng.randint(1, 30))
        if conflict:
            seat.declaration = PanelMember.Declaration.CONFLICT
            seat.conflict_details = "A close relative works for one of the bidders."
            return seat
        seat.declaration = PanelMember.Declaration.NO_CONFLICT
        if plan.kind != "evaluating":
            seat.submitted_at = _between(rng, seat.declared_at, plan.moderated - timedelta(hours=2))
        elif n == 0:
            seat.submitted_at = min(self.now - timedelta(hours=1), seat.declared_at + timedelta(days=4))
        return seat

    def _score(self, rng, plan: TenderPlan, seats: list[PanelMember], scores, moderated) -> None:
        """Each evaluator's scores near the bid's own level; the moderated score is their median. The
        strongest bid meets every minimum, so an awarded tender always has a compliant bid."""
        values = [v for v, _label, _d in plan.scale]
        step = values[1] - values[0]  # the scales are evenly spaced from 0 to 100
        justifications = {v: [j.format(d=d).capitalize() for j in JUSTIFICATIONS] for v, _l, d in plan.scale}
        rationales = {v: f"Agreed after discussion: {label.lower()} ({v})." for v, label, _d in plan.scale}
        bids = plan.submitted
        strongest = max(bids, key=lambda b: b.strength) if bids else None
        scoring_seats = [s for s in seats if s.declaration == PanelMember.Declaration.NO_CONFLICT]
        for k, bp in enumerate(bids):
            for criterion, share in plan.lines:
                level = bp.strength * 100 + rng.gauss(0, 12)
                given = []
                for seat in scoring_seats:
                    if plan.kind == "evaluating" and seat.submitted_at is None and k >= len(bids) // 2:
                        continue  # part-way through
                    value = values[min(len(values) - 1, max(0, round((level + rng.gauss(0, 8)) / step)))]
                    if bp is strongest and criterion and criterion.minimum_score:
                        value = max(value, criterion.minimum_score)
                    given.append(value)
                    scores.add(
                        panel_member_id=seat.pk,
                        bid_id=bp.bid.pk,
                        criterion_id=criterion.pk if criterion else None,
                        share_id=share.pk if share else None,
                        value=value,
                        justification=rng.choice(justifications[value]),
                        updated_at=_between(rng, seat.declared_at, seat.submitted_at or self.now),
                    )
                if plan.kind == "evaluating":
                    continue
                agreed = sorted(given)[len(given) // 2]
                moderated.add(
                    bid_id=bp.bid.pk,
                    criterion_id=criterion.pk if criterion else None,
                    share_id=share.pk if share else None,
                    value=agreed,
                    rationale=rationales[agreed],
                    flagged=rules.spread_flagged(given),
                    moderated_by_id=plan.commissioners[0].pk,
                    moderated_at=plan.moderated,
                )

    def _awards(self) -> None:
        """Each awarded tender's top-ranked bid, with the evaluation snapshot the app itself takes."""
        awarded = [p for p in self.plans if p.status == Tender.Status.AWARDED]
        _analyze(Bid, Commitment, ModeratedScore, QualityCriterion, OutcomeShare, Tender)
        for plan in awarded:
            result = evaluation_selectors.evaluation(plan.tender)
            bid, ranked = result.ranked()[0]
            if not result.complete or ranked.rank != 1:
                raise CommandError(f"{plan.tender.reference}: the made-up evaluation has no compliant bid.")
            by_pk = {b.bid.pk: b for b in plan.bids}
            plan.winner = by_pk[bid.pk]
            notice = plan.notice
            plan.award = Award(
                tender=plan.tender,
                bid=plan.winner.bid,
                reason="Tied with another bid on total and on quality and social value: the panel chose this "
                "one for its delivery plan."
                if ranked.tied
                else "",
                results=award_services._results_snapshot(result),
                awarded_by=plan.commissioners[0],
                awarded_at=plan.awarded,
                notice_published_at=notice,
                standstill_ends=rules.standstill_end(timezone.localdate(notice), self.holidays)
                if notice
                else None,
            )
        _create(Award, [p.award for p in awarded])

    def _contracts(self) -> None:
        """Contracts from the awarded bids, their commitments frozen as KPIs with illustrative proxies
        where the model has none."""
        plans = [p for p in self.plans if p.kind == "contracted"]
        self.contracts = _create(
            Contract,
            [
                Contract(
                    award=p.award,
                    start_date=p.start,
                    end_date=p.end,
                    value=p.winner.bid.price,
                    reporting_months=3,
                    entered_by=p.commissioners[0],
                    entered_at=p.entered,
                )
                for p in plans
            ],
        )
        for plan, contract in zip(plans, self.contracts, strict=True):
            plan.contract = contract
            plan.kpis = [
                ContractKPI(
                    contract=contract,
                    indicator=indicator,
                    outcome_number=indicator.outcome.number,
                    code=indicator.code,
                    name=indicator.name,
                    unit=indicator.unit,
                    committed=quantity,
                    proxy_value=indicator.proxy_value
                    if indicator.proxy_value is not None
                    else ILLUSTRATIVE_PROXIES.get(indicator.unit),
                )
                for indicator, quantity in plan.winner.commitments
            ]
        _create(ContractKPI, [k for p in plans for k in p.kpis])
        self.contract_plans = plans

    def _delivery(self) -> None:
        """The first `quarters` quarters of every contract reported a few days after each ended, at a rate
        of plan that differs by contract, so RAG states vary. Lines are mostly verified; some are queried
        (a few answered and waiting again); the latest quarter's are partly still waiting."""
        rng = self._rng("delivery")
        quarters = self.options["quarters"]
        reports, lines = [], []
        for n, plan in enumerate(self.contract_plans):
            contract = plan.contract
            supplier = self.user_of[plan.winner.bid.supplier_id]
            low, high = RATE_BANDS[n % len(RATE_BANDS)]
            rate = rng.uniform(low, high)
            kpi_rates = [rate * rng.uniform(0.92, 1.08) for _ in plan.kpis]
            days = (contract.end_date - contract.start_date).days + 1
            periods = delivery.reporting_periods(contract.start_date, contract.end_date, 3)[:quarters]
            for q, (first, last) in enumerate(periods):
                submitted = _office(rng, last + timedelta(days=rng.randint(3, 15)))
                report = DeliveryReport(
                    contract_id=contract.pk,
                    period_start=first,
                    period_end=last,
                    submitted_by_id=supplier.pk,
                    submitted_at=submitted,
                )
                reports.append(report)
                latest = q == len(periods) - 1
                for kpi, kpi_rate in zip(plan.kpis, kpi_rates, strict=True):
                    share = ((last - first).days + 1) / days
                    amount = float(kpi.committed) * share * kpi_rate * rng.uniform(0.85, 1.15)
                    line = {
                        "kpi_id": kpi.pk,
                        "quantity": _whole(rng, amount) if kpi.unit in WHOLE_UNITS else _pennies(amount),
                        "notes": rng.choice(NOTES),
                        "reported_by_id": supplier.pk,
                    }
                    status = rng.choices(
                        ["verified", "queried", "pending"], weights=[75, 7, 18] if latest else [98, 1, 1]
                    )[0]
                    line["status"] = status
                    if status != "pending":
                        line["reviewed_by_id"] = rng.choice(plan.commissioners).pk
                        line["reviewed_at"] = min(
                            self.now - timedelta(hours=1), submitted + timedelta(days=rng.randint(1, 12))
                        )
                    if status == "queried":
                        line["question"] = rng.choice(QUERIES)
                    elif status == "pending" and not latest:  # queried, answered, waiting to be checked again
                        line["question"] = rng.choice(QUERIES)
                        line["answer"] = "The register is attached; the figure stands."
                    lines.append((report, line))
        _create(DeliveryReport, reports)
        with _Writer(DeliveryLine) as writer:
            for report, line in lines:
                writer.add(report_id=report.pk, **line)

    # --- summary ------------------------------------------------------------------------------------------
    def _summary(self, seconds: float) -> None:
        def count(model, **filters) -> str:
            return f"{model.objects.filter(**filters).count():,}"

        statuses = Counter(p.status for p in self.plans)
        lines = Counter(DeliveryLine.objects.values_list("status", flat=True).order_by())
        write = self.stdout.write
        write(f"seed_scale (seed {self.seed}, anchor date {self.today:%Y-%m-%d}):")
        users = count(User, username__startswith="scale.")
        write(f"  users {users}, supplier organisations {len(self.suppliers):,}")
        write(
            f"  consultations {len(self.consultations)}, responses {count(Response)} "
            f"(allocations {count(Allocation)}, comments {count(Comment)}, contacts {count(ContactRecord)})"
        )
        write(
            f"  tenders {len(self.plans):,} ("
            + ", ".join(f"{s} {statuses[s]:,}" for s in Tender.Status.values if statuses[s])
            + ")"
        )
        write(
            f"  bids {sum(len(p.bids) for p in self.plans):,} (commitments {count(Commitment)}, "
            f"answers {count(QualityAnswer)}, method statements {count(MethodStatement)})"
        )
        write(
            f"  panel seats {count(PanelMember)}, scores {count(Score)}, moderated scores "
            f"{count(ModeratedScore)}, awards {count(Award)}"
        )
        write(
            f"  contracts {len(self.contracts):,} (KPIs {count(ContractKPI)}), delivery reports "
            f"{count(DeliveryReport)}, lines {sum(lines.values()):,} ("
            + ", ".join(f"{s} {lines[s]:,}" for s in DeliveryLine.Status.values)
            + ")"
        )
        if self.report:
            write(
                f"Evaluation report tender: {self.report.tender.reference} "
                f"({len(self.report.submitted)} submitted bids, complete evaluation, awarded)"
            )
        write("Seconds per step: " + ", ".join(f"{name} {t:.1f}" for name, t in self.timings.items()))
        write(f"Done in {seconds:.1f} s.")
