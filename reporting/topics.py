"""What the board dashboard's cached figures are worked out from (knowsley_sv.caching, docs/decisions/0006):
each topic names the models its tables read, so a write to any of them makes those tables stale and a write to
anything else (a score, a session, a contact record) leaves them cached. The review table reads the banner's
topic, outcomes.topics.REVIEW_STATUS. Imported by ReportingConfig.ready(), so the topics are declared before
anything writes."""

from consultation.models import Allocation, Consultation, Response, WardPopulation
from knowsley_sv import caching
from outcomes.models import (
    BoardMembership,
    Indicator,
    ModelReview,
    Organisation,
    Outcome,
    ReviewAction,
    SocialValueModel,
    Ward,
)
from procurement.models import (
    Award,
    Bid,
    Contract,
    ContractKPI,
    DeliveryLine,
    DeliveryReport,
    OfferedIndicator,
    OutcomeShare,
    PerformanceRating,
    Tender,
)

from .models import ReviewPack

# Social value, weighting, local spend, RAG, the tenders' side of the priorities, the years with data and
# the outcome titles: contracts and what their KPIs committed and delivered; the tenders, bids and awards
# behind them; the suppliers' sector, size and locality; the adopted model's outcomes and an indicator's
# illustrative proxy.
PROCUREMENT = caching.topic(
    "reporting.procurement",
    reads=[
        Tender,
        OutcomeShare,
        Bid,
        Award,
        Contract,
        ContractKPI,
        DeliveryReport,
        DeliveryLine,
        Organisation,
        SocialValueModel,
        Outcome,
        Indicator,
    ],
)

# Participation, the residents' side of the priorities and the years with data: consultations, their
# responses and the points each response gave.
CONSULTATIONS = caching.topic("reporting.consultations", reads=[Consultation, Response, Allocation])

# A draft review pack's figures, beyond those two topics: the review and its actions, the board's membership,
# the contracts' performance ratings, the indicators tenders offered, the wards behind the coverage, and the
# packs themselves.
PACK = caching.topic(
    "reporting.pack",
    reads=[
        ReviewPack,
        ModelReview,
        ReviewAction,
        BoardMembership,
        PerformanceRating,
        OfferedIndicator,
        Ward,
        WardPopulation,
    ],
)
