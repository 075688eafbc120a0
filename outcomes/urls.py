from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("model/", views.ModelCurrentView.as_view(), name="model"),
    path("model/versions/", views.ModelVersionListView.as_view(), name="versions"),
    path("model/versions/<int:version>/", views.ModelVersionDetailView.as_view(), name="version"),
    path("model/drafts/new/", views.DraftStartView.as_view(), name="draft_start"),
    path("model/drafts/<int:version>/", views.DraftDetailView.as_view(), name="draft"),
    path(
        "model/drafts/<int:version>/statement/",
        views.DraftStatementEditView.as_view(),
        name="draft_statement",
    ),
    path(
        "model/drafts/<int:version>/outcomes/<int:number>/",
        views.OutcomeEditView.as_view(),
        name="outcome_edit",
    ),
    path(
        "model/drafts/<int:version>/outcomes/<int:number>/indicators/new/",
        views.IndicatorCreateView.as_view(),
        name="indicator_create",
    ),
    path(
        "model/drafts/<int:version>/indicators/<int:pk>/",
        views.IndicatorEditView.as_view(),
        name="indicator_edit",
    ),
    path(
        "model/drafts/<int:version>/indicators/<int:pk>/remove/",
        views.IndicatorDeleteView.as_view(),
        name="indicator_delete",
    ),
    path("model/drafts/<int:version>/compare/", views.DraftCompareView.as_view(), name="draft_compare"),
    path("model/drafts/<int:version>/adopt/", views.DraftAdoptView.as_view(), name="draft_adopt"),
    path("model/reviews/", views.ReviewListView.as_view(), name="reviews"),
    path("model/reviews/new/", views.ReviewCreateView.as_view(), name="review_create"),
    path("model/reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review"),
    path("model/reviews/<int:pk>/actions/new/", views.ReviewActionCreateView.as_view(), name="action_create"),
    path(
        "model/reviews/<int:pk>/actions/<int:action>/",
        views.ReviewActionUpdateView.as_view(),
        name="action_update",
    ),
    path("organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("organisations/new/", views.OrganisationFormView.as_view(), name="organisation_create"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation"),
    path("organisations/<int:pk>/edit/", views.OrganisationFormView.as_view(), name="organisation_edit"),
    path(
        "organisations/<int:pk>/board-members/new/",
        views.BoardMembershipCreateView.as_view(),
        name="membership_create",
    ),
    path("board-memberships/<int:pk>/end/", views.BoardMembershipEndView.as_view(), name="membership_end"),
]
