from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from .access import user_has_role
from .roles import Role

SERVICE_NAME = "Knowsley Social Value"

# Apps add to every page's context from their AppConfig.ready() (outcomes: the review-overdue banner), so the
# core reads no app of ours: each provider takes the user (anonymous if none) and returns context for
# templates/base.html.
_PROVIDERS: list[Callable[[object], dict]] = []


def register(provider: Callable[[object], dict]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def _nav_for(user) -> list[tuple[str, str]]:
    items = [
        ("The model", reverse("outcomes:model")),
        ("Consultations", reverse("consultation:list")),
        ("Tenders", reverse("procurement:list")),
        ("Who creates social value", reverse("reporting:recognition")),
    ]
    if user_has_role(user, Role.SUPPLIER):
        items.append(("Your bids", reverse("procurement:supplier_home")))
    if user_has_role(user, Role.EVALUATOR):
        items.append(("Evaluations", reverse("procurement:evaluator_home")))
    if user_has_role(user, Role.SUPPLIER, Role.COMMISSIONER, Role.BOARD_MEMBER):
        items.append(("Contracts", reverse("procurement:contract_list")))
    if user_has_role(user, Role.BOARD_MEMBER, Role.COMMISSIONER):
        items.append(("Dashboard", reverse("reporting:dashboard")))
    if user_has_role(user, Role.BOARD_MEMBER):
        items += [
            ("Versions", reverse("outcomes:versions")),
            ("Reviews", reverse("outcomes:reviews")),
        ]
    if user_has_role(user, Role.BOARD_MEMBER, Role.COMMISSIONER):
        items += [
            ("Manage consultations", reverse("consultation:manage_list")),
            ("Organisations", reverse("outcomes:organisations")),
        ]
    return items


def service(request) -> dict:
    """Service name, navigation for the signed-in roles, and what the apps add (the review-overdue banner)."""
    # No user yet when a request is refused before the authentication middleware (a bad Host header, a NUL).
    user = getattr(request, "user", None) or AnonymousUser()
    items = _nav_for(user)
    # The longest matching address is the active item (/consultations/manage/ over /consultations/).
    active = max((url for _, url in items if request.path.startswith(url)), key=len, default=None)
    nav = [(label, url, url == active) for label, url in items]
    context = {"service_name": SERVICE_NAME, "service_nav": nav}
    for provider in _PROVIDERS:
        context.update(provider(user))
    return context
