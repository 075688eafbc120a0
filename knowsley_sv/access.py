"""How views require a role and apply object rules. Every non-public view uses one of these.

- `RoleRequiredMixin` / `role_required`: anonymous visitors are sent to sign in; signed-in users without
  one of the roles get the 403 page.
- Object rules live on querysets as `.visible_to(user)`; `VisibleObjectMixin` fetches through it, so an
  object the user may not see is a 404, exactly like one that does not exist (nothing leaks).
"""

from collections.abc import Callable
from functools import wraps

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


def role_required(*roles: Role) -> Callable:
    assert roles, "role_required needs at least one role"

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = check_role(request, roles)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class VisibleObjectMixin:
    """For detail views: fetch through `Model.objects.visible_to(user)`, so hidden objects are a 404."""

    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)
