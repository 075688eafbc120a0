"""Results in the shared cache are never stale: every new, withdrawn or moderated response, and every ward
population change, makes a new cache entry, bumped at once and again when the transaction commits."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultation import selectors, services
from consultation.models import Comment, Response, WardPopulation
from knowsley_sv.roles import Role
from outcomes.models import Ward

from ..factories import UserFactory
from .helpers import answers, make_consultation

pytestmark = pytest.mark.django_db

COUNT = re.compile(r"([\d,]+) responses[.;,]")


@pytest.fixture
def officer():
    return UserFactory(username="cache-officer", roles=[Role.BOARD_MEMBER])


def paper_response(consultation, officer, points=None, **fields) -> Response:
    """A paper response keyed by an officer (accepted after close until the board responds)."""
    return services.response_submit(
        consultation=consultation,
        answers=answers(points, **fields),
        channel=Response.Channel.PAPER,
        entered_by=officer,
        submitted_at=consultation.opens_at + timedelta(hours=1),
    )


def closed_with(n: int, officer, slug="cache-closed"):
    consultation = make_consultation(slug=slug, closed=True)
    wards = list(Ward.objects.all())
    for i in range(n):
        paper_response(consultation, officer, ward_id=wards[i % len(wards)].pk)
    return consultation


def shown_count(client, consultation) -> int:
    body = client.get(reverse("consultation:results", args=[consultation.slug])).content.decode()
    return int(COUNT.search(body).group(1).replace(",", ""))


def test_the_public_page_is_served_from_the_cache_until_a_response_changes_it(
    client, officer, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    consultation = closed_with(12, officer)
    assert shown_count(client, consultation) == 12
    with django_assert_max_num_queries(1):  # the consultation; the page's body comes from the cache
        assert shown_count(client, consultation) == 12
    with django_capture_on_commit_callbacks(execute=True):
        paper_response(consultation, officer)
    assert shown_count(client, consultation) == 13


def test_a_reader_between_the_write_and_its_commit_cannot_pin_stale_results(
    officer, django_capture_on_commit_callbacks, monkeypatch
):
    """The version is bumped inside the transaction and again on commit: results worked out from the data
    as it was before the commit, and stored under the version current then, are never read afterwards."""
    consultation = closed_with(12, officer)
    before = selectors.cached_results(consultation)
    assert before.n_responses == 12
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        paper_response(consultation, officer)
        # Another app server reads now: it sees the bumped version but (in production) the old data,
        # and stores those old figures under the bumped version.
        with monkeypatch.context() as old_data:
            old_data.setattr(selectors, "results", lambda *args, **kwargs: before)
            assert selectors.cached_results(consultation).n_responses == 12  # worked out and stored
        assert selectors.cached_results(consultation).n_responses == 12  # the pinned stale entry
    assert callbacks  # the bumps waiting for the commit (this consultation's and the dashboard's)
    for callback in callbacks:
        callback()  # the commit
    assert selectors.cached_results(consultation).n_responses == 13


def test_a_rolled_back_response_leaves_the_results_right(officer):
    consultation = closed_with(12, officer)
    assert selectors.cached_results(consultation).n_responses == 12
    with pytest.raises(RuntimeError), services.transaction.atomic():
        paper_response(consultation, officer)
        raise RuntimeError("the request failed")
    assert Response.objects.filter(consultation=consultation).count() == 12
    assert selectors.cached_results(consultation).n_responses == 12


def test_withdrawing_a_response_updates_the_boards_live_results(
    client, officer, django_capture_on_commit_callbacks
):
    consultation = make_consultation(slug="cache-open")
    kept = [services.response_submit(consultation=consultation, answers=answers()) for _ in range(11)]
    client.force_login(officer)
    live = reverse("consultation:manage_results", args=[consultation.slug])
    assert "11 responses" in client.get(live).content.decode()
    assert "11 responses" in client.get(live).content.decode()  # cached
    with django_capture_on_commit_callbacks(execute=True):
        services.response_withdraw(response=kept[0])
    assert "10 responses" in client.get(live).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(consultation=consultation, answers=answers({1: 100}))
    assert "11 responses" in client.get(live).content.decode()


def test_publishing_or_hiding_a_comment_updates_the_public_page(
    client, officer, django_capture_on_commit_callbacks
):
    consultation = closed_with(11, officer)
    response = paper_response(
        consultation, officer, comments={1: "More buses to Kirkby"}, consent_to_quote=True
    )
    comment = Comment.objects.get(response=response)
    url = reverse("consultation:results", args=[consultation.slug])
    assert "More buses to Kirkby" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_publish(comment=comment, published_text="More buses to Kirkby", by=officer)
    assert "More buses to Kirkby" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(comment=comment, reason="Off topic", by=officer)
    assert "More buses to Kirkby" not in client.get(url).content.decode()


def test_a_ward_population_change_reweights_every_cached_result(officer, django_capture_on_commit_callbacks):
    consultation = closed_with(20, officer)
    figures = list(WardPopulation.objects.select_related("ward"))
    for figure in figures:
        services.ward_population_update(
            figure=figure, by=officer, population=10_000, year=2023, source="ONS", illustrative=False
        )
    first = selectors.cached_results(consultation)
    assert first.weights and first.weighting_note == ""
    with django_capture_on_commit_callbacks(execute=True):
        services.ward_population_update(
            figure=figures[0], by=officer, population=90_000, year=2023, source="ONS", illustrative=False
        )
    second = selectors.cached_results(consultation)
    assert second.weights != first.weights
    assert second == selectors.results(consultation)


def test_a_response_to_one_consultation_leaves_the_others_results_cached(officer, django_assert_num_queries):
    one, other = closed_with(12, officer, slug="cache-one"), closed_with(12, officer, slug="cache-other")
    assert selectors.cached_results(one).n_responses == selectors.cached_results(other).n_responses == 12
    paper_response(one, officer)
    with django_assert_num_queries(0):
        assert selectors.cached_results(other).n_responses == 12
    assert selectors.cached_results(one).n_responses == 13


def test_cached_figures_are_the_figures(officer):
    consultation = closed_with(15, officer)
    assert selectors.cached_results(consultation) == selectors.results(consultation)
    assert selectors.cached_results(consultation) == selectors.results(consultation)  # from the cache
    assert selectors.cached_results(consultation, include_duplicates=True) == selectors.results(
        consultation, include_duplicates=True
    )


def test_a_consultation_made_again_with_the_same_id_never_reads_the_old_entry(officer):
    """A test database rolled back (or a restored backup) can give a new consultation an old id."""
    consultation = closed_with(12, officer)
    assert selectors.cached_results(consultation).n_responses == 12
    consultation.created_at = timezone.now() + timedelta(seconds=1)  # as if made again
    Response.objects.filter(consultation=consultation).delete()  # behind the services' back
    assert selectors.cached_results(consultation).n_responses == 0


@pytest.mark.parametrize(
    ("raw", "count", "expected"),
    [
        (None, 0, 1),
        ("", 120, 1),
        ("2", 120, 2),
        ("3", 120, 3),
        ("4", 120, 3),
        ("999", 120, 3),
        ("0", 120, 1),
        ("-2", 120, 1),
        ("two", 120, 1),
        ("2", 0, 1),
        ("2", 50, 1),
        ("2", 51, 2),
    ],
)
def test_page_numbers_are_read_as_the_paginator_reads_them(raw, count, expected):
    assert selectors.page_number(raw, count, 50) == expected


def test_only_real_pages_of_comments_make_cache_entries(client, officer):
    consultation = closed_with(11, officer)
    for i in range(3):
        response = paper_response(consultation, officer, comments={1: f"Comment {i}"}, consent_to_quote=True)
        comment = Comment.objects.get(response=response)
        services.comment_publish(comment=comment, published_text=f"Comment {i}", by=officer)
    url = reverse("consultation:results", args=[consultation.slug])
    before = set(cache._cache)
    bodies = {client.get(url, {"page": page}).context["body"] for page in ["1", "7", "x", "-1", "1000000"]}
    assert len(bodies) == 1  # one page of 3 comments, whatever was asked for
    # its count and page 1, the results they show, and the consultation with its outcomes (the versions of
    # the topics they read aside)
    assert len({key for key in set(cache._cache) - before if ":topic:" not in key}) <= 4


def test_the_cached_body_is_the_same_whoever_looks(officer):
    """The public page's body is rendered once and served from the shared cache to everyone, so it must not
    depend on who is looking: worked out afresh for each of four visitors, it is the same to the byte."""
    consultation = closed_with(11, officer)
    response = paper_response(
        consultation, officer, comments={1: "More buses to Kirkby"}, consent_to_quote=True
    )
    services.comment_publish(
        comment=response.comments.get(), published_text="More buses to Kirkby", by=officer
    )
    visitors = {
        "anonymous": None,
        "resident": UserFactory(username="cache-resident", roles=[Role.RESIDENT]),
        "board member": officer,
        "administrator": UserFactory(username="cache-admin", roles=[Role.ADMINISTRATOR], is_staff=True),
    }
    bodies = {}
    for who, user in visitors.items():
        cache.clear()
        client = Client()
        if user is not None:
            client.force_login(user)
        bodies[who] = client.get(reverse("consultation:results", args=[consultation.slug])).context["body"]
    assert "12 responses" in bodies["anonymous"] and "More buses to Kirkby" in bodies["anonymous"]
    assert len({body.encode() for body in bodies.values()}) == 1, bodies
