from collections.abc import Iterable

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models, router, transaction
from django.db.models.deletion import Collector

from . import caching, services
from .audit import unsealed
from .models import AuditEvent, Notification, User
from .notifications import retry_failed


def _many_to_many(model: type[models.Model]) -> list[type[models.Model]]:
    return [field.remote_field.through for field in model._meta.many_to_many]


def _deleted(objs: Iterable[models.Model]) -> set[type[models.Model]]:
    """Every model whose rows deleting `objs` would delete or update (a cascade, a SET_NULL)."""
    objs = list(objs)
    if not objs:
        return set()
    collector = Collector(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    return (
        set(collector.data)
        | {deletion.model for deletion in collector.fast_deletes}
        | {field.model for field, _ in collector.field_updates}
    )


class AnnouncedChangesAdmin(admin.ModelAdmin):
    """Every ModelAdmin of ours: a write through the admin names the models it wrote to caching.changed, as a
    service does (the object's model and its many-to-many tables, its inlines', and every model a deletion
    reaches), so the shared cache's figures that read them are stale at once."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        caching.changed(type(obj))

    def save_related(self, request, form, formsets, change):
        inlines_deleted = _deleted(
            f.instance for formset in formsets for f in formset.deleted_forms if f.instance.pk is not None
        )
        super().save_related(request, form, formsets, change)
        inlines = {formset.model for formset in formsets}
        caching.changed(*_many_to_many(type(form.instance)), *inlines, *inlines_deleted)

    def delete_model(self, request, obj):
        written = _deleted([obj])
        super().delete_model(request, obj)
        caching.changed(*written)

    def delete_queryset(self, request, queryset):
        written = _deleted(queryset)
        super().delete_queryset(request, queryset)
        caching.changed(*written)


@admin.register(User)
class UserAdmin(AnnouncedChangesAdmin, BaseUserAdmin):
    """Administrators manage accounts and roles, but cannot raise anyone to superuser, grant permissions
    one by one, or change their own roles: being an administrator grants no other role (roles.py).

    Every change of an account's roles or of its active, staff and superuser switches, and every password an
    administrator sets, goes in the app's audit trail (not only the admin's own log), in the same transaction.
    """

    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff")
    actions = ["unlock_signin"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                readonly += ["groups", "is_staff", "is_active"]
        return readonly

    def save_model(self, request, obj, form, change):
        # The state before the change is read from the database: `obj` already holds the form's values.
        form.account_before = services.account_state(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the roles (groups) are saved here
        services.account_change_record(user=form.instance, by=request.user, before=form.account_before)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                services.account_password_set_record(user=User.objects.get(pk=id), by=request.user)
                caching.changed(User)
        return response

    @admin.action(description="Unlock sign-in", permissions=["change"])
    def unlock_signin(self, request, queryset):
        for user in queryset:
            services.signin_unlock(user=user, by=request.user)
        self.message_user(request, f"Sign-in unlocked for {len(queryset)} account(s).", messages.SUCCESS)


class ReadOnlyAdmin(AnnouncedChangesAdmin):
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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Every message sent and how its email went; failures can be sent again."""

    list_display = ("created_at", "recipient", "kind", "subject", "status", "attempts", "last_error")
    list_filter = ("status", "kind")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    actions = ["send_again"]

    @admin.action(description="Send the selected failed messages again")
    def send_again(self, request, queryset):
        with transaction.atomic():
            n = retry_failed(queryset.values_list("pk", flat=True))
        self.message_user(
            request, f"{n} message{'' if n == 1 else 's'} queued to send again.", messages.SUCCESS
        )
