"""The XSS probe's world: every free-text field a user can fill holds its own payload, typed through the real
forms by the role that fills it, along the whole chain (the board drafts and adopts a model, a resident
answers a consultation, a commissioner writes a tender, a supplier registers and bids, the panel scores, the
commissioner moderates and awards, the supplier reports delivery, ...).

Each field's payload names it: payload("tender-title") is
    <script>alert("tender-title")</script><img src=x onerror=alert("tender-title")>
so a raw payload on a page says which field escaped escaping. Every response the journeys get back (and the
page each redirect leads to) is kept, so form pages that show the payloads in labels, hints and redisplayed
values are probed as well as the pages swept afterwards.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from consultation.models import Comment, Consultation, WardPopulation
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes.models import Indicator, ModelReview, Organisation, SocialValueModel
from procurement.models import Bid, Contract, DeliveryLine, Evidence, PanelMember, Tender
from procurement.services import contracts as contract_services

from ..factories import UserFactory
from ..procurement.helpers import line_keys
from .world import World


def payload(tag: str) -> str:
    return f'<script>alert("{tag}")</script><img src=x onerror=alert("{tag}")>'


def short_payload(tag: str) -> str:
    """For fields of 60 characters or fewer."""
    return f'<img src=x onerror=alert("{tag}")>'


def raw_markers(tag: str) -> list[str]:
    return [f'<script>alert("{tag}")', f'<img src=x onerror=alert("{tag}")>']


# tag -> what it is (the role that types it)
FIELDS = {
    # the board, on the draft model it then adopts
    "model-title": "model title (board)",
    "statement": "statement on social value (board)",
    "outcome-title": "outcome title (board)",
    "outcome-description": "outcome description (board)",
    "indicator-name": "indicator name (board)",
    "indicator-unit": "indicator unit (board)",
    "indicator-evidence": "evidence a supplier keeps (board)",
    "indicator-guidance": "indicator guidance (board)",
    "proxy-source": "financial proxy source (board)",
    "change-summary": "what changed, on adoption (board)",
    "review-evidence": "review: evidence considered (board)",
    "review-findings": "review: findings (board)",
    "review-decisions": "review: decisions (board)",
    "organisation-name": "organisation name (board)",
    "consultation-title": "consultation title (board)",
    "consultation-summary": "consultation summary (board)",
    "consultation-how": "how answers are used (board)",
    "ward-source": "ward population source (board)",
    # a resident
    "comment": "comment on an outcome (resident)",
    "missing": "what is missing (resident)",
    # the board moderates and responds
    "published-text": "comment as published (board)",
    "hidden-reason": "why a comment is hidden (board)",
    "board-response": "you said, we did (board)",
    # a commissioner writes and publishes a tender
    "tender-title": "tender title (commissioner)",
    "specification": "specification (commissioner)",
    "service-area": "service area (commissioner)",
    "sv-justification": "why social value is under 10% (commissioner)",
    "criterion-title": "quality criterion title (commissioner)",
    "criterion-question": "quality criterion question (commissioner)",
    "withdraw-reason": "reason for withdrawing to draft (commissioner)",
    # a supplier registers, adds a colleague and bids
    "supplier-org": "organisation name on registration (supplier)",
    "first-name": "first name on registration (supplier)",
    "last-name": "last name on registration (supplier)",
    "colleague-name": "a colleague's name (supplier)",
    "bid-answer": "answer to a quality question (supplier)",
    "bid-method": "method statement (supplier)",
    # evaluation, moderation and award
    "conflict-details": "conflict of interest details (evaluator)",
    "justification": "score justification (evaluator)",
    "rationale": "moderation rationale (commissioner)",
    "award-reason": "reason for the award (commissioner)",
    # delivery
    "delivery-notes": "evidence notes (supplier)",
    "evidence-name": "evidence file name (supplier)",
    "line-question": "query on a line (commissioner)",
    "line-answer": "answer to the query (supplier)",
    "rating-notes": "performance rating notes (commissioner)",
}
SHORT = {"indicator-unit", "evidence-name"}  # fields too short for the whole payload


def text_for(tag: str) -> str:
    return short_payload(tag) if tag in SHORT else payload(tag)


def date_fields(name: str, day) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@dataclass
class Seen:
    who: str
    url: str
    status: int
    content_type: str
    text: str


class Actor:
    """A signed-in (or anonymous) user going through the real forms; every page they get back is kept."""

    def __init__(self, who: str, user, seen: list[Seen]):
        self.who, self.seen = who, seen
        self.client = Client()
        if user is not None:
            self.client.force_login(user)

    def _keep(self, url: str, response) -> None:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        self.seen.append(Seen(self.who, url, response.status_code, response.get("Content-Type", ""), text))

    def get(self, url: str, expect: int = 200):
        response = self.client.get(url)
        self._keep(url, response)
        assert response.status_code == expect, f"{self.who} GET {url}: {response.status_code}"
        return response

    def post(self, url: str, data: dict, expect: int = 302, offered: bool = True):
        """POST, keep the answer and, after a redirect, the page it leads to (with its flash message).
        First GET the form as it is offered (`offered`), showing what is already saved."""
        if offered:
            self.get(url)
        response = self.client.post(url, data)
        self._keep(url, response)
        assert response.status_code == expect, (
            f"{self.who} POST {url}: {response.status_code} {_errors(response)}"
        )
        if response.status_code == 302 and response["Location"].startswith("/"):
            self.get(response["Location"].split("#")[0])
        return response


def _errors(response) -> str:
    import re

    text = response.content.decode("utf-8", errors="replace")
    return " | ".join(re.findall(r'<a href="#[^"]*">([^<]*)</a>', text))[:800]


@dataclass
class XssWorld:
    base: World
    seen: list[Seen]
    users: dict[str, User | None]
    model: SocialValueModel
    indicator: Indicator
    review: ModelReview
    organisation: Organisation
    consultation: Consultation
    comment: Comment
    ward_population: WardPopulation
    tender: Tender
    bid: Bid
    seat: PanelMember
    contract: Contract
    line: DeliveryLine
    evidence: Evidence
    supplier_org: Organisation
    extra: dict = field(default_factory=dict)

    def values(self) -> dict[str, object]:
        """The permission table's placeholders, pointing at the objects that hold the payloads."""
        return self.base.values() | {
            "ind": self.indicator.pk,
            "rev": self.review.pk,
            "org": self.supplier_org.pk,
            "oc": self.consultation.slug,
            "cc": self.consultation.slug,
            "cm": self.comment.pk,
            "wp": self.ward_population.pk,
            "aw": self.tender.reference,
            "wb": self.bid.pk,
            "pm": self.seat.pk,
            "ct": self.contract.pk,
            "pd": self.contract.start_date.isoformat(),
            "ln": self.line.pk,
            "ql": self.line.pk,
            "ev": self.evidence.pk,
        }


def build_xss_world(base: World) -> XssWorld:
    """The payloads, written through the pages into (a savepoint of) the probes' shared world `base`."""
    seen: list[Seen] = []
    t = text_for
    today = timezone.localdate()
    board = Actor("board member", base.users["board member"], seen)
    commissioner = Actor("commissioner", base.users["commissioner"], seen)

    # --- The board: the draft's statement, an outcome and a new indicator; then adoption -------------------
    version = base.draft_model
    board.post(
        f"/model/drafts/{version}/statement/", {"title": t("model-title"), "statement": t("statement")}
    )
    board.post(
        f"/model/drafts/{version}/outcomes/1/",
        {
            "title": t("outcome-title"),
            "description": t("outcome-description"),
            "pillar": "social",
            "default_share": "17",
        },
    )
    board.post(
        f"/model/drafts/{version}/outcomes/1/indicators/new/",
        {
            "code": "1.9",
            "name": t("indicator-name"),
            "unit": t("indicator-unit"),
            "evidence": t("indicator-evidence"),
            "guidance": t("indicator-guidance"),
            "proxy_value": "10.00",
            "proxy_source": t("proxy-source"),
            "proxy_year": "2024",
            "proxy_licence": "Open Government Licence v3.0",
        },
    )
    board.get(f"/model/drafts/{version}/compare/")
    board.post(f"/model/drafts/{version}/adopt/", {"change_summary": t("change-summary"), "confirm": "on"})
    model = SocialValueModel.objects.get(version=version)
    assert model.status == SocialValueModel.Status.ADOPTED
    indicator = Indicator.objects.get(outcome__model=model, code="1.9")
    board.post(
        "/model/reviews/new/",
        {
            **date_fields("held_on", today - timedelta(days=1)),
            "attendees": [base.users["board member"].pk],
            "evidence": t("review-evidence"),
            "findings": t("review-findings"),
            "decisions": t("review-decisions"),
            "result": "kept",
        },
    )
    review = ModelReview.objects.get(findings=t("review-findings"))
    board.post(
        "/organisations/new/",
        {"name": t("organisation-name"), "sector": "voluntary", "size": "small", "website": ""},
    )
    organisation = Organisation.objects.get(name=t("organisation-name"))
    ward_population = WardPopulation.objects.order_by("pk").first()
    board.post(
        f"/consultations/wards/{ward_population.pk}/",
        {"population": "9850", "year": "2024", "source": t("ward-source")},
    )

    # --- A consultation on the adopted model, answered by a resident ----------------------------------------
    board.post(
        "/consultations/new/",
        {
            "title": t("consultation-title"),
            "slug": "xss-probe",
            "summary": t("consultation-summary"),
            "how_answers_are_used": t("consultation-how"),
            "model": model.pk,
            **date_fields("opens_on", today),
            **date_fields("closes_on", today + timedelta(days=30)),
        },
    )
    consultation = Consultation.objects.get(slug="xss-probe")
    resident = Actor("anonymous", None, seen)
    start = f"/consultations/{consultation.slug}/"
    resident.get(start)
    resident.post(
        f"{start}respond/points/",
        {f"points_{n}": p for n, p in {1: 30, 2: 20, 3: 15, 4: 10, 5: 10, 6: 15}.items()},
    )
    resident.post(f"{start}respond/comments/", {"comment_1": t("comment"), "missing": t("missing")})
    resident.post(
        f"{start}respond/about-you/",
        {"ward": str(ward_population.ward_id), "age_band": "", "consent_to_quote": "yes"},
    )
    resident.post(f"{start}respond/check/", {"email": ""})
    receipt = resident.client.session[f"receipt:{consultation.pk}"]
    resident.post(f"{start}your-response/", {"receipt_code": receipt}, expect=200)
    comment = Comment.objects.get(response__consultation=consultation, outcome__number=1)
    missing = Comment.objects.get(response__consultation=consultation, outcome=None)
    board.get(f"{start}manage/moderation/")
    board.post(
        f"{start}manage/comments/{comment.pk}/",
        {"decision": "publish", "published_text": t("published-text")},
    )
    board.post(
        f"{start}manage/comments/{missing.pk}/", {"decision": "hide", "hidden_reason": t("hidden-reason")}
    )
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(minutes=1)
    )
    board.post(f"{start}manage/respond/", {"text": t("board-response")})
    resident.get(f"{start}results/")

    # --- A commissioner writes the tender, publishes, withdraws and publishes it again ----------------------
    commissioner.post(
        "/tenders/new/",
        {
            "title": t("tender-title"),
            "specification": t("specification"),
            "service_area": t("service-area"),
            "estimated_value": "90000",
            **date_fields("deadline_on", today + timedelta(days=30)),
        },
    )
    tender = Tender.objects.get(title=t("tender-title"))
    ref = f"/tenders/{tender.reference}"
    commissioner.post(
        f"{ref}/edit/weights/",
        {
            "price_weight": "55",
            "quality_weight": "40",
            "social_value_weight": "5",
            "social_value_justification": t("sv-justification"),
            "price_formula": "relative",
            "scale": "six_point",
        },
    )
    commissioner.post(
        f"{ref}/edit/criteria/",
        {
            "title": t("criterion-title"),
            "question": t("criterion-question"),
            "weight": "40",
            "minimum_score": "",
        },
    )
    shares = {f"share_{n}": "100" if n == 1 else "0" for n in range(1, 7)}
    commissioner.post(
        f"{ref}/edit/social-value/", {**shares, f"offer_{indicator.pk}": "on", f"target_{indicator.pk}": "5"}
    )
    commissioner.post(f"{ref}/edit/check/", {})
    commissioner.post(f"{ref}/withdraw/", {"reason": t("withdraw-reason")})
    commissioner.post(f"{ref}/edit/check/", {})
    tender.refresh_from_db()
    assert tender.status == Tender.Status.PUBLISHED

    # --- A supplier registers, adds a colleague and bids --------------------------------------------------
    supplier = Actor("xss supplier", None, seen)
    supplier.post(
        "/supplier/register/",
        {
            "first_name": t("first-name"),
            "last_name": t("last-name"),
            "email": "probe@example.org",
            "username": "xss-supplier",
            "password": "a long enough password",
            "organisation": t("supplier-org"),
            "sector": "private",
            "size": "micro",
        },
    )
    supplier.post(
        "/supplier/colleagues/new/",
        {
            "first_name": t("colleague-name"),
            "last_name": "Colleague",
            "email": "colleague@example.org",
            "username": "xss-colleague",
            "password": "another long password",
        },
    )
    supplier_user = User.objects.get(username="xss-supplier")
    supplier_org = Organisation.objects.get(name=t("supplier-org"))
    criterion = tender.criteria.get()
    outcome_1 = model.outcomes.get(number=1)
    supplier.post(
        f"{ref}/bid/",
        {
            "price": "88000",
            f"answer_{criterion.pk}": t("bid-answer"),
            f"method_{outcome_1.pk}": t("bid-method"),
            f"quantity_{indicator.pk}": "6",
            "submit": "1",
        },
    )
    bid = Bid.objects.get(tender=tender, supplier=supplier_org)
    assert bid.status == Bid.Status.SUBMITTED

    # --- After the deadline: open, panel, declarations, scores, moderation, award ---------------------------
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    commissioner.post(f"{ref}/bids/", {})
    conflicted = UserFactory(username="xss-conflicted", roles=[Role.EVALUATOR])
    scorer = UserFactory(username="xss-evaluator", roles=[Role.EVALUATOR])
    for evaluator in (conflicted, scorer):
        commissioner.post(f"{ref}/panel/", {"evaluator": evaluator.pk})
    Actor("conflicted evaluator", conflicted, seen).post(
        f"{ref}/evaluate/declare/", {"conflict": "yes", "details": t("conflict-details")}
    )
    evaluator = Actor("xss evaluator", scorer, seen)
    evaluator.post(f"{ref}/evaluate/declare/", {"conflict": "no", "details": ""})
    keys = list(line_keys(tender).values())
    evaluator.post(
        f"{ref}/evaluate/bids/{bid.pk}/",
        {**{f"score_{k}": "60" for k in keys}, **{f"justification_{k}": t("justification") for k in keys}},
    )
    evaluator.post(f"{ref}/evaluate/", {})
    evaluator.get(f"{ref}/evaluate/panel-scores/")
    commissioner.get(f"{ref}/panel/")
    commissioner.post(
        f"{ref}/moderation/{bid.pk}/",
        {**{f"score_{k}": "60" for k in keys}, **{f"rationale_{k}": t("rationale") for k in keys}},
    )
    commissioner.get(f"{ref}/report/")
    choice = {"bid": str(bid.pk), "reason": t("award-reason")}
    commissioner.post(f"{ref}/award/", choice, expect=200)  # the check page shows the reason back
    commissioner.post(f"{ref}/award/", choice | {"confirm": "yes"}, offered=False)
    commissioner.post(f"{ref}/award/notice/", {}, offered=False)
    contract = contract_services.contract_enter(
        tender=tender,
        by=base.users["commissioner"],
        start_date=today - timedelta(days=100),
        end_date=today + timedelta(days=265),
        value=Decimal("88000"),
        reporting_months=3,
        now=timezone.now() + timedelta(days=30),
    )

    # --- Delivery: a report with evidence, a query, an answer and a rating ----------------------------------
    kpi = contract.kpis.get()
    period = f"/contracts/{contract.pk}/periods/{contract.start_date.isoformat()}/"
    upload = SimpleUploadedFile(f"{t('evidence-name')}.pdf", b"%PDF-1.4 evidence", "application/pdf")
    supplier.post(
        period,
        {f"quantity-{kpi.pk}": "3", f"notes-{kpi.pk}": t("delivery-notes"), f"evidence-{kpi.pk}": upload},
    )
    line = DeliveryLine.objects.get(kpi=kpi)
    commissioner.post(
        f"/contracts/{contract.pk}/lines/{line.pk}/review/",
        {"decision": "query", "question": t("line-question")},
    )
    supplier.post(
        f"/contracts/{contract.pk}/lines/{line.pk}/answer/",
        {"answer": t("line-answer"), "quantity": "3", "notes": t("delivery-notes")},
    )
    commissioner.post(
        f"/contracts/{contract.pk}/rating/",
        {**date_fields("period_end", today), "rating": "good", "notes": t("rating-notes")},
    )

    users = {
        **base.users,
        "supplier": supplier_user,
        "evaluator": scorer,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    return XssWorld(
        base=base,
        seen=seen,
        users=users,
        model=model,
        indicator=indicator,
        review=review,
        organisation=organisation,
        consultation=consultation,
        comment=comment,
        ward_population=ward_population,
        tender=tender,
        bid=bid,
        seat=PanelMember.objects.get(tender=tender, evaluator=scorer),
        contract=contract,
        line=line,
        evidence=Evidence.objects.get(line=line),
        supplier_org=supplier_org,
        extra={"hidden_comment": missing.pk},
    )
