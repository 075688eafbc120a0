from django.urls import path

from .views import award, bids, contracts, delivery, evaluation, moderation, suppliers, tenders

app_name = "procurement"

urlpatterns = [
    path("tenders/", tenders.TenderListView.as_view(), name="list"),
    path("tenders/new/", tenders.TenderCreateView.as_view(), name="create"),
    path("tenders/<str:reference>/", tenders.TenderDetailView.as_view(), name="tender"),
    path("tenders/<str:reference>/pdf/", tenders.TenderPdfView.as_view(), name="tender_pdf"),
    path("tenders/<str:reference>/edit/", tenders.TenderDetailsEditView.as_view(), name="edit"),
    path("tenders/<str:reference>/edit/weights/", tenders.WeightsView.as_view(), name="weights"),
    path("tenders/<str:reference>/edit/criteria/", tenders.CriteriaView.as_view(), name="criteria"),
    path(
        "tenders/<str:reference>/edit/criteria/<int:number>/remove/",
        tenders.CriterionRemoveView.as_view(),
        name="criterion_remove",
    ),
    path(
        "tenders/<str:reference>/edit/social-value/", tenders.SocialValueView.as_view(), name="social_value"
    ),
    path("tenders/<str:reference>/edit/check/", tenders.CheckView.as_view(), name="check"),
    path("tenders/<str:reference>/withdraw/", tenders.WithdrawView.as_view(), name="withdraw"),
    path("tenders/<str:reference>/cancel/", tenders.CancelView.as_view(), name="cancel"),
    path("tenders/<str:reference>/bids/", bids.BidsView.as_view(), name="bids"),
    path("tenders/<str:reference>/bid/", bids.BidView.as_view(), name="bid"),
    path("tenders/<str:reference>/bid/withdraw/", bids.BidWithdrawView.as_view(), name="bid_withdraw"),
    # Evaluators: declaration, blind scoring, then the panel's scores
    path("evaluate/", evaluation.EvaluatorHomeView.as_view(), name="evaluator_home"),
    path("tenders/<str:reference>/evaluate/", evaluation.EvaluateTenderView.as_view(), name="evaluate"),
    path("tenders/<str:reference>/evaluate/declare/", evaluation.DeclareView.as_view(), name="declare"),
    path(
        "tenders/<str:reference>/evaluate/bids/<int:bid_id>/",
        evaluation.ScoreBidView.as_view(),
        name="score_bid",
    ),
    path(
        "tenders/<str:reference>/evaluate/panel-scores/",
        evaluation.PanelScoresView.as_view(),
        name="panel_scores",
    ),
    # Commissioners: panel, moderation and the tender's history
    path("tenders/<str:reference>/panel/", moderation.PanelView.as_view(), name="panel"),
    path(
        "tenders/<str:reference>/panel/<int:member_id>/remove/",
        moderation.PanelRemoveView.as_view(),
        name="panel_remove",
    ),
    path("tenders/<str:reference>/moderation/", moderation.ModerationView.as_view(), name="moderation"),
    path(
        "tenders/<str:reference>/moderation/<int:bid_id>/",
        moderation.ModerateBidView.as_view(),
        name="moderate_bid",
    ),
    path("tenders/<str:reference>/history/", moderation.HistoryView.as_view(), name="history"),
    # Commissioners: report, award, standstill and contract; assessment summaries for bidders too
    path("tenders/<str:reference>/report/", award.ReportView.as_view(), name="report"),
    path(
        "tenders/<str:reference>/report.csv",
        award.ReportExportView.as_view(format="csv"),
        name="report_csv",
    ),
    path(
        "tenders/<str:reference>/report.xlsx",
        award.ReportExportView.as_view(format="xlsx"),
        name="report_xlsx",
    ),
    path("tenders/<str:reference>/award/", award.AwardView.as_view(), name="award"),
    path("tenders/<str:reference>/award/notice/", award.AwardNoticeView.as_view(), name="award_notice"),
    path("tenders/<str:reference>/contract/", contracts.ContractView.as_view(), name="contract"),
    path(
        "tenders/<str:reference>/summaries/<int:bid_id>/",
        award.AssessmentSummaryView.as_view(),
        name="summary",
    ),
    path(
        "tenders/<str:reference>/summaries/<int:bid_id>/pdf/",
        award.AssessmentSummaryPdfView.as_view(),
        name="summary_pdf",
    ),
    # Contracts and delivery of the social value committed
    path("contracts/", contracts.ContractListView.as_view(), name="contract_list"),
    path("contracts/<int:pk>/", contracts.ContractDetailView.as_view(), name="contract_detail"),
    path(
        "contracts/<int:pk>/periods/<str:start>/",
        delivery.DeliveryReportView.as_view(),
        name="delivery_report",
    ),
    path(
        "contracts/<int:pk>/lines/<int:line_id>/review/",
        delivery.LineReviewView.as_view(),
        name="line_review",
    ),
    path(
        "contracts/<int:pk>/lines/<int:line_id>/answer/",
        delivery.LineAnswerView.as_view(),
        name="line_answer",
    ),
    path("contracts/<int:pk>/rating/", delivery.RatingView.as_view(), name="rating"),
    path("evidence/<int:pk>/", delivery.EvidenceDownloadView.as_view(), name="evidence"),
    path("supplier/", suppliers.SupplierHomeView.as_view(), name="supplier_home"),
    path("supplier/register/", suppliers.SupplierRegisterView.as_view(), name="supplier_register"),
    path("supplier/colleagues/new/", suppliers.SupplierUserCreateView.as_view(), name="supplier_user_create"),
]
