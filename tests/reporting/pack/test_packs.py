"""The board's review pack as the board uses it (issue 16): prepare a draft with live figures, approve it (its
figures frozen, so the minutes never change when later data arrives), supersede it with a reason, publish its
public version, download it as a tagged PDF and each table as CSV or Excel; every step in the audit trail.
The data set is tests/reporting/dataset.py; the pack covers financial year 2025."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from consultation.models import Allocation, Response
from knowsley_sv import caching, formatting
from knowsley_sv.models import AuditEvent
from knowsley_sv.roles import Role
from outcomes.models import ModelReview, ReviewAction
from procurement.models import DeliveryLine, Tender
from reporting import services
from reporting.models import ReviewPack
from reporting.pack.period import Period
from reporting.pack.sections import model, partnership, residents

from ...consultation.helpers import make_consultation
from ...factories import UserFactory
from ...pdf import pdf_tags
from ..dataset import _tender, aware, bulk_contracts

pytestmark = pytest.mark.django_db

YEAR = Period.financial_year(2025)


@pytest.fixture
def board(db):
    return UserFactory(username="pack-board", roles=[Role.BOARD_MEMBER])


@pytest.fixture
def draft(data, board) -> ReviewPack:
    return services.pack_prepare(period=YEAR, review=None, by=board)


def _events(pack: ReviewPack) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(pack.pk), action__startswith="pack.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def _page_tables(client, pack) -> dict[str, list[list[str]]]:
    response = client.get(pack.get_absolute_url())
    assert response.status_code == 200
    return {
        t.key: [[c.text for c in row] for row in [*t.body, *t.footer]]
        for s in response.context["figures"].sections
        for t in s.tables
    }


def _later_data_arrives(data) -> None:
    """A verified line for the period, a tender published in it, and a response to its consultation: all
    written after the board approved the pack."""
    line = DeliveryLine.objects.filter(kpi=data.b2).first()
    DeliveryLine.objects.filter(pk=line.pk).update(quantity=Decimal(100))
    _tender(data.model, "LATE-001", 300_000, 5, aware(2025, 8, 1, 9), {1: 100}, Tender.Status.PUBLISHED)
    response = Response.objects.create(consultation=data.consultation, submitted_at=aware(2025, 4, 20, 12))
    outcomes = {o.number: o for o in data.model.outcomes.all()}
    Allocation.objects.bulk_create(
        Allocation(response=response, outcome=o, points=0) for o in outcomes.values()
    )
    Allocation.objects.filter(response=response, outcome__number=2).update(points=100)
    caching.changed(DeliveryLine, Tender, Response, Allocation)


def test_a_draft_shows_live_figures_and_an_approved_pack_never_changes(data, board, client, draft):
    client.force_login(board)
    page = client.get(draft.get_absolute_url())
    assert "These figures are live" in page.content.decode()
    live_before = _page_tables(client, draft)

    approved = services.pack_approve(pack=draft, by=board)
    assert approved.status == ReviewPack.Status.APPROVED and approved.content["format"] == 1
    frozen = _page_tables(client, approved)
    assert frozen == live_before

    _later_data_arrives(data)
    assert _page_tables(client, approved) == frozen  # the minutes never change
    another = services.pack_prepare(period=YEAR, review=None, by=board)
    live_after = _page_tables(client, another)
    assert live_after != frozen  # while a draft's figures moved with the data
    assert any(frozen[key] != live_after.get(key) for key in frozen)


def test_approving_twice_is_refused_and_a_frozen_pack_is_superseded_with_a_reason(data, board, client, draft):
    approved = services.pack_approve(pack=draft, by=board)
    client.force_login(board)
    again = client.post(reverse("reporting:pack_approve", args=[approved.pk]))
    assert again.status_code == 200
    assert "cannot be approved again" in again.content.decode()

    missing = client.post(reverse("reporting:pack_supersede", args=[approved.pk]), {"reason": "  "})
    assert missing.context["form"].errors["reason"] == ["Enter why the pack is being superseded"]

    done = client.post(
        reverse("reporting:pack_supersede", args=[approved.pk]), {"reason": "A late delivery report"}
    )
    successor = ReviewPack.objects.get(supersedes=approved)
    assert done.status_code == 302 and done.url == successor.get_absolute_url()
    approved.refresh_from_db()
    assert approved.status == ReviewPack.Status.SUPERSEDED
    assert approved.superseded_reason == "A late delivery report" and successor.is_draft
    assert (successor.period_start, successor.period_end) == (approved.period_start, approved.period_end)
    page = client.get(approved.get_absolute_url()).content.decode()
    assert "This pack was superseded on" in page and "A late delivery report" in page
    assert _events(approved) == ["pack.prepare", "pack.approve", "pack.supersede"]
    assert _events(successor) == ["pack.prepare"]


def test_only_an_approved_pack_is_published_and_its_public_version_leaves_out_names(
    data, board, client, draft
):
    client.force_login(board)
    refused = client.post(reverse("reporting:pack_publish", args=[draft.pk]))
    assert "Only a pack the board has approved can be published." in refused.content.decode()
    approved = services.pack_approve(pack=draft, by=board)
    assert client.get(approved.get_public_url()).status_code == 404  # not published yet

    assert client.post(reverse("reporting:pack_publish", args=[approved.pk])).status_code == 302
    client.logout()
    listed = client.get(reverse("reporting:public_packs")).content.decode()
    assert approved.get_public_url() in listed
    public = client.get(approved.get_public_url())
    assert public.status_code == 200
    board_tables = {t.key: t for s in approved_figures(approved).sections for t in s.tables}
    public_keys = {t.key for s in public.context["figures"].sections for t in s.tables}
    private = {key for key, t in board_tables.items() if not t.public}
    assert public_keys == set(board_tables) - private
    assert str(board) not in public.content.decode()  # the approver is not named in public
    for key in private:
        url = reverse("reporting:public_pack_table", args=[approved.pk, key, "csv"])
        assert client.get(url).status_code == 404
    assert "Annual reviews of the model" in client.get(reverse("outcomes:model")).content.decode()
    assert _events(approved) == ["pack.prepare", "pack.approve", "pack.publish"]


def approved_figures(pack):
    from reporting.pack import snapshot

    return snapshot.load(pack.content)


def test_every_table_downloads_as_csv_and_excel_with_the_pack_named(data, board, client, draft):
    client.force_login(board)
    figures = client.get(draft.get_absolute_url()).context["figures"]
    keys = [t.key for s in figures.sections for t in s.tables]
    assert keys, "the data set fills tables"
    for key in keys:
        as_csv = client.get(reverse("reporting:pack_table", args=[draft.pk, key, "csv"]))
        assert as_csv.status_code == 200, key
        rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["Review pack", YEAR.label, "Draft: live figures"]
        as_xlsx = client.get(reverse("reporting:pack_table", args=[draft.pk, key, "xlsx"]))
        workbook = load_workbook(io.BytesIO(as_xlsx.content))
        assert workbook.worksheets[0].max_row >= 1
    assert (
        client.get(reverse("reporting:pack_table", args=[draft.pk, "no-such-table", "csv"])).status_code
        == 404
    )
    assert client.get(reverse("reporting:pack_table", args=[draft.pk, keys[0], "pdf"])).status_code == 404


def test_the_pdf_is_tagged_and_titled(data, board, client, draft):
    client.force_login(board)
    approved = services.pack_approve(pack=draft, by=board)
    response = client.get(reverse("reporting:pack_pdf", args=[approved.pk]))
    assert response["Content-Type"] == "application/pdf"
    tags = pdf_tags(response.content)
    assert tags.marked and tags.structure and tags.language == "en-GB" and tags.pdf_ua and tags.shows_title
    assert tags.title == f"Review pack: {YEAR.label}"


def test_the_pack_opens_with_how_the_last_reviews_actions_stand(data, board, client):
    last = ModelReview.objects.get(held_on=date(2025, 12, 1))
    owner = data.charity
    ReviewAction.objects.create(
        review=last, action="Ask Halewood again", owner=owner, due_on=date(2026, 2, 1), status="in_progress"
    )
    ReviewAction.objects.create(
        review=last, action="Publish the figures", owner=owner, due_on=date(2026, 1, 1), status="done"
    )
    pack = services.pack_prepare(period=YEAR, review=None, by=board)
    client.force_login(board)
    figures = client.get(pack.get_absolute_url()).context["figures"]
    actions = figures.sections[0]
    assert actions.key == "actions"
    assert actions.summary == [
        "2 actions agreed at the review held on 1 December 2025: 1 done, 1 past its due date and not done."
    ]
    (table,) = actions.tables
    assert [[c.text for c in row] for row in table.body] == [
        ["Publish the figures", "Merseyside Care Trust", "1 January 2026", "Done"],
        ["Ask Halewood again", "Merseyside Care Trust", "1 February 2026", "In progress (overdue)"],
    ]


def test_a_board_member_adds_and_updates_an_action_on_the_review(data, board, client):
    review = ModelReview.objects.get(held_on=date(2025, 12, 1))
    client.force_login(board)
    url = reverse("outcomes:action_create", args=[review.pk])
    empty = client.post(url, {"action": "", "due_on_0": "31", "due_on_1": "2", "due_on_2": "2027"})
    errors = empty.context["form"].errors
    assert errors["action"] == ["Enter the action the board agreed"]
    assert errors["owner"] == ["Select the organisation that owns the action"]
    data_ = {
        "action": "Ask residents in Halewood again \x00",
        "owner": data.charity.pk,
        "due_on_0": "٣١",  # Arabic-Indic digits are not accepted as a day
        "due_on_1": "3",
        "due_on_2": "2027",
        "status": "not_started",
    }
    assert client.post(url, data_).status_code == 400  # a NUL byte is refused before the form sees it
    data_["action"] = "Ask residents in Halewood again"
    refused = client.post(url, data_)
    assert refused.status_code == 200 and "due_on" in refused.context["form"].errors
    data_["due_on_0"] = "31"
    assert client.post(url, data_).status_code == 302
    action = review.actions.get()
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Ask residents in Halewood again" in page and "Merseyside Care Trust" in page
    update = reverse("outcomes:action_update", args=[review.pk, action.pk])
    assert client.post(update, data_ | {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert list(
        AuditEvent.objects.filter(target_id=str(action.pk), action__startswith="review.action")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["review.action_add", "review.action_update"]


def test_preparing_offers_the_years_and_the_time_since_the_last_review(data, board, client):
    client.force_login(board)
    form = client.get(reverse("reporting:pack_prepare")).context["form"]
    choices = dict(form.fields["period"].choices)
    this_year = (
        timezone.localdate().year if timezone.localdate().month >= 4 else timezone.localdate().year - 1
    )
    assert form.fields["period"].initial == str(this_year - 1)  # the last complete financial year
    assert "since_last_review" in choices
    made = client.post(reverse("reporting:pack_prepare"), {"period": "since_last_review"})
    pack = ReviewPack.objects.get()
    assert made.url == pack.get_absolute_url()
    assert (pack.period_start, pack.period_end) == (date(2025, 12, 2), timezone.localdate())
    bad = client.post(reverse("reporting:pack_prepare"), {"period": "1999"})
    assert bad.context["form"].errors["period"] == ["Select one of the periods listed"]


def test_the_draft_page_takes_as_many_queries_with_more_contracts(
    data, board, client, django_assert_max_num_queries
):
    pack = services.pack_prepare(period=YEAR, review=None, by=board)
    client.force_login(board)

    def queries() -> int:
        caching.changed(ReviewPack)  # the draft's figures worked out again
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(pack.get_absolute_url()).status_code == 200
        return len(captured)

    small = queries()
    suppliers = [data.charity, data.kitchens]
    bulk_contracts(
        40, model=data.model, by=data.supplier_user, reviewer=data.commissioner, suppliers=suppliers
    )
    caching.changed(Tender)
    assert queries() <= small
    with django_assert_max_num_queries(small):
        client.get(pack.get_absolute_url())


def test_a_pack_cannot_start_in_the_future(board):
    later = timezone.localdate() + timedelta(days=400)
    with pytest.raises(Exception, match="on or before today"):
        services.pack_prepare(period=Period.financial_year(later.year), review=None, by=board)


def test_every_table_of_a_pack_has_a_key_and_a_caption_of_its_own(data, board, client, draft):
    """Keys name the downloads; captions name each table's scrolling region (two alike: one landmark
    twice)."""
    client.force_login(board)
    figures = client.get(draft.get_absolute_url()).context["figures"]
    tables = [t for s in figures.sections for t in s.tables]
    assert len({t.key for t in tables}) == len(tables)
    assert len({t.caption for t in tables}) == len(tables)


def test_a_period_still_running_reports_to_today_not_its_end(board, adopted_model):
    """A pack for this financial year so far: a consultation that closes later in the period has not closed
    yet, and the model and the board are as they are today, not as they may be at the period's end."""
    today, now = timezone.localdate(), timezone.now()
    period = Period(today - timedelta(days=60), today + timedelta(days=60), "These four months")
    make_consultation(slug="closed-last-week", closed=True)
    make_consultation(slug="closes-next-month")  # open now, closes in 30 days: inside the period
    closed = residents.closed_in_period(period, now=now)
    assert [c.consultation.slug for c in closed] == ["closed-last-week"]
    assert {h.key: h.value for h in residents.headlines(period, today=today)}["consultations_closed"] == 1
    day = formatting.day(today)
    assert f"in force on {day}" in model.section(period, today=today, now=now).summary[0]
    assert day in partnership.section(period, today=today, now=now).summary[0]
