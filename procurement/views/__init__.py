"""Pages, by stage: tenders, bids, suppliers, evaluation, moderation, award, contracts, delivery,
open data."""
