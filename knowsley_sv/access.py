"""How views require a role. Every non-public view uses `RoleRequiredMixin`: anonymous visitors are sent to
sign in; signed-in users without one of the roles get the 403 page.

Object rules are each app's selectors (`procurement.selectors.tenders.tenders_visible_to(user)` and the
like), which the views fetch through, so an object the user may not see is a 404, exactly like one that does
not exist (nothing leaks). The permission table in tests/security proves both for every URL.
"""

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .roles import Role

NOT_YOUR_ROLE = "Your account does not have access to this page."


def user_has_role(user, *roles: Role) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))


def check_role(request: HttpRequest, roles: tuple[Role, ...]):
    """None if the user holds one of the roles, else the response or exception that refuses them."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_role(*roles):
        raise PermissionDenied(NOT_YOUR_ROLE)
    return None


class RoleRequiredMixin(AccessMixin):
    roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        assert self.roles, f"{type(self).__name__} must name the roles it allows"
        refusal = check_role(request, self.roles)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)
