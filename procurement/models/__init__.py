"""Procurement's models by stage; every class is importable from here, as Django and the migrations expect."""

# Imported in the order the classes stood in the old single module, so the app registry lists them as
# before (content types, permissions, dumpdata and flush follow that order).
# isort: off
from .tenders import OfferedIndicator, OutcomeShare, QualityCriterion, ScoringScalePoint, Tender
from .suppliers import SupplierMember
from .bids import Bid, BidQuerySet, Commitment, MethodStatement, QualityAnswer
from .evaluation import ModeratedScore, PanelMember, Score, line_key
from .award import Award
from .contracts import Contract, ContractKPI
from .delivery import DeliveryLine, DeliveryReport, Evidence, PerformanceRating

# isort: on

__all__ = [
    "Award",
    "Bid",
    "BidQuerySet",
    "Commitment",
    "Contract",
    "ContractKPI",
    "DeliveryLine",
    "DeliveryReport",
    "Evidence",
    "MethodStatement",
    "ModeratedScore",
    "OfferedIndicator",
    "OutcomeShare",
    "PanelMember",
    "PerformanceRating",
    "QualityAnswer",
    "QualityCriterion",
    "Score",
    "ScoringScalePoint",
    "SupplierMember",
    "Tender",
    "line_key",
]
