from django.contrib import admin
from django.utils import timezone

from knowsley_sv.admin import ReadOnlyAdmin

from .models import Bid, SupplierMember, Tender


@admin.register(SupplierMember)
class SupplierMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation")
    list_select_related = ("user", "organisation")


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "status", "deadline")
    list_filter = ("status",)
    search_fields = ("reference", "title")


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    """The seal holds in the admin too: before a tender's deadline no bid of it is listed or counted,
    whoever is signed in (superusers included); drafts and withdrawn bids are never shown."""

    list_display = ("tender", "supplier", "price", "submitted_at")
    list_select_related = ("tender", "supplier")
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(tender__deadline__lte=timezone.now(), status=Bid.Status.SUBMITTED)
        )
