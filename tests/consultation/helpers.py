"""Small builders for consultation tests."""

from datetime import timedelta

from django.utils import timezone

from consultation import services
from consultation.models import Allocation, Consultation, Response
from outcomes.models import Outcome, SocialValueModel, Ward

from ..factories import UserFactory

SPLIT = {1: 30, 2: 20, 3: 15, 4: 10, 5: 10, 6: 15}


def make_consultation(*, slug="priorities", open_now=True, closed=False, **fields) -> Consultation:
    now = timezone.now()
    if closed:
        opens, closes = now - timedelta(days=30), now - timedelta(days=1)
    elif open_now:
        opens, closes = now - timedelta(days=1), now + timedelta(days=30)
    else:
        opens, closes = now + timedelta(days=5), now + timedelta(days=35)
    return Consultation.objects.create(
        title=fields.pop("title", "What matters most"),
        slug=slug,
        summary="What is proposed",
        how_answers_are_used="How answers are used",
        model=SocialValueModel.objects.get(version=1),
        opens_at=opens,
        closes_at=closes,
        created_by=UserFactory(username=f"creator-{slug}"),
        **fields,
    )


def answers(points=None, **fields) -> services.Answers:
    return services.Answers(points=dict(points or SPLIT), **fields)


def bulk_responses(consultation: Consultation, n: int, *, duplicates: int = 0) -> None:
    """n responses with allocations, spread over wards and days, written in bulk (for size tests)."""
    outcomes = list(Outcome.objects.filter(model=consultation.model).order_by("number"))
    wards = list(Ward.objects.all()) + [None]
    now = timezone.now()
    batch = 2000
    for start in range(0, n, batch):
        responses = Response.objects.bulk_create(
            Response(
                consultation=consultation,
                receipt_code=f"{consultation.pk % 100:02d}{i:08d}",
                ward=wards[i % len(wards)],
                submitted_at=now - timedelta(hours=i % 500),
                is_suspected_duplicate=i < duplicates,
            )
            for i in range(start, min(n, start + batch))
        )
        Allocation.objects.bulk_create(
            Allocation(response=r, outcome=o, points=p)
            for k, r in enumerate(responses)
            for o, p in zip(outcomes, _points(start + k), strict=True)
        )


def _points(i: int) -> list[int]:
    first = 10 + i % 41  # 10..50
    second = (100 - first) // 2
    rest = 100 - first - second
    return [first, second, rest // 4, rest // 4, rest // 4, rest - 3 * (rest // 4)]
