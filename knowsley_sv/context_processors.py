from django.urls import reverse

from .access import user_has_role
from .roles import Role

SERVICE_NAME = "Knowsley Social Value"


def _nav_for(user) -> list[tuple[str, str]]:
    items = [("The model", reverse("outcomes:model"))]
    if user_has_role(user, Role.BOARD_MEMBER):
        items += [
            ("Versions", reverse("outcomes:versions")),
            ("Reviews", reverse("outcomes:reviews")),
        ]
    if user_has_role(user, Role.BOARD_MEMBER, Role.COMMISSIONER):
        items.append(("Organisations", reverse("outcomes:organisations")))
    return items


def service(request) -> dict:
    """Service name, navigation for the signed-in roles, and the review-overdue banner for the board."""
    user = request.user
    nav = [(label, url, request.path.startswith(url)) for label, url in _nav_for(user)]
    context = {"service_name": SERVICE_NAME, "service_nav": nav, "review_status": None}
    if user_has_role(user, Role.BOARD_MEMBER):
        from outcomes.selectors import review_status

        context["review_status"] = review_status()
    return context
