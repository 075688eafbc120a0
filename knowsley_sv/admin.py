from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .audit import unsealed
from .models import AuditEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Administrators manage accounts and roles, but cannot raise anyone to superuser, grant permissions
    one by one, or change their own roles: being an administrator grants no other role (roles.py)."""

    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                readonly += ["groups", "is_staff", "is_active"]
        return readonly


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin may look, never change: the app's services own every write with its rules."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "target_label")
    list_filter = ("action",)
    search_fields = ("actor_label", "target_label", "action")
    date_hierarchy = "at"

    def get_queryset(self, request):
        return unsealed(super().get_queryset(request))
