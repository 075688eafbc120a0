"""Builders shared by the procurement model, service and seal tests."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation
from procurement.models import SupplierMember, Tender
from procurement.services import award as award_services
from procurement.services import bids as bid_services
from procurement.services import contracts as contract_services
from procurement.services import evaluation as evaluation_services
from procurement.services import tenders as tender_services

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
        "deadline": timezone.now() + timedelta(days=30),  # over the 25-day minimum tendering period
        **fields,
    }
    tender = tender_services.tender_create(by=by, **details)
    if deadline is not None:
        # The services refuse a past deadline; time passing is what makes one, so set it directly.
        Tender.objects.filter(pk=tender.pk).update(deadline=deadline)
    tender_services.criteria_set(tender=tender, criteria=[dict(c) for c in CRITERIA], by=by)
    shares = {o.number: o.default_share for o in tender.model.outcomes.all()}
    offered = {indicator.pk: None for indicator in first_indicators(tender.model).values()}
    tender_services.split_set(tender=tender, shares=shares, offered=offered, by=by)
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


# --- DESIGN §5.4's worked example, as a tender with three bids ---------------------------------------
WORKED_EXAMPLE = {
    # supplier: (price, {line: moderated score}), lines Q1, Q2, O1, O3, O6
    "Alpha Services": (Decimal("100000"), {"Q1": 60, "Q2": 80, "O1": 80, "O3": 60, "O6": 40}),
    "Beta Care": (Decimal("80000"), {"Q1": 40, "Q2": 60, "O1": 20, "O3": 40, "O6": 20}),
    "Gamma Works": (Decimal("125000"), {"Q1": 100, "Q2": 80, "O1": 100, "O3": 80, "O6": 100}),
}
# supplier: (price score, quality, social value, total, rank), DESIGN §5.4's table
WORKED_EXAMPLE_TABLE = {
    "Alpha Services": ("40.00", "20.00", "13.20", "73.20", 2),
    "Beta Care": ("50.00", "14.00", "5.20", "69.20", 3),
    "Gamma Works": ("32.00", "28.00", "18.80", "78.80", 1),
}


def worked_example_tender(by, suppliers=WORKED_EXAMPLE, open_bids=True) -> Tender:
    """Weights 50/30/20, Q1 20 and Q2 10 (no minimum), social value split 50/30/20 over outcomes 1, 3 and 6,
    one bid per supplier; the deadline has passed and (by default) the bids are opened."""
    tender = tender_services.tender_create(
        by=by,
        title="Home care",
        specification="Care at home for adults in the borough.",
        service_area="Adult social care",
        estimated_value=Decimal("100000.00"),
        deadline=timezone.now() + timedelta(days=30),
    )
    tender_services.criteria_set(
        tender=tender,
        criteria=[
            {"title": "Delivery", "question": "How will you deliver?", "weight": 20, "minimum_score": None},
            {"title": "Staffing", "question": "Who will do the work?", "weight": 10, "minimum_score": None},
        ],
        by=by,
    )
    indicators = first_indicators(tender.model)
    tender_services.split_set(
        tender=tender,
        shares={n: {1: 50, 3: 30, 6: 20}.get(n, 0) for n in range(1, 7)},
        offered={indicators[n].pk: None for n in (1, 3, 6)},
        by=by,
    )
    tender_services.tender_publish(tender=tender, by=by)
    criteria = list(tender.criteria.order_by("number"))
    outcomes = {s.outcome.number: s.outcome_id for s in tender.shares.select_related("outcome")}
    for name, (price, _scores) in suppliers.items():
        content = bid_services.BidContent(
            price=price,
            answers={c.pk: f"{name} answers {c.title}." for c in criteria},
            methods={outcomes[n]: f"{name}'s method for outcome {n}." for n in (1, 3, 6)},
            commitments={indicators[1].pk: Decimal(10), indicators[6].pk: Decimal(2)},
        )
        bid_services.bid_save(tender=tender, by=supplier_user(name), content=content, submit=True)
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    tender.refresh_from_db()
    if open_bids:
        bid_services.bids_open(tender=tender, by=by)
        tender.refresh_from_db()
    return tender


def line_keys(tender) -> dict[str, str]:
    """ "Q1" / "O3" -> the line key the services take."""
    from procurement.selectors.evaluation import evaluation_lines

    return {line.short: line.key for line in evaluation_lines(tender)}


def bids_by_supplier(tender) -> dict:
    return {b.supplier.name: b for b in tender.bids.select_related("supplier")}


def panel_of(tender, by, count=3):
    """`count` evaluators on the panel, each declared free of conflict."""
    evaluators = [UserFactory(username=f"evaluator{n}", roles=[Role.EVALUATOR]) for n in range(1, count + 1)]
    for evaluator in evaluators:
        evaluation_services.panel_add(tender=tender, evaluator=evaluator, by=by)
        evaluation_services.declare(tender=tender, by=evaluator, conflict=False)
    return evaluators


def score_as(tender, evaluator, scores=WORKED_EXAMPLE, adjust=None, submit=True):
    """The evaluator scores every bid as `scores` says, `adjust` {(supplier, line): value} aside."""
    keys, bids = line_keys(tender), bids_by_supplier(tender)
    for name, (_price, by_line) in scores.items():
        entries = {
            keys[line]: ((adjust or {}).get((name, line), value), f"{evaluator.username} on {name} {line}")
            for line, value in by_line.items()
        }
        evaluation_services.scores_save(tender=tender, bid=bids[name], by=evaluator, entries=entries)
    if submit:
        evaluation_services.scores_submit(tender=tender, by=evaluator)


def moderate_all(tender, by, scores=WORKED_EXAMPLE):
    keys, bids = line_keys(tender), bids_by_supplier(tender)
    for name, (_price, by_line) in scores.items():
        entries = {
            keys[line]: (value, f"Panel agreed {value} for {name} {line}") for line, value in by_line.items()
        }
        evaluation_services.moderate(tender=tender, bid=bids[name], by=by, entries=entries)


def contracted_tender(commissioner, *, start=None, end=None, months=3):
    """The worked example evaluated by three evaluators, awarded to Gamma Works, standstill over and the
    contract entered (by default for the year from 1 April 2027, reported quarterly). Returns the contract."""
    from datetime import date, datetime

    tender = worked_example_tender(commissioner)
    for evaluator in panel_of(tender, commissioner):
        score_as(tender, evaluator)
    moderate_all(tender, commissioner)
    award_services.award(tender=tender, bid=bids_by_supplier(tender)["Gamma Works"], by=commissioner)
    award_services.award_notice_publish(
        tender=tender, by=commissioner, now=timezone.make_aware(datetime(2027, 1, 11, 9, 0))
    )
    return contract_services.contract_enter(
        tender=tender,
        by=commissioner,
        start_date=start or date(2027, 4, 1),
        end_date=end or date(2028, 3, 31),
        value=Decimal("125000"),
        reporting_months=months,
        now=timezone.make_aware(datetime(2027, 2, 1, 9, 0)),
    )
