"""The recognition pages' tables: by organisation, by sector, and one organisation's contracts (its outcomes
are the dashboard's social value table, reporting.tables.dashboard.social_value_table)."""

from decimal import Decimal

from django.urls import reverse

from ..arithmetic import percent
from ..selectors.recognition import ContractValue, OrganisationValue, SectorValue
from .base import COUNT, DATE, MONEY_GBP, PERCENT, YES_NO, Column, Link, Table

EXPECTED_COLUMNS = [
    Column("committed_gbp", "Committed", MONEY_GBP),
    Column("expected_to_date_gbp", "Expected to date", MONEY_GBP),
    Column("delivered_gbp", "Delivered, verified", MONEY_GBP),
    Column("delivered_of_expected_percent", "Delivered of expected", PERCENT),
    Column("commitments_with_illustrative_proxy", "Commitments priced with an illustrative proxy", COUNT),
]


def _expected_cells(committed, expected, delivered, illustrative) -> list:
    return [committed, expected, delivered, percent(delivered, expected), illustrative]


def recognition_table(rows: list[OrganisationValue]) -> Table:
    return Table(
        key="recognition",
        caption="Social value by organisation",
        columns=[
            Column("organisation", "Organisation"),
            Column("sector", "Sector"),
            Column("local", "Local", YES_NO),
            Column("contracts", "Contracts", COUNT),
            *EXPECTED_COLUMNS,
        ],
        rows=[
            [
                Link(r.name, reverse("reporting:organisation_recognition", kwargs={"pk": r.pk})),
                r.sector_label,
                r.is_local,
                r.contracts,
                *_expected_cells(r.committed, r.expected, r.delivered, r.illustrative),
            ]
            for r in rows
        ],
        empty="No organisation in this sector has a contract yet.",
    )


def sector_table(rows: list[SectorValue]) -> Table:
    def total(name):
        return sum((getattr(s, name) for s in rows), Decimal(0))

    return Table(
        key="sectors",
        caption="Social value by sector",
        columns=[
            Column("sector", "Sector"),
            Column("organisations", "Organisations", COUNT),
            Column("contracts", "Contracts", COUNT),
            *EXPECTED_COLUMNS,
        ],
        rows=[
            [
                s.label,
                s.organisations,
                s.contracts,
                *_expected_cells(s.committed, s.expected, s.delivered, s.illustrative),
            ]
            for s in rows
        ],
        foot=[
            [
                "All sectors",
                sum(s.organisations for s in rows),
                sum(s.contracts for s in rows),
                *_expected_cells(
                    total("committed"),
                    total("expected"),
                    total("delivered"),
                    sum(s.illustrative for s in rows),
                ),
            ]
        ]
        if len(rows) > 1
        else [],
        chart="bar",
        chart_columns=(3, 4, 5),
        empty="No organisation in this sector has a contract yet.",
    )


def organisation_contracts_table(contracts: list[ContractValue]) -> Table:
    return Table(
        key="contracts",
        caption="Contracts",
        columns=[
            Column("contract", "Contract"),
            Column("start_date", "Starts", DATE),
            Column("end_date", "Ends", DATE),
            Column("value_gbp", "Value", MONEY_GBP),
            *EXPECTED_COLUMNS,
        ],
        rows=[
            [
                Link(
                    f"{c.reference}: {c.title}",
                    reverse("procurement:tender", kwargs={"reference": c.reference}),
                ),
                c.start_date,
                c.end_date,
                c.value,
                *_expected_cells(c.committed, c.expected, c.delivered, c.illustrative),
            ]
            for c in contracts
        ],
    )
