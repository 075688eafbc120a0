"""The public pages read the consultation and its outcomes from the shared cache (a surge of residents sends
no query for them), and any change to a consultation, a model, an outcome or a ward, from a service or the
admin, shows at once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation import selectors, services
from consultation.models import Consultation, Response
from knowsley_sv import caching
from knowsley_sv.roles import Role
from outcomes import services as outcome_services
from outcomes.models import Outcome, SocialValueModel, Ward

from ..factories import UserFactory
from .helpers import make_consultation

pytestmark = pytest.mark.django_db


def points(consultation) -> str:
    return reverse("consultation:points", args=[consultation.slug])


def test_a_residents_steps_read_the_consultation_once_then_from_the_cache(client, django_assert_num_queries):
    consultation = make_consultation()
    with django_assert_num_queries(2):  # the consultation and its outcomes (a GET makes no session)
        assert client.get(points(consultation)).status_code == 200
    with django_assert_num_queries(0):  # the session is read through the cache too (cached_db)
        assert client.get(points(consultation)).status_code == 200
    start = reverse("consultation:start", args=[consultation.slug])
    with django_assert_num_queries(0):
        assert client.get(start).status_code == 200


def test_a_saved_consultation_shows_on_the_public_pages_at_once(client):
    consultation = make_consultation()
    assert "What matters most" in client.get(points(consultation)).content.decode()
    consultation.title = "Our priorities for 2027"
    services.consultation_save(consultation=consultation, by=consultation.created_by)
    page = client.get(points(consultation)).content.decode()
    assert "Our priorities for 2027" in page and "What matters most" not in page


def test_a_saved_outcome_shows_on_the_public_pages_at_once(client):
    consultation = make_consultation()  # on a draft, whose outcomes the board may still change
    draft = outcome_services.model_start_draft(by=consultation.created_by)
    Consultation.objects.filter(pk=consultation.pk).update(model=draft)
    client.get(points(consultation))
    outcome = Outcome.objects.get(model=draft, number=1)
    outcome_services.outcome_update(
        outcome=outcome, by=consultation.created_by, title="Jobs for Knowsley people"
    )
    assert "Jobs for Knowsley people" in client.get(points(consultation)).content.decode()


def test_a_deleted_consultation_is_gone_from_the_public_pages_at_once(client):
    consultation = make_consultation()
    assert client.get(points(consultation)).status_code == 200
    consultation.delete()
    caching.changed(Consultation)  # no service deletes a consultation: whatever does (a shell) says so
    assert client.get(points(consultation)).status_code == 404


def test_an_unchanged_consultation_is_not_read_again(django_assert_num_queries):
    consultation = make_consultation()
    first, outcomes = selectors.public_consultation(consultation.slug)
    Consultation.objects.filter(pk=consultation.pk).update(title="Changed without a save")
    with django_assert_num_queries(0):
        again, again_outcomes = selectors.public_consultation(consultation.slug)
    # the copy from the cache: an update() outside the services names nothing (the time limit bounds it)
    assert again.title == first.title == "What matters most"
    assert [o.number for o in again_outcomes] == [o.number for o in outcomes] == [1, 2, 3, 4, 5, 6]
    caching.changed(SocialValueModel)  # as every service that writes a model does
    assert selectors.public_consultation(consultation.slug)[0].title == "Changed without a save"


def test_a_submission_from_the_cached_outcomes_stores_every_allocation(client):
    consultation = make_consultation()
    steps = f"/consultations/{consultation.slug}/respond"
    client.get(f"{steps}/points/")
    assert (
        client.post(
            f"{steps}/points/",
            {f"points_{n}": p for n, p in zip(range(1, 7), [40, 20, 10, 10, 10, 10], strict=True)},
        ).status_code
        == 302
    )
    client.post(f"{steps}/comments/", {"missing": ""})
    client.post(f"{steps}/about-you/", {"ward": "none", "consent_to_quote": "no", "connections": ["lives"]})
    assert client.post(f"{steps}/check/", {"email": ""}).status_code == 302
    response = Response.objects.get(consultation=consultation)
    allocations = {a.outcome.number: a.points for a in response.allocations.select_related("outcome")}
    assert allocations == {1: 40, 2: 20, 3: 10, 4: 10, 5: 10, 6: 10}


def test_a_ward_renamed_or_deleted_in_the_admin_shows_on_the_about_you_step_at_once(client):
    consultation = make_consultation()
    about = reverse("consultation:about_you", args=[consultation.slug])
    client.post(points(consultation), {f"points_{n}": 100 if n == 1 else 0 for n in range(1, 7)})
    ward = Ward.objects.order_by("name").first()
    assert ward.name in client.get(about).content.decode()
    administrator, superuser = Client(), Client()  # an administrator may rename a ward; a superuser delete it
    administrator.force_login(
        UserFactory(username="administrator", roles=[Role.ADMINISTRATOR], is_staff=True)
    )
    superuser.force_login(UserFactory(username="superuser", is_staff=True, is_superuser=True))
    change = reverse("admin:outcomes_ward_change", args=[ward.pk])
    renamed = {"name": "Knowsley Village and Park", "councillors": ward.councillors}
    assert administrator.post(change, renamed).status_code == 302
    assert "Knowsley Village and Park" in client.get(about).content.decode()
    delete = reverse("admin:outcomes_ward_delete", args=[ward.pk])
    assert superuser.post(delete, {"post": "yes"}).status_code == 302
    assert "Knowsley Village and Park" not in client.get(about).content.decode()


def test_the_journey_sends_only_its_writes_to_the_database(client, django_assert_num_queries):
    """Once the consultation, outcomes and wards are in the shared cache, a resident's steps read nothing
    from the database: they write their session and, at the end, the response."""
    consultation = make_consultation()
    ward = Ward.objects.order_by("name").first()
    steps = f"/consultations/{consultation.slug}/respond"
    client.get(f"{steps}/points/")
    selectors.public_wards()
    queries = []
    for method, path, data in [
        ("get", "points", None),
        ("post", "points", {f"points_{n}": 100 if n == 1 else 0 for n in range(1, 7)}),
        ("get", "comments", None),
        ("post", "comments", {"missing": "A youth club"}),
        ("get", "about-you", None),
        ("post", "about-you", {"ward": ward.pk, "consent_to_quote": "no", "connections": ["lives"]}),
        ("get", "check", None),
        ("post", "check", {"email": ""}),
        ("get", "done", None),
    ]:
        with CaptureQueriesContext(connection) as captured:
            response = (
                getattr(client, method)(f"{steps}/{path}/", data) if data else client.get(f"{steps}/{path}/")
            )
        assert response.status_code in (200, 302), (path, response.status_code)
        queries.append([q["sql"].split()[0] for q in captured.captured_queries])
    session_write = ["SAVEPOINT", "UPDATE", "RELEASE"]
    assert queries == [
        [],
        ["SELECT", "SAVEPOINT", "INSERT", "RELEASE"],  # a new session: its key checked, then stored
        [],
        session_write,
        [],
        session_write,
        [],
        ["SAVEPOINT", "INSERT", "INSERT", "INSERT", "RELEASE", *session_write],  # response, points, comment
        [],
    ]
    assert Response.objects.get(consultation=consultation).ward == ward
