"""The authentication backend: Django's ModelBackend, reading the signed-in user's roles in the same query
as the user on every request (User.objects.with_roles), so a role check costs no query of its own. Roles are
read afresh on every request, never cached: a role taken away applies at the next click."""

from django.contrib.auth.backends import ModelBackend

from .models import User


class RolesBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User.objects.with_roles().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
