from django.contrib import admin
from django.core.exceptions import PermissionDenied

from knowsley_sv.admin import AnnouncedChangesAdmin, ReadOnlyAdmin

from .models import BoardMembership, Indicator, ModelReview, Organisation, Outcome, SocialValueModel, Ward

ORGANISATION_NOT_DELETED = (
    "An organisation cannot be deleted, because the service's records refer to it. "
    "Change its details instead, or make the accounts of the people who act for it inactive."
)


@admin.register(Organisation)
class OrganisationAdmin(AnnouncedChangesAdmin):
    """Never deleted here, whoever asks (superusers included), in the same words whatever refers to it: the
    list of what a deletion would touch would otherwise name a sealed bid before the deadline."""

    list_display = ("name", "sector", "size", "is_local", "is_founding_partner")
    list_filter = ("sector", "size", "is_local")
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied(ORGANISATION_NOT_DELETED)


@admin.register(BoardMembership)
class BoardMembershipAdmin(AnnouncedChangesAdmin):
    list_display = ("person", "organisation", "board_role", "started_on", "ended_on")
    list_select_related = ("person", "organisation")
    autocomplete_fields = ("organisation",)


@admin.register(Ward)
class WardAdmin(AnnouncedChangesAdmin):
    list_display = ("name", "councillors")


class OutcomeInline(admin.TabularInline):
    model = Outcome
    fields = ("number", "title", "pillar", "default_share")
    extra = 0


# Versions of the model change only through the board's pages (drafts, adoption), where the rules live.
@admin.register(SocialValueModel)
class SocialValueModelAdmin(ReadOnlyAdmin):
    list_display = ("version", "status", "adopted_at", "superseded_at")
    inlines = [OutcomeInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "unit", "proxy_value", "outcome")
    list_select_related = ("outcome__model",)


@admin.register(ModelReview)
class ModelReviewAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "model", "result")
    list_select_related = ("model",)
