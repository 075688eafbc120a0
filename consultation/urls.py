from django.urls import path, re_path

from . import views

app_name = "consultation"

urlpatterns = [
    path("consultations/", views.ConsultationListView.as_view(), name="list"),
    path("consultations/manage/", views.ManageListView.as_view(), name="manage_list"),
    path("consultations/new/", views.ConsultationFormView.as_view(), name="create"),
    path("consultations/wards/", views.WardPopulationListView.as_view(), name="ward_populations"),
    path("consultations/wards/<int:pk>/", views.WardPopulationEditView.as_view(), name="ward_population"),
    path("consultations/<slug:slug>/", views.StartView.as_view(), name="start"),
    path("consultations/<slug:slug>/respond/points/", views.PointsView.as_view(), name="points"),
    path("consultations/<slug:slug>/respond/comments/", views.CommentsView.as_view(), name="comments"),
    path("consultations/<slug:slug>/respond/about-you/", views.AboutYouView.as_view(), name="about_you"),
    path("consultations/<slug:slug>/respond/check/", views.CheckAnswersView.as_view(), name="check"),
    path("consultations/<slug:slug>/respond/done/", views.ConfirmationView.as_view(), name="confirmation"),
    path("consultations/<slug:slug>/your-response/", views.YourResponseView.as_view(), name="your_response"),
    path("consultations/<slug:slug>/results/", views.PublicResultsView.as_view(), name="results"),
    path("consultations/<slug:slug>/manage/", views.ManageView.as_view(), name="manage"),
    path("consultations/<slug:slug>/manage/edit/", views.ConsultationFormView.as_view(), name="edit"),
    path(
        "consultations/<slug:slug>/manage/responses/new/",
        views.OfficerResponseView.as_view(),
        name="officer_response",
    ),
    path(
        "consultations/<slug:slug>/manage/moderation/", views.ModerationListView.as_view(), name="moderation"
    ),
    path(
        "consultations/<slug:slug>/manage/comments/<int:pk>/",
        views.ModerateCommentView.as_view(),
        name="moderate",
    ),
    path(
        "consultations/<slug:slug>/manage/results/", views.ManageResultsView.as_view(), name="manage_results"
    ),
    path(
        "consultations/<slug:slug>/manage/respond/", views.BoardResponseView.as_view(), name="board_response"
    ),
    path("consultations/<slug:slug>/manage/adopt-split/", views.AdoptSplitView.as_view(), name="adopt_split"),
    path("consultations/<slug:slug>/manage/contacts/", views.ContactsView.as_view(), name="contacts"),
    re_path(
        r"^consultations/(?P<slug>[-\w]+)/manage/export/(?P<table>responses|results)\.(?P<fmt>csv|xlsx)$",
        views.ExportView.as_view(),
        name="export",
    ),
]
