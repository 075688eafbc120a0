from django.urls import path

from .views import dashboard as views
from .views import packs

app_name = "reporting"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/<slug:table>.<str:fmt>", views.DashboardExportView.as_view(), name="dashboard_export"),
    path("recognition/", views.RecognitionView.as_view(), name="recognition"),
    path(
        "recognition/<int:pk>/",
        views.OrganisationRecognitionView.as_view(),
        name="organisation_recognition",
    ),
    # The board's review packs
    path("model/reviews/packs/", packs.PackListView.as_view(), name="packs"),
    path("model/reviews/packs/new/", packs.PackPrepareView.as_view(), name="pack_prepare"),
    path("model/reviews/packs/<int:pk>/", packs.PackView.as_view(), name="pack"),
    path("model/reviews/packs/<int:pk>/pdf/", packs.PackPdfView.as_view(), name="pack_pdf"),
    path("model/reviews/packs/<int:pk>/approve/", packs.PackApproveView.as_view(), name="pack_approve"),
    path("model/reviews/packs/<int:pk>/publish/", packs.PackPublishView.as_view(), name="pack_publish"),
    path("model/reviews/packs/<int:pk>/supersede/", packs.PackSupersedeView.as_view(), name="pack_supersede"),
    path("model/reviews/packs/<int:pk>/review/", packs.PackReviewView.as_view(), name="pack_review"),
    path(
        "model/reviews/packs/<int:pk>/tables/<slug:table>.<str:fmt>",
        packs.PackTableView.as_view(),
        name="pack_table",
    ),
    # Their public versions, once published
    path("model/review-packs/", packs.PublicPackListView.as_view(), name="public_packs"),
    path("model/review-packs/<int:pk>/", packs.PublicPackView.as_view(), name="public_pack"),
    path("model/review-packs/<int:pk>/pdf/", packs.PublicPackPdfView.as_view(), name="public_pack_pdf"),
    path(
        "model/review-packs/<int:pk>/tables/<slug:table>.<str:fmt>",
        packs.PublicPackTableView.as_view(),
        name="public_pack_table",
    ),
]
