from django.contrib import admin

from knowsley_sv.admin import ReadOnlyAdmin

from .models import Bid, SupplierMember, Tender


@admin.register(SupplierMember)
class SupplierMemberAdmin(ReadOnlyAdmin):
    """To look only: who acts for a supplier is the supplier's own (colleagues are added in the app, and
    audited). An administrator who could add a membership could make an account that reads a sealed bid."""

    list_display = ("user", "organisation")
    list_select_related = ("user", "organisation")


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    """Published tenders only: a draft is the commissioners' until it is published, in the admin too."""

    list_display = ("reference", "title", "status", "deadline")
    list_filter = ("status",)
    search_fields = ("reference", "title")

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(status=Tender.Status.DRAFT)


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    """The seal holds in the admin too: until a tender's bids are opened after its deadline, none is
    listed or counted, whoever is signed in (superusers included); drafts and withdrawn bids never are."""

    list_display = ("tender", "supplier", "price", "submitted_at")
    list_select_related = ("tender", "supplier")
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request) & Bid.objects.opened()
