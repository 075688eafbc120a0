"""Writes with rules, by stage: tenders, bids, suppliers, evaluation, award, contracts, delivery."""
