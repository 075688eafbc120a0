from django.contrib import admin

from knowsley_sv.admin import ReadOnlyAdmin

from .models import BoardMembership, Indicator, ModelReview, Organisation, Outcome, SocialValueModel, Ward


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "size", "is_local", "is_founding_partner")
    list_filter = ("sector", "size", "is_local")
    search_fields = ("name",)


@admin.register(BoardMembership)
class BoardMembershipAdmin(admin.ModelAdmin):
    list_display = ("person", "organisation", "board_role", "started_on", "ended_on")
    list_select_related = ("person", "organisation")
    autocomplete_fields = ("organisation",)


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
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
