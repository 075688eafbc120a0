from django.urls import path

from . import views

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
]
