"""The board dashboard's tables (a–g), built from the selectors' figures (pure but for contract links)."""

from django.urls import reverse

from procurement import delivery

from ..arithmetic import percent
from ..charts import RAG_COLOURS, WEIGHTING_COLOURS
from ..selectors.consultations import NO_CONSULTATION, Participation, Priorities
from ..selectors.contracts import RAG_ORDER, ContractStatus, LocalSpend, WeightGroup, Weighting
from ..selectors.review import Review
from ..selectors.social_value import OutcomeValue, Quantities, totals
from ..years import short_year
from .base import COUNT, DATE, MONEY_GBP, NOT_APPLICABLE, OUTCOME, PERCENT, POINTS, Column, Link, Table


def quantities_text(quantities: Quantities) -> str:
    """ "12 apprenticeship starts, 3.5 full-time equivalent years": each unit's total (pure)."""
    parts = []
    for unit, quantity in quantities:
        number = f"{quantity:,.2f}".rstrip("0").rstrip(".")
        parts.append(f"£{quantity:,.2f}" if unit == "£" else f"{number} {unit}")
    return ", ".join(parts) if parts else NOT_APPLICABLE


def illustrative_note(n: int) -> str:
    """What a table says when n of the commitments it counts are priced with an illustrative proxy."""
    if not n:
        return ""
    counted = (
        "1 of the commitments counted here is" if n == 1 else f"{n:,} of the commitments counted here are"
    )
    return (
        f"{counted} priced with an illustrative financial proxy: a made-up figure for demonstrations, "
        "so the £ they add is not a real value."
    )


# --- a. Social value committed and delivered, by outcome ------------------------------------------------
def outcome_columns(year: int | None = None) -> list[Column]:
    """The social value table's columns: with a year, its figures are labelled with it and the year before
    follows, for comparison."""
    when = f", {short_year(year)}" if year else ""
    columns = [
        Column("outcome", "Outcome", OUTCOME),
        Column("title", "Title"),
        Column("committed_gbp", f"Committed{when}", MONEY_GBP),
        Column("committed_quantities", f"Committed{when}, in the indicators' units"),
        Column("delivered_gbp", f"Delivered, verified{when}", MONEY_GBP),
        Column("delivered_quantities", f"Delivered, verified{when}, in the indicators' units"),
        Column("delivered_percent", "Delivered as % of committed", PERCENT),
    ]
    if year:
        before = short_year(year - 1)
        columns += [
            Column("previous_year_committed_gbp", f"Committed, {before}", MONEY_GBP),
            Column("previous_year_delivered_gbp", f"Delivered, verified, {before}", MONEY_GBP),
        ]
    return [*columns, Column("commitments_without_proxy", "Commitments without a financial proxy", COUNT)]


def _outcome_row(r: OutcomeValue, *, year: int | None) -> list:
    label, title = (r.number, r.title) if r.number else (r.title, "")
    # The totals row has no quantities: different indicators' "people" are not added up.
    committed_units = quantities_text(r.committed_quantities) if r.number else ""
    delivered_units = quantities_text(r.delivered_quantities) if r.number else ""
    previous = [r.previous_committed, r.previous_delivered] if year else []
    return [
        label,
        title,
        r.committed,
        committed_units,
        r.delivered,
        delivered_units,
        r.delivered_percent,
        *previous,
        r.without_proxy,
    ]


def social_value_table(
    rows: list[OutcomeValue], *, caption: str = "", key: str = "social_value", year: int | None = None
) -> Table:
    return Table(
        key=key,
        caption=caption or "Social value committed and delivered, by outcome",
        columns=outcome_columns(year),
        rows=[_outcome_row(r, year=year) for r in rows],
        foot=[_outcome_row(totals(rows, "All outcomes"), year=year)] if len(rows) > 1 else [],
        chart="bar",
        chart_columns=(2, 4, 7, 8) if year else (2, 4),
        note=illustrative_note(sum(r.illustrative for r in rows)),
    )


# --- b, c. Weighting and local spend ------------------------------------------------------------------------
def weighting_table(figures: Weighting) -> Table:
    total = figures.all

    def row(label, group: WeightGroup):
        share = percent(group.value, total.value)
        return [
            label,
            group.contracts,
            group.value,
            share,
            group.simple_average,
            group.value_weighted_average,
        ]

    return Table(
        key="weighting",
        caption="Contract value let with a social value weight",
        columns=[
            Column("group", "Contracts let"),
            Column("contracts", "Contracts", COUNT),
            Column("value_gbp", "Value", MONEY_GBP),
            Column("share_of_value_percent", "Share of value", PERCENT),
            Column("average_weight_percent", "Average social value weight", PERCENT),
            Column("value_weighted_average_weight_percent", "Average weight, by value", PERCENT),
        ],
        rows=[
            row("With a social value weight", figures.weighted),
            row("Without a social value weight", figures.unweighted),
        ],
        foot=[row("All contracts let", total)],
        chart="doughnut",
        chart_columns=(2,),
        chart_colours=WEIGHTING_COLOURS,
    )


def local_spend_table(figures: LocalSpend) -> Table:
    total = figures.total
    return Table(
        key="local_spend",
        caption="Contract value with local organisations, SMEs and VCSEs",
        columns=[
            Column("group", "Organisations"),
            Column("contracts", "Contracts", COUNT),
            Column("value_gbp", "Value", MONEY_GBP),
            Column("percent_of_all_contract_value", "Share of all contract value", PERCENT),
        ],
        rows=[[g.label, g.contracts, g.value, percent(g.value, total.value)] for g in figures.groups],
        foot=[[total.label, total.contracts, total.value, percent(total.value, total.value)]],
        chart="bar",
        chart_columns=(3,),
    )


# --- d. Contracts at red, amber, green ---------------------------------------------------------------------
RAG_LABELS = {
    delivery.RED: ("Red", "At least one commitment under 75% of what is expected to date"),
    delivery.AMBER: ("Amber", "At least one commitment at 75% to under 95%, none under 75%"),
    delivery.GREEN: ("Green", "Every commitment due so far at 95% or more"),
    delivery.NOT_STARTED: ("Not started", "Nothing expected yet"),
}


def rag_table(contracts: list[ContractStatus]) -> Table:
    counts = {status: sum(1 for c in contracts if c.status == status) for status in RAG_ORDER}
    return Table(
        key="rag",
        caption="Contracts by delivery status today",
        columns=[
            Column("status", "Status"),
            Column("meaning", "Meaning"),
            Column("contracts", "Contracts", COUNT),
        ],
        rows=[[RAG_LABELS[s][0], RAG_LABELS[s][1], counts[s]] for s in RAG_ORDER],
        foot=[["All contracts", "", len(contracts)]],
        chart="bar",
        chart_columns=(2,),
        chart_colours=RAG_COLOURS,
    )


# The page lists this many contracts at red or amber, red first (a council with years of contracts has
# hundreds: 550 of the 1,000 contracts in seed_scale, 270 KB of the page); the downloads list them all.
RAG_CONTRACTS_SHOWN = 25


def rag_contracts_table(contracts: list[ContractStatus]) -> Table:
    return Table(
        key="rag_contracts",
        caption="Contracts at red or amber",
        columns=[Column("contract", "Contract"), Column("supplier", "Supplier"), Column("status", "Status")],
        rows=[
            [
                Link(
                    f"{c.reference}: {c.title}", reverse("procurement:contract_detail", kwargs={"pk": c.pk})
                ),
                c.supplier,
                RAG_LABELS[c.status][0],
            ]
            for status in (delivery.RED, delivery.AMBER)
            for c in contracts
            if c.status == status
        ],
        empty="No contract is at red or amber.",
        shown=RAG_CONTRACTS_SHOWN,
    )


# --- e, f, g. Participation, priorities, review -------------------------------------------------------------
def participation_table(rows: list[Participation]) -> Table:
    return Table(
        key="participation",
        caption="Responses to consultations",
        columns=[
            Column("consultation", "Consultation"),
            Column("opened", "Opened", DATE),
            Column("closes", "Closes", DATE),
            Column("responses", "Responses", COUNT),
        ],
        rows=[[r.title, r.opens_on, r.closes_on, r.responses] for r in rows],
        foot=[["All consultations", "", "", sum(r.responses for r in rows)]] if len(rows) > 1 else [],
        chart="bar",
        chart_columns=(3,),
        empty="No consultation opened in this period.",
    )


def priorities_table(figures: Priorities) -> Table:
    return Table(
        key="priorities",
        caption="Residents' priorities and tender weighting, by outcome",
        columns=[
            Column("outcome", "Outcome", OUTCOME),
            Column("title", "Title"),
            Column("residents_percent", "Residents' proposed split", PERCENT),
            Column("tenders_percent", "Tenders' split, by value", PERCENT),
            Column("difference_points", "Difference (points)", POINTS),
        ],
        rows=[[r.number, r.title, r.residents, r.tenders, r.difference] for r in figures.rows],
        chart="bar",
        chart_columns=(2, 3),
        note=figures.note,
        empty=NO_CONSULTATION,
    )


def review_table(figures: Review) -> Table:
    status = "Overdue" if figures.overdue else "Not yet due"
    return Table(
        key="review",
        caption="Annual review of the model",
        columns=[
            Column("version", "Adopted version"),
            Column("adopted_on", "Adopted on", DATE),
            Column("last_review_on", "Last review", DATE),
            Column("review_due_on", "Next review due", DATE),
            Column("status", "Status"),
        ],
        rows=[]
        if figures.version is None
        else [
            [
                f"Version {figures.version}",
                figures.adopted_on,
                figures.last_review_on,
                figures.due_on,
                status,
            ]
        ],
        empty="No version of the model has been adopted.",
    )
