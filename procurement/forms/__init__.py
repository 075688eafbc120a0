"""Forms, by stage: tenders, suppliers, bids, evaluation, award, contracts, delivery."""
