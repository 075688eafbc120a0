from django.urls import path, re_path

from .views import manage, public, results

app_name = "consultation"

urlpatterns = [
    path("consultations/", public.ConsultationListView.as_view(), name="list"),
    path("consultations/manage/", manage.ManageListView.as_view(), name="manage_list"),
    path("consultations/new/", manage.ConsultationFormView.as_view(), name="create"),
    path("consultations/wards/", manage.WardPopulationListView.as_view(), name="ward_populations"),
    path("consultations/wards/<int:pk>/", manage.WardPopulationEditView.as_view(), name="ward_population"),
    path("consultations/<slug:slug>/", public.StartView.as_view(), name="start"),
    path("consultations/<slug:slug>/respond/points/", public.PointsView.as_view(), name="points"),
    path("consultations/<slug:slug>/respond/comments/", public.CommentsView.as_view(), name="comments"),
    path("consultations/<slug:slug>/respond/about-you/", public.AboutYouView.as_view(), name="about_you"),
    path("consultations/<slug:slug>/respond/check/", public.CheckAnswersView.as_view(), name="check"),
    path("consultations/<slug:slug>/respond/done/", public.ConfirmationView.as_view(), name="confirmation"),
    path("consultations/<slug:slug>/your-response/", public.YourResponseView.as_view(), name="your_response"),
    path("consultations/<slug:slug>/results/", results.PublicResultsView.as_view(), name="results"),
    path("consultations/<slug:slug>/manage/", manage.ManageView.as_view(), name="manage"),
    path("consultations/<slug:slug>/manage/edit/", manage.ConsultationFormView.as_view(), name="edit"),
    path(
        "consultations/<slug:slug>/manage/responses/new/",
        manage.OfficerResponseView.as_view(),
        name="officer_response",
    ),
    path(
        "consultations/<slug:slug>/manage/moderation/", manage.ModerationListView.as_view(), name="moderation"
    ),
    path(
        "consultations/<slug:slug>/manage/comments/<int:pk>/",
        manage.ModerateCommentView.as_view(),
        name="moderate",
    ),
    path(
        "consultations/<slug:slug>/manage/results/",
        results.ManageResultsView.as_view(),
        name="manage_results",
    ),
    path(
        "consultations/<slug:slug>/manage/respond/",
        results.BoardResponseView.as_view(),
        name="board_response",
    ),
    path(
        "consultations/<slug:slug>/manage/adopt-split/", results.AdoptSplitView.as_view(), name="adopt_split"
    ),
    path("consultations/<slug:slug>/manage/contacts/", manage.ContactsView.as_view(), name="contacts"),
    re_path(
        r"^consultations/(?P<slug>[-\w]+)/manage/export/(?P<table>responses|results)\.(?P<fmt>csv|xlsx)$",
        results.ExportView.as_view(),
        name="export",
    ),
]
