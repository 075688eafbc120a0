"""One world for the security probes: an object of every kind the URLconf names, in the states its pages
need, and a user for each column of the permission table.

- outcomes: version 2 is a draft (started by the board), with an indicator; a review of version 1; an
  organisation (Gamma Works, which holds a contract) and a board membership; an action on the review's log.
- reporting: a draft review pack for this financial year (for the review) and last year's pack, approved
  (frozen) and published.
- consultation: an open one (with a resident's response, a comment and a contact), a closed one and one
  that opens in five days.
- procurement: a draft tender; an open tender (published, deadline ahead) with a submitted bid by the holding
  supplier; and DESIGN §5.4's worked example evaluated, awarded to Gamma Works and contracted, running from
  200 days ago to 165 days ahead, with the first quarter reported: line 1.1 waits for checks (with a PDF as
  evidence) and line 6.1 is queried.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultation import services as consultation_services
from consultation.models import Comment, WardPopulation
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes import services as outcome_services
from outcomes.models import BoardMembership, Indicator, ModelReview, Organisation, ReviewAction
from procurement.models import Bid, Contract, PanelMember, Tender
from procurement.services import bids as bid_services
from procurement.services import delivery as delivery_services
from procurement.services import tenders as tender_services
from reporting import services as pack_services
from reporting.pack.period import Period
from reporting.years import financial_year_of

from ..consultation.helpers import answers, make_consultation
from ..factories import UserFactory
from ..procurement.helpers import (
    bids_by_supplier,
    contracted_tender,
    first_indicators,
    publishable_tender,
)

# Columns of the permission table, in order.
WHO = (
    "anonymous",
    "resident",
    "supplier",  # Gamma Works: bids on the open tender, holds the contract
    "other supplier",  # Alpha Services: bid on the worked example and lost; no bid on the open tender
    "commissioner",  # created every tender
    "other commissioner",
    "evaluator",  # on the worked example's panel, declared no conflict, scores submitted
    "board member",
    "administrator",  # Administrator role, staff (runs the Django admin)
)
HOLDER, OTHER_SUPPLIER = "supplier-gamma-works", "supplier-alpha-services"


@dataclass
class World:
    users: dict[str, User | None]
    draft_model: int
    indicator: Indicator
    review: ModelReview
    organisation: Organisation
    losing_organisation: Organisation
    membership: BoardMembership
    open_consultation: object
    closed_consultation: object
    upcoming_consultation: object
    comment: Comment
    ward_population: WardPopulation
    draft: Tender
    open: Tender
    open_bid: Bid
    awarded: Tender
    contract: Contract
    winning_bid: Bid
    panel_member: PanelMember
    line: object  # pending line 1.1
    queried: object  # queried line 6.1
    evidence: object
    action: object = None  # an action on the review's log
    draft_pack: object = None  # a review pack in preparation (live figures)
    published_pack: object = None  # a review pack approved (frozen) and published
    extra: dict = field(default_factory=dict)

    def values(self) -> dict[str, object]:
        """Placeholder -> value, for the paths of the tables."""
        return {
            "dm": self.draft_model,  # the draft model version
            "ind": self.indicator.pk,  # an indicator of the draft
            "rev": self.review.pk,
            "org": self.organisation.pk,  # Gamma Works, which holds the contract
            "lo": self.losing_organisation.pk,  # Alpha Services: lost the worked example, holds nothing
            "bm": self.membership.pk,
            "oc": self.open_consultation.slug,
            "cc": self.closed_consultation.slug,
            "uc": self.upcoming_consultation.slug,  # opens in five days
            "no": "no-such-consultation",  # no consultation has it
            "cm": self.comment.pk,  # a comment on the open consultation
            "wp": self.ward_population.pk,
            "dr": self.draft.reference,  # the draft tender
            "op": self.open.reference,  # the open tender (published, deadline ahead)
            "ob": self.open_bid.pk,  # the holding supplier's bid on it
            "aw": self.awarded.reference,  # the worked example, awarded and contracted
            "wb": self.winning_bid.pk,  # Gamma Works' bid on it
            "pm": self.panel_member.pk,  # the evaluator's seat on its panel
            "ct": self.contract.pk,
            "pd": self.contract.start_date.isoformat(),  # its first reporting period
            "ln": self.line.pk,  # line 1.1 of that period, waiting for checks
            "ql": self.queried.pk,  # line 6.1, queried
            "ev": self.evidence.pk,  # the PDF sent with line 1.1
            "act": self.action.pk,  # an action on the review
            "dp": self.draft_pack.pk,  # a draft review pack
            "pp": self.published_pack.pk,  # an approved and published review pack
        }


def pdf(name="evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 delivery evidence", content_type="application/pdf")


def build_world(**text) -> World:
    """`text` overrides the free text written into the objects (the XSS probe passes its payloads)."""
    t = text.get
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    board = UserFactory(username="board-member", roles=[Role.BOARD_MEMBER])

    # outcomes
    draft_model = outcome_services.model_start_draft(by=board)
    indicator = Indicator.objects.filter(outcome__model=draft_model).order_by("code").first()
    review = outcome_services.review_record(
        model=draft_model.based_on,
        held_on=timezone.localdate(),
        attendees=[board],
        evidence=t("review_evidence", "Consultation results"),
        findings=t("review_findings", "The model works"),
        decisions=t("review_decisions", "Keep it"),
        result=ModelReview.Result.KEPT,
        by=board,
    )

    # consultation
    open_consultation = make_consultation(slug="open-consultation")
    closed_consultation = make_consultation(slug="closed-consultation", closed=True)
    upcoming_consultation = make_consultation(slug="upcoming-consultation", open_now=False)
    response = consultation_services.response_submit(
        consultation=open_consultation,
        answers=answers(comments={1: t("resident_comment", "More apprenticeships")}),
        email="resident@example.org",
    )
    comment = response.comments.get()

    # procurement: the worked example, contracted and reported on
    today = timezone.localdate()
    contract = contracted_tender(
        commissioner, start=today - timedelta(days=200), end=today + timedelta(days=165), months=3
    )
    awarded = contract.award.tender
    holder, other_supplier = User.objects.get(username=HOLDER), User.objects.get(username=OTHER_SUPPLIER)
    kpis = {k.outcome_number: k for k in contract.kpis.all()}
    report = delivery_services.delivery_report_save(
        contract=contract,
        period_start=contract.start_date,
        by=holder,
        lines={
            kpis[1].pk: delivery_services.LineEntry(
                Decimal(3), t("delivery_notes", "Payroll extract"), [pdf()]
            ),
            kpis[6].pk: delivery_services.LineEntry(Decimal("0.5")),
        },
    )
    queried = report.lines.get(kpi=kpis[6])
    delivery_services.line_query(
        line=queried, by=commissioner, question=t("line_question", "Where is the sheet?")
    )
    queried.refresh_from_db()

    # a draft tender, and an open one with the holding supplier's bid
    draft = publishable_tender(commissioner, title=t("draft_title", "Street lighting"))
    open_tender = tender_services.tender_publish(
        tender=publishable_tender(commissioner, title=t("open_title", "Grounds maintenance")), by=commissioner
    )
    jobs = first_indicators(open_tender.model)[1]
    open_bid = bid_services.bid_save(
        tender=open_tender,
        by=holder,
        submit=True,
        content=bid_services.BidContent(price=Decimal("123456.78"), commitments={jobs.pk: Decimal("3")}),
    )

    users = {
        "anonymous": None,
        "resident": UserFactory(username="resident", roles=[Role.RESIDENT]),
        "supplier": holder,
        "other supplier": other_supplier,
        "commissioner": commissioner,
        "other commissioner": UserFactory(username="other-commissioner", roles=[Role.COMMISSIONER]),
        "evaluator": User.objects.get(username="evaluator1"),
        "board member": board,
        "administrator": UserFactory(username="administrator", roles=[Role.ADMINISTRATOR], is_staff=True),
    }
    gamma = Organisation.objects.get(name="Gamma Works")
    membership = BoardMembership.objects.create(
        person=board, organisation=gamma, started_on=today - timedelta(days=30)
    )
    action = outcome_services.review_action_save(
        action=ReviewAction(
            review=review,
            action=t("action_text", "Ask residents in Halewood again"),
            owner=gamma,
            due_on=today + timedelta(days=90),
        ),
        by=board,
    )
    year = Period.financial_year(financial_year_of(today))
    draft_pack = pack_services.pack_prepare(period=year, review=review, by=board)
    published_pack = pack_services.pack_prepare(period=year.previous(), review=None, by=board)
    pack_services.pack_approve(pack=published_pack, by=board)
    published_pack = pack_services.pack_publish(pack=published_pack, by=board)
    return World(
        users=users,
        draft_model=draft_model.version,
        indicator=indicator,
        review=review,
        organisation=gamma,
        losing_organisation=Organisation.objects.get(name="Alpha Services"),
        membership=membership,
        open_consultation=open_consultation,
        closed_consultation=closed_consultation,
        upcoming_consultation=upcoming_consultation,
        comment=comment,
        ward_population=WardPopulation.objects.order_by("pk").first(),
        draft=draft,
        open=open_tender,
        open_bid=open_bid,
        awarded=awarded,
        contract=contract,
        winning_bid=bids_by_supplier(awarded)["Gamma Works"],
        panel_member=PanelMember.objects.filter(tender=awarded, evaluator=users["evaluator"]).get(),
        line=report.lines.get(kpi=kpis[1]),
        queried=queried,
        evidence=report.lines.get(kpi=kpis[1]).evidence.get(),
        action=action,
        draft_pack=draft_pack,
        published_pack=published_pack,
    )


# --- The URLconf ----------------------------------------------------------------------------------------
def project_routes() -> dict[str, str]:
    """Every URL pattern of the project, as its full route ("tenders/<str:reference>/bid/") -> its name
    ("procurement:bid"), walking the URLconf recursively. The admin's own patterns are the admin's (the seal
    probe goes through them separately); static files are not served by a pattern."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin" or p.namespace == "admin":
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                assert route not in found, f"two patterns for {route}"
                found[route] = f"{namespace}{p.name}" if p.name else route
            else:  # pragma: no cover
                raise TypeError(p)

    walk(get_resolver().url_patterns, "", "")
    return found


def route_of(path: str) -> str:
    """The full route of the pattern a concrete path resolves to."""
    from django.urls import resolve

    return resolve(path.split("?")[0]).route


def accepts_post(path: str) -> bool:
    """Whether the view a path resolves to takes POST (a class-based view with a post() it allows)."""
    from django.urls import resolve

    view = resolve(re.sub(r"\{\w+\}", "7", path.split("?")[0])).func
    view_class = getattr(view, "view_class", None)
    return bool(view_class and hasattr(view_class, "post") and "post" in view_class.http_method_names)


def fingerprint() -> dict[str, int]:
    """Rows per model of the project: a refused request must leave every table as it was."""
    from django.apps import apps

    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"knowsley_sv", "outcomes", "consultation", "procurement", "auth"}
    }


def snapshot() -> dict[str, tuple[int, str]]:
    """Every row of the project's tables, as a count and a digest per model: a refused request must leave
    every row as it was, not only as many of them (fingerprint() is the quicker count alone)."""
    from django.apps import apps

    found = {}
    for model in apps.get_models():
        if model._meta.app_label in {"knowsley_sv", "outcomes", "consultation", "procurement", "auth"}:
            rows = list(model._default_manager.order_by("pk").values_list())
            found[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found
