from django.urls import path

from . import award_views, delivery_views, evaluator_views, moderation_views, views

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
    # Evaluators: declaration, blind scoring, then the panel's scores
    path("evaluate/", evaluator_views.EvaluatorHomeView.as_view(), name="evaluator_home"),
    path("tenders/<str:reference>/evaluate/", evaluator_views.EvaluateTenderView.as_view(), name="evaluate"),
    path("tenders/<str:reference>/evaluate/declare/", evaluator_views.DeclareView.as_view(), name="declare"),
    path(
        "tenders/<str:reference>/evaluate/bids/<int:bid_id>/",
        evaluator_views.ScoreBidView.as_view(),
        name="score_bid",
    ),
    path(
        "tenders/<str:reference>/evaluate/panel-scores/",
        evaluator_views.PanelScoresView.as_view(),
        name="panel_scores",
    ),
    # Commissioners: panel, moderation and the tender's history
    path("tenders/<str:reference>/panel/", moderation_views.PanelView.as_view(), name="panel"),
    path(
        "tenders/<str:reference>/panel/<int:member_id>/remove/",
        moderation_views.PanelRemoveView.as_view(),
        name="panel_remove",
    ),
    path("tenders/<str:reference>/moderation/", moderation_views.ModerationView.as_view(), name="moderation"),
    path(
        "tenders/<str:reference>/moderation/<int:bid_id>/",
        moderation_views.ModerateBidView.as_view(),
        name="moderate_bid",
    ),
    path("tenders/<str:reference>/history/", moderation_views.HistoryView.as_view(), name="history"),
    # Commissioners: report, award, standstill and contract; assessment summaries for bidders too
    path("tenders/<str:reference>/report/", award_views.ReportView.as_view(), name="report"),
    path(
        "tenders/<str:reference>/report.csv",
        award_views.ReportExportView.as_view(format="csv"),
        name="report_csv",
    ),
    path(
        "tenders/<str:reference>/report.xlsx",
        award_views.ReportExportView.as_view(format="xlsx"),
        name="report_xlsx",
    ),
    path("tenders/<str:reference>/award/", award_views.AwardView.as_view(), name="award"),
    path("tenders/<str:reference>/award/notice/", award_views.AwardNoticeView.as_view(), name="award_notice"),
    path("tenders/<str:reference>/contract/", award_views.ContractView.as_view(), name="contract"),
    path(
        "tenders/<str:reference>/summaries/<int:bid_id>/",
        award_views.AssessmentSummaryView.as_view(),
        name="summary",
    ),
    path(
        "tenders/<str:reference>/summaries/<int:bid_id>/pdf/",
        award_views.AssessmentSummaryPdfView.as_view(),
        name="summary_pdf",
    ),
    # Contracts and delivery of the social value committed
    path("contracts/", delivery_views.ContractListView.as_view(), name="contract_list"),
    path("contracts/<int:pk>/", delivery_views.ContractDetailView.as_view(), name="contract_detail"),
    path(
        "contracts/<int:pk>/periods/<str:start>/",
        delivery_views.DeliveryReportView.as_view(),
        name="delivery_report",
    ),
    path(
        "contracts/<int:pk>/lines/<int:line_id>/review/",
        delivery_views.LineReviewView.as_view(),
        name="line_review",
    ),
    path(
        "contracts/<int:pk>/lines/<int:line_id>/answer/",
        delivery_views.LineAnswerView.as_view(),
        name="line_answer",
    ),
    path("contracts/<int:pk>/rating/", delivery_views.RatingView.as_view(), name="rating"),
    path("evidence/<int:pk>/", delivery_views.EvidenceDownloadView.as_view(), name="evidence"),
    path("supplier/", views.SupplierHomeView.as_view(), name="supplier_home"),
    path("supplier/register/", views.SupplierRegisterView.as_view(), name="supplier_register"),
    path("supplier/colleagues/new/", views.SupplierUserCreateView.as_view(), name="supplier_user_create"),
]
