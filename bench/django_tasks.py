"""The benchmark's Django-side steps, run with the app's own venv against the benchmarked database.

    .venv/bin/python bench/django_tasks.py setup  # bench users; prints targets JSON
    .venv/bin/python bench/django_tasks.py counts TARGETS.json    # query count of every benchmarked page
    .venv/bin/python bench/django_tasks.py consultation SLUG open|closed [N]   # a fresh bench consultation
    .venv/bin/python bench/django_tasks.py noloss-check SLUG N PREFIX          # exactly N stored, once each
    .venv/bin/python bench/django_tasks.py rename-consultation SLUG TITLE      # a save from another process
    .venv/bin/python bench/django_tasks.py delete-consultation SLUG            # a bench consultation, gone

It reads the same environment as the app (DJANGO_SETTINGS_MODULE, DATABASE_URL, CACHE_URL, ...). Bench users
get the password in BENCH_PASSWORD. Nothing here is imported by the app.
"""

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowsley_sv.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from consultation import services as consultation_services  # noqa: E402
from consultation.models import Comment, Consultation, Response  # noqa: E402
from knowsley_sv.models import User  # noqa: E402
from knowsley_sv.roles import Role  # noqa: E402
from outcomes.models import SocialValueModel, Ward  # noqa: E402
from procurement.models import Award, Tender  # noqa: E402
from reporting import services as pack_services  # noqa: E402
from reporting.models import ReviewPack  # noqa: E402
from reporting.pack.period import Period  # noqa: E402
from reporting.years import financial_year_of  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_pages import pages, timed_once  # noqa: E402

BOARD_USER = "bench.board"
COMMISSIONER_USER = "bench.commissioner"


def _user(username: str, role: Role, password: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"first_name": "Bench", "last_name": role}
    )
    user.set_password(password)
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user


def _model() -> SocialValueModel:
    return (
        SocialValueModel.objects.filter(status=SocialValueModel.Status.ADOPTED).order_by("-version").first()
    )


def make_consultation(slug: str, state: str, n_responses: int = 0) -> Consultation:
    """A bench consultation: open (for submissions) or closed a day ago (for results), made fresh."""
    now = timezone.now()
    board = User.objects.get(username=BOARD_USER)
    opens, closes = (
        (now - timedelta(days=1), now + timedelta(days=60))
        if state == "open"
        else (now - timedelta(days=30), now - timedelta(days=1))
    )
    consultation, _ = Consultation.objects.update_or_create(
        slug=slug,
        defaults={
            "title": f"Bench consultation {slug}",
            "summary": "Made by bench/ for load tests.",
            "how_answers_are_used": "Not used: a benchmark.",
            "model": _model(),
            "opens_at": opens,
            "closes_at": closes,
            "created_by": board,
        },
    )
    if n_responses:
        numbers = list(consultation.model.outcomes.order_by("number").values_list("number", flat=True))
        wards = list(Ward.objects.values_list("pk", flat=True))
        for i in range(n_responses):
            points = dict.fromkeys(numbers, 0)
            points[numbers[i % len(numbers)]] = 60
            points[numbers[(i + 1) % len(numbers)]] += 40
            consultation_services.response_submit(
                consultation=consultation,
                channel=Response.Channel.PAPER,
                entered_by=board,
                submitted_at=opens + timedelta(hours=1 + i),
                answers=consultation_services.Answers(points=points, ward_id=wards[i % len(wards)]),
            )
    return consultation


def bulk_responses(slug: str, n: int) -> dict:
    """Only for a development database (no seed_scale): n online responses to a closed bench consultation,
    bulk-inserted (allocations for all six outcomes, a ward for most, a few comments)."""
    import random

    from consultation.models import Allocation

    consultation = make_consultation(slug, "closed")
    outcomes = list(consultation.model.outcomes.order_by("number"))
    wards = [*Ward.objects.values_list("pk", flat=True), None]
    rng = random.Random(8)
    span = (consultation.closes_at - consultation.opens_at).total_seconds()
    done = 0
    while done < n:
        batch = min(5000, n - done)
        responses = Response.objects.bulk_create(
            Response(
                consultation=consultation,
                submitted_at=consultation.opens_at + timedelta(seconds=rng.random() * span),
                ward_id=rng.choice(wards),
                age_band=rng.choice(["", "18_24", "35_49", "65_plus"]),
                lives_in_borough=True,
                consent_to_quote=rng.random() < 0.3,
            )
            for _ in range(batch)
        )
        allocations = []
        for r in responses:
            cuts = sorted(rng.sample(range(0, 101, 5), len(outcomes) - 1))
            points = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
            allocations += [
                Allocation(response=r, outcome=o, points=p) for o, p in zip(outcomes, points, strict=True)
            ]
        Allocation.objects.bulk_create(allocations, batch_size=10000)
        Comment.objects.bulk_create(
            Comment(
                response=r,
                outcome=outcomes[0],
                text="A bench comment.",
                status="published",
                published_text="A bench comment.",
            )
            for r in responses[:5]
        )
        done += batch
    return {"slug": slug, "responses": consultation.responses.count()}


def _pack(board: User) -> ReviewPack:
    """The bench board member's draft review pack for the last complete financial year."""
    year = financial_year_of(timezone.localdate()) - 1
    period = Period.financial_year(year)
    found = ReviewPack.objects.filter(
        prepared_by=board, status=ReviewPack.Status.DRAFT, period_start=period.start
    ).first()
    return found or pack_services.pack_prepare(period=period, review=None, by=board)


def setup() -> dict:
    password = os.environ["BENCH_PASSWORD"]
    _user(BOARD_USER, Role.BOARD_MEMBER, password)
    commissioner = _user(COMMISSIONER_USER, Role.COMMISSIONER, password)
    now = timezone.now()
    # The closed consultation with the most responses: the results page under test.
    closed = (
        Consultation.objects.filter(closes_at__lte=now)
        .exclude(slug__startswith="bench-")
        .annotate(n=Count("responses"))
        .order_by("-n")
        .first()
    )
    # The awarded tender with the most bids: its evaluation report is the report under test.
    award = (
        Award.objects.annotate(n=Count("tender__bids")).select_related("tender").order_by("-n", "-id").first()
    )
    tender = award.tender if award else Tender.objects.annotate(n=Count("bids")).order_by("-n").first()
    tender.commissioners.add(commissioner)
    open_one = make_consultation("bench-open", "open")
    pack = _pack(User.objects.get(username=BOARD_USER))
    return {
        "pack_pk": pack.pk,
        "board_user": BOARD_USER,
        "commissioner_user": COMMISSIONER_USER,
        "results_slug": closed.slug,
        "results_responses": closed.n,
        "open_slug": open_one.slug,
        "tender_reference": tender.reference,
        "tender_bids": tender.bids.count(),
        "counts": {
            "responses": Response.objects.count(),
            "tenders": Tender.objects.count(),
            "bids": Tender.objects.aggregate(n=Count("bids"))["n"],
            "awards": Award.objects.count(),
        },
    }


def counts(targets: dict) -> dict:
    """Queries per page: the first request (cold cache) and the second (warm), with Django's test client
    in this process against the same database and cache as the server."""
    cache.clear()
    result, cold_ms, warm_ms = {}, {}, {}
    for name, (username, path) in {**pages(targets), **timed_once(targets)}.items():
        client = Client(HTTP_HOST="127.0.0.1")
        if username:
            client.force_login(User.objects.get(username=username))
        measured = []
        for attempt in range(2):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            elapsed = round((time.perf_counter() - started) * 1000, 1)
            if attempt == 0:  # the first request, with the cache empty: what building it from the data costs
                cold_ms[name] = elapsed
            else:
                warm_ms[name] = elapsed
            assert response.status_code == 200, (path, response.status_code)
            measured.append(len(captured))
        result[name] = measured
    # The submission journey: every step of one resident (anonymous), as the harness drives it. A new browser
    # each run, so the final POST stores a response rather than returning the same answers' first one (the
    # accept-once check keys on address and browser); the rate limit keys on the address, set high by app_env.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT=f"bench-counts/{timezone.now().timestamp()}")
    slug = targets["open_slug"]
    steps = f"/consultations/{slug}/respond"
    numbers = list(
        Consultation.objects.get(slug=slug).model.outcomes.order_by("number").values_list("number", flat=True)
    )
    ward = Ward.objects.values_list("pk", flat=True).first()
    journey = [
        ("get", f"{steps}/points/", None),
        ("post", f"{steps}/points/", {f"points_{n}": (100 if i == 0 else 0) for i, n in enumerate(numbers)}),
        ("get", f"{steps}/comments/", None),
        ("post", f"{steps}/comments/", {"missing": "bench counts"}),
        ("get", f"{steps}/about-you/", None),
        ("post", f"{steps}/about-you/", {"ward": ward, "consent_to_quote": "no", "connections": ["lives"]}),
        ("get", f"{steps}/check/", None),
        ("post", f"{steps}/check/", {}),
        ("get", f"{steps}/done/", None),
    ]
    per_step = []
    for method, path, data in journey:
        with CaptureQueriesContext(connection) as captured:
            response = (
                getattr(client, method)(path, data) if data is not None else getattr(client, method)(path)
            )
        assert response.status_code in (200, 302), (path, response.status_code)
        per_step.append(len(captured))
    result["submission journey"] = per_step
    result["cold ms"], result["warm ms"] = cold_ms, warm_ms
    return result


def noloss_check(slug: str, n: int, prefix: str) -> dict:
    consultation = Consultation.objects.get(slug=slug)
    stored = Response.objects.filter(consultation=consultation)
    texts = list(
        Comment.objects.filter(
            response__consultation=consultation, outcome__isnull=True, text__startswith=prefix
        ).values_list("text", flat=True)
    )
    return {
        "stored": stored.count(),
        "distinct_receipts": stored.values("receipt_code").distinct().count(),
        "residents_seen": len(set(texts)),
        "residents_stored_twice": len(texts) - len(set(texts)),
        "suspected_duplicates": stored.filter(Q(is_suspected_duplicate=True)).count(),
        "expected": n,
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "setup":
        out = setup()
    elif command == "counts":
        out = counts(json.loads(Path(args[0]).read_text()))
    elif command == "consultation":
        c = make_consultation(args[0], args[1], int(args[2]) if len(args) > 2 else 0)
        out = {"slug": c.slug, "responses": c.responses.count()}
    elif command == "delete-consultation":
        c = Consultation.objects.filter(slug=args[0]).first()
        if c is not None:
            Response.objects.filter(consultation=c).delete()
            c.contacts.all().delete()
            c.delete()
        out = {"deleted": args[0]}
    elif command == "rename-consultation":
        c = Consultation.objects.get(slug=args[0])
        c.title = args[1]
        c.save(update_fields=["title"])  # a save in this process: as an officer's edit on another server
        out = {"slug": c.slug, "title": c.title}
    elif command == "bulk-responses":
        out = bulk_responses(args[0], int(args[1]))
    elif command == "noloss-check":
        out = noloss_check(args[0], int(args[1]), args[2])
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))
