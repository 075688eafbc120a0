"""Open data, at /open-data/: anyone may read it."""

from django.urls import path

from .views import open_data as views

app_name = "open_data"
urlpatterns = [
    path("", views.OpenDataIndexView.as_view(), name="index"),
    path("releases.json", views.PackageView.as_view(), name="package"),
    path("tenders.csv", views.CsvView.as_view(), name="csv"),
    path("tenders/<str:reference>.json", views.ReleaseView.as_view(), name="release"),
]
