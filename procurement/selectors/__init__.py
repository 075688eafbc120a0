"""Reads for pages, by stage: tenders, bids, evaluation, contracts, delivery."""
