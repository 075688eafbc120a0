"""Every procurement write service names to caching.changed (knowsley_sv.caching) each model whose rows it
writes: the table runs each one under tests/cache_bumps.announces_what_it_writes(), which sees the tables
written in the SQL, bulk writes and deletions included. Stricter than the harness, which checks only the
models some topic reads today: here every model written is named (the audit row aside: the core's audit
trail writes it), so a topic declared later over any procurement model is bumped already."""

import inspect
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from knowsley_sv.models import User
from knowsley_sv.roles import Role
from procurement.models import DeliveryLine, PanelMember
from procurement.retention import evidence_after_contract
from procurement.selectors import evaluation as evaluation_selectors
from procurement.services import award as award_services
from procurement.services import bids as bid_services
from procurement.services import contracts as contract_services
from procurement.services import delivery as delivery_services
from procurement.services import evaluation as evaluation_services
from procurement.services import suppliers as supplier_services
from procurement.services import tenders as tender_services

from ..cache_bumps import announces_what_it_writes
from ..factories import UserFactory
from .helpers import (
    CRITERIA,
    bids_by_supplier,
    contracted_tender,
    line_keys,
    moderate_all,
    panel_of,
    publishable_tender,
    score_as,
    supplier_user,
    worked_example_tender,
)

pytestmark = pytest.mark.django_db

AUDIT = {"knowsley_sv.auditevent"}  # written by knowsley_sv.audit.audit_record with every service
JULY = timezone.make_aware(datetime(2027, 7, 5, 10, 0))
SERVICE_MODULES = [
    tender_services,
    bid_services,
    supplier_services,
    evaluation_services,
    award_services,
    contract_services,
    delivery_services,
]


# --- Each row builds the state a service needs and returns the call --------------------------------------
def _draft(by):
    return publishable_tender(by)


def _published(by):
    tender = publishable_tender(by)
    return tender_services.tender_publish(tender=tender, by=by)


def _bid(tender, name="Delta Ltd"):
    supplier = supplier_user(name)
    content = bid_services.BidContent(price=Decimal("90000"))
    return supplier, bid_services.bid_save(tender=tender, by=supplier, content=content)


def _scored(by):
    tender = worked_example_tender(by)
    for evaluator in panel_of(tender, by):
        score_as(tender, evaluator)
    return tender


def _awarded(by):
    tender = _scored(by)
    moderate_all(tender, by)
    award_services.award(tender=tender, bid=bids_by_supplier(tender)["Gamma Works"], by=by)
    return tender


def _reported(by):
    contract = contracted_tender(by)
    supplier = User.objects.get(username="supplier-gamma-works")
    kpi = contract.kpis.order_by("pk").first()
    delivery_services.delivery_report_save(
        contract=contract,
        period_start=date(2027, 4, 1),
        by=supplier,
        lines={kpi.pk: delivery_services.LineEntry(Decimal(3), "Payroll", [_pdf()])},
        now=JULY,
    )
    return contract, supplier, DeliveryLine.objects.get(kpi=kpi)


def _pdf():
    return SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


def tender_create(by):
    details = {"title": "Litter", "specification": "Parks.", "service_area": "Parks", "estimated_value": 1}
    deadline = timezone.now() + timedelta(days=30)
    return lambda: tender_services.tender_create(by=by, deadline=deadline, **details)


def tender_update(by):
    tender = _draft(by)
    return lambda: tender_services.tender_update(tender=tender, by=by, title="Grass cutting")


def scale_set(by):
    tender = _draft(by)
    return lambda: tender_services.scale_set(tender=tender, scale="five_point", by=by)


def criteria_set(by):
    tender = _draft(by)
    return lambda: tender_services.criteria_set(tender=tender, criteria=[dict(CRITERIA[0])], by=by)


def split_set(by):
    tender = _draft(by)
    shares = dict(tender.shares.values_list("outcome__number", "share"))
    return lambda: tender_services.split_set(tender=tender, shares=shares, offered={}, by=by)


def tender_publish(by):
    tender = _draft(by)
    return lambda: tender_services.tender_publish(tender=tender, by=by)


def tender_withdraw(by):
    tender = _published(by)
    return lambda: tender_services.tender_withdraw(tender=tender, reason="Specification wrong", by=by)


def tender_cancel(by):
    tender = _draft(by)
    return lambda: tender_services.tender_cancel(tender=tender, reason="No longer needed", by=by)


def bid_save(by):
    tender = _published(by)
    supplier = supplier_user("Delta Ltd")
    content = bid_services.BidContent(price=Decimal("90000"))
    return lambda: bid_services.bid_save(tender=tender, by=supplier, content=content, submit=True)


def bid_withdraw(by):
    supplier, bid = _bid(_published(by))
    return lambda: bid_services.bid_withdraw(bid=bid, by=supplier)


def bids_open(by):
    tender = worked_example_tender(by, open_bids=False)
    return lambda: bid_services.bids_open(tender=tender, by=by)


def supplier_register(_by):
    return lambda: supplier_services.supplier_register(
        first_name="Dee",
        last_name="Lane",
        email="dee@example.com",
        username="dee",
        password="a long enough password",
        organisation="Lane Landscapes Ltd",
        sector="private",
        size="micro",
    )


def supplier_add_user(_by):
    supplier = supplier_user("Delta Ltd")
    return lambda: supplier_services.supplier_add_user(
        by=supplier, first_name="Eve", last_name="Ng", email="eve@example.com", username="eve", password="x"
    )


def panel_add(by):
    tender = worked_example_tender(by)
    evaluator = UserFactory(username="evaluator", roles=[Role.EVALUATOR])
    return lambda: evaluation_services.panel_add(tender=tender, evaluator=evaluator, by=by)


def panel_remove(by):
    tender = worked_example_tender(by)
    evaluators = panel_of(tender, by, count=2)
    member = PanelMember.objects.get(evaluator=evaluators[1])
    return lambda: evaluation_services.panel_remove(member=member, by=by)


def declare(by):
    tender = worked_example_tender(by)
    evaluator = UserFactory(username="evaluator", roles=[Role.EVALUATOR])
    evaluation_services.panel_add(tender=tender, evaluator=evaluator, by=by)
    return lambda: evaluation_services.declare(tender=tender, by=evaluator, conflict=False)


def scores_save(by):
    tender = worked_example_tender(by)
    evaluator = panel_of(tender, by, count=1)[0]
    bid = bids_by_supplier(tender)["Alpha Services"]
    entries = {line_keys(tender)["Q1"]: (60, "Clear plan")}
    return lambda: evaluation_services.scores_save(tender=tender, bid=bid, by=evaluator, entries=entries)


def scores_submit(by):
    tender = worked_example_tender(by)
    evaluator = panel_of(tender, by, count=1)[0]
    score_as(tender, evaluator, submit=False)
    return lambda: evaluation_services.scores_submit(tender=tender, by=evaluator)


def moderate(by):
    tender = _scored(by)
    bid = bids_by_supplier(tender)["Alpha Services"]
    entries = {line_keys(tender)["Q1"]: (60, "Agreed")}
    return lambda: evaluation_services.moderate(tender=tender, bid=bid, by=by, entries=entries)


def award(by):
    tender = _scored(by)
    moderate_all(tender, by)
    bid = bids_by_supplier(tender)["Gamma Works"]
    return lambda: award_services.award(tender=tender, bid=bid, by=by)


def award_notice_publish(by):
    tender = _awarded(by)
    return lambda: award_services.award_notice_publish(tender=tender, by=by)


def contract_enter(by):
    tender = _awarded(by)
    award_services.award_notice_publish(tender=tender, by=by, now=timezone.make_aware(datetime(2027, 1, 11)))
    return lambda: contract_services.contract_enter(
        tender=tender,
        by=by,
        start_date=date(2027, 4, 1),
        end_date=date(2028, 3, 31),
        value=Decimal("125000"),
        now=timezone.make_aware(datetime(2027, 2, 1)),
    )


def delivery_report_save(by):
    contract = contracted_tender(by)
    supplier = User.objects.get(username="supplier-gamma-works")
    lines = {k.pk: delivery_services.LineEntry(Decimal(2), "Payroll", [_pdf()]) for k in contract.kpis.all()}
    return lambda: delivery_services.delivery_report_save(
        contract=contract, period_start=date(2027, 4, 1), by=supplier, lines=lines, now=JULY
    )


def line_verify(by):
    _contract, _supplier, line = _reported(by)
    return lambda: delivery_services.line_verify(line=line, by=by)


def line_query(by):
    _contract, _supplier, line = _reported(by)
    return lambda: delivery_services.line_query(line=line, by=by, question="Which payroll?")


def line_answer(by):
    _contract, supplier, line = _reported(by)
    delivery_services.line_query(line=line, by=by, question="Which payroll?")
    return lambda: delivery_services.line_answer(
        line=line, by=supplier, answer="June's", quantity=Decimal(3), files=[_pdf()]
    )


def rating_record(by):
    contract = contracted_tender(by)
    return lambda: delivery_services.rating_record(
        contract=contract, by=by, period_end=date(2028, 3, 31), rating="good", notes="On track."
    )


def evidence_retention(by):
    """Not a service, but a write: the retention job's deletion of expired evidence."""
    _reported(by)
    cutoff = timezone.make_aware(datetime(2035, 1, 1))
    return lambda: evidence_after_contract(cutoff=cutoff, now=cutoff, dry_run=False)


TABLE = [
    tender_create,
    tender_update,
    scale_set,
    criteria_set,
    split_set,
    tender_publish,
    tender_withdraw,
    tender_cancel,
    bid_save,
    bid_withdraw,
    bids_open,
    supplier_register,
    supplier_add_user,
    panel_add,
    panel_remove,
    declare,
    scores_save,
    scores_submit,
    moderate,
    award,
    award_notice_publish,
    contract_enter,
    delivery_report_save,
    line_verify,
    line_query,
    line_answer,
    rating_record,
    evidence_retention,
]


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


# --- The services modules' reads: each is called once and must write nothing -------------------------------
def _moderated(by):
    tender = _scored(by)
    moderate_all(tender, by)
    return tender


def _seated(by):
    tender = worked_example_tender(by)
    return tender, panel_of(tender, by, count=1)[0]


READ_ROWS = {
    "award.award_check": lambda by: (
        lambda t: (
            lambda: award_services.award_check(
                evaluation=evaluation_selectors.evaluation(t),
                bid=bids_by_supplier(t)["Gamma Works"],
                reason="",
            )
        )
    )(_moderated(by)),
    "award.bank_holidays": lambda by: award_services.bank_holidays,
    "delivery.evidence_field": lambda by: lambda: delivery_services.evidence_field(1),
    "delivery.quantity_field": lambda by: lambda: delivery_services.quantity_field(1),
    "evaluation.agreed_score": lambda by: lambda: evaluation_services.agreed_score([60, 60]),
    "evaluation.evaluating_tender": lambda by: (
        lambda t: lambda: evaluation_services.evaluating_tender(t, t.status)
    )(worked_example_tender(by)),
    "evaluation.moderation_problems": lambda by: (
        lambda t: lambda: evaluation_services.moderation_problems(t)
    )(_scored(by)),
    "evaluation.score_field": lambda by: lambda: evaluation_services.score_field("q1"),
    "evaluation.text_field": lambda by: lambda: evaluation_services.text_field("rationale", "q1"),
    "evaluation.scores_outstanding": lambda by: (
        lambda t, e: (
            lambda: evaluation_services.scores_outstanding(
                PanelMember.objects.get(evaluator=e), evaluation_selectors.evaluation_lines(t), [1]
            )
        )
    )(*_seated(by)),
    "evaluation.scoring_seat": lambda by: (lambda t, e: lambda: evaluation_services.scoring_seat(t, e))(
        *_seated(by)
    ),
    "suppliers.supplier_of": lambda by: (lambda user: lambda: supplier_services.supplier_of(user))(
        supplier_user("Delta Ltd")
    ),
    "tenders.locked_tender": lambda by: (lambda t: lambda: tender_services.locked_tender(t))(_draft(by)),
    "tenders.minimum_tender_period_days": lambda by: tender_services.minimum_tender_period_days,
    "tenders.next_reference": lambda by: tender_services.next_reference,
    "tenders.scale_choice_of": lambda by: (lambda t: lambda: tender_services.scale_choice_of(t))(_draft(by)),
    "tenders.tender_problems_by_step": lambda by: (
        lambda t: lambda: tender_services.tender_problems_by_step(t)
    )(_draft(by)),
    "tenders.tender_publication_problems": lambda by: (
        lambda t: lambda: tender_services.tender_publication_problems(t)
    )(_draft(by)),
}


def _dotted(row) -> str:
    module = next(m for m in SERVICE_MODULES if getattr(m, row.__name__, None) is not None)
    return f"{module.__name__}.{row.__name__}"


# The table tests/knowsley_sv/test_cache_bumps_cover.py reads: every public function of procurement.services.
SERVICES = {_dotted(row): row for row in TABLE if row is not evidence_retention}
READS_ONLY = {f"procurement.services.{name}": row for name, row in READ_ROWS.items()}


@pytest.mark.parametrize("name", sorted(READS_ONLY))
def test_a_read_of_the_services_modules_writes_nothing(name, commissioner):
    call = READS_ONLY[name](commissioner)
    with announces_what_it_writes() as seen:
        call()
    assert seen.written == set(), f"{name} only reads, yet wrote {sorted(seen.written)}"


@pytest.mark.parametrize("row", TABLE, ids=[row.__name__ for row in TABLE])
def test_a_write_names_every_model_it_writes(row, commissioner, storage):
    call = row(commissioner)
    with announces_what_it_writes() as seen:
        call()
        assert seen.written - AUDIT, "the call wrote nothing: the row tests no write"
        assert seen.written - AUDIT <= seen.named, f"not named: {sorted(seen.written - AUDIT - seen.named)}"


def _write_services() -> set[str]:
    """The public functions of procurement/services/ that run in a transaction: the writes."""
    return {
        name
        for module in SERVICE_MODULES
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and hasattr(function, "__wrapped__")
    }


def test_every_write_service_has_a_row():
    assert _write_services() == {row.__name__ for row in TABLE} - {"evidence_retention"}
