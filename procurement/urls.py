from django.urls import path

from . import views

app_name = "procurement"

urlpatterns = [
    path("tenders/", views.TenderListView.as_view(), name="list"),
    path("tenders/new/", views.TenderCreateView.as_view(), name="create"),
    path("tenders/<str:reference>/", views.TenderDetailView.as_view(), name="tender"),
    path("tenders/<str:reference>/pdf/", views.TenderPdfView.as_view(), name="tender_pdf"),
    path("tenders/<str:reference>/edit/", views.TenderDetailsEditView.as_view(), name="edit"),
    path("tenders/<str:reference>/edit/weights/", views.WeightsView.as_view(), name="weights"),
    path("tenders/<str:reference>/edit/criteria/", views.CriteriaView.as_view(), name="criteria"),
    path(
        "tenders/<str:reference>/edit/criteria/<int:number>/remove/",
        views.CriterionRemoveView.as_view(),
        name="criterion_remove",
    ),
    path("tenders/<str:reference>/edit/social-value/", views.SocialValueView.as_view(), name="social_value"),
    path("tenders/<str:reference>/edit/check/", views.CheckView.as_view(), name="check"),
    path("tenders/<str:reference>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("tenders/<str:reference>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("tenders/<str:reference>/bids/", views.BidsView.as_view(), name="bids"),
    path("tenders/<str:reference>/bid/", views.BidView.as_view(), name="bid"),
    path("tenders/<str:reference>/bid/withdraw/", views.BidWithdrawView.as_view(), name="bid_withdraw"),
    path("supplier/", views.SupplierHomeView.as_view(), name="supplier_home"),
    path("supplier/register/", views.SupplierRegisterView.as_view(), name="supplier_register"),
    path("supplier/colleagues/new/", views.SupplierUserCreateView.as_view(), name="supplier_user_create"),
]
