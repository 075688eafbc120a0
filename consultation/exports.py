"""CSV and XLSX downloads of responses and of the results table.

What each holds is said once, in RESPONSES_COLUMNS and RESULTS_COLUMNS: the headers are made from them and
the pages that link to the downloads show them. The responses hold no contact details, no receipt codes,
only the comments as the board published them (with its redactions), and the date of each response, never
the time: beside the ward, age band and connection, a time to the second could pick a resident out. The
writers, which keep a formula as text, are the core's (knowsley_sv.tabular).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils import timezone

from .models import Allocation, Comment, Consultation, Response
from .selectors import Results


@dataclass(frozen=True)
class Column:
    """One column of a download: its header (with {n}, one column for each outcome) and what it holds."""

    name: str
    holds: str

    @property
    def per_outcome(self) -> bool:
        return "{n}" in self.name

    @property
    def label(self) -> str:
        """The header as a page shows it: points_outcome_N."""
        return self.name.replace("{n}", "N")


RESPONSES_COLUMNS = (
    Column(
        "submitted_on", "The date the response was sent, or received on paper or at an event (no time of day)"
    ),
    Column("channel", "online, paper or event"),
    Column("ward", "The ward the resident gave, or Prefer not to say"),
    Column("age_band", "The age band the resident gave (empty if none)"),
    Column("lives_in_borough", "True if they said they live in Knowsley"),
    Column("works_in_borough", "True if they said they work in Knowsley"),
    Column("runs_business_in_borough", "True if they said they run a business in Knowsley"),
    Column("volunteers_in_borough", "True if they said they volunteer in Knowsley"),
    Column("consent_to_quote", "True if they agreed to be quoted anonymously"),
    Column(
        "suspected_duplicate",
        "True if the same answers came from the same address within a day (flagged, never deleted)",
    ),
    Column("points_outcome_{n}", "Points given to outcome N, one column for each outcome"),
    Column(
        "comment_outcome_{n}",
        "The comment on outcome N as the board published it, redactions and all; empty if not published",
    ),
    Column("comment_what_is_missing", 'The answer to "what is missing?" as the board published it'),
)

RESULTS_COLUMNS = (
    Column("outcome", "The outcome's number"),
    Column("title", "The outcome's title"),
    Column("responses", "Responses counted (empty when fewer than 10)"),
    Column("mean_points", "Average points given to the outcome"),
    Column("ci95_lower", "Lower end of the 95% bootstrap confidence interval for the average"),
    Column("ci95_upper", "Upper end of that interval"),
    Column("share_giving_any_points", "Share of respondents who gave it any points (0 to 1)"),
    Column("weighted_mean_points", "Average weighted by ward population (empty when not weighted)"),
    Column(
        "proposed_split_percent", "The proposed split: the averages as whole percentages adding up to 100"
    ),
    Column("weighted_split_percent", "The same from the weighted averages"),
)


def header_of(columns: Sequence[Column], numbers: Iterable[int] = ()) -> list[str]:
    """The header row: each column once, or once for each outcome number."""
    numbers = list(numbers)
    return [c.name.format(n=n) for c in columns for n in (numbers if c.per_outcome else [None])]


def _table(columns, numbers, records: Iterable[Mapping[str, object]]) -> tuple[list[str], list[list]]:
    """The header and the rows in its order; a record with a column more or fewer is a bug, not a download."""
    header = header_of(columns, numbers)
    rows = []
    for record in records:
        if record.keys() != set(header):
            raise ValueError(f"Columns written {sorted(record)} are not the columns described {header}.")
        rows.append([record[name] for name in header])
    return header, rows


def responses_table(consultation: Consultation) -> tuple[list[str], list[list]]:
    """One row a response, as RESPONSES_COLUMNS says."""
    numbers = list(consultation.model.outcomes.order_by("number").values_list("number", flat=True))
    responses = list(
        Response.objects.filter(consultation=consultation)
        .select_related("ward")
        .order_by("submitted_at", "pk")
    )
    points: dict[int, dict[int, int]] = {}
    for response_id, number, value in Allocation.objects.filter(
        response__consultation=consultation
    ).values_list("response_id", "outcome__number", "points"):
        points.setdefault(response_id, {})[number] = value
    published: dict[int, dict[int | None, str]] = {}
    for response_id, number, text in Comment.objects.filter(
        response__consultation=consultation, status=Comment.Status.PUBLISHED
    ).values_list("response_id", "outcome__number", "published_text"):
        published.setdefault(response_id, {})[number] = text
    records = (
        {
            "submitted_on": timezone.localtime(r.submitted_at).date().isoformat(),
            "channel": r.channel,
            "ward": r.ward.name if r.ward else "Prefer not to say",
            "age_band": r.age_band,
            "lives_in_borough": r.lives_in_borough,
            "works_in_borough": r.works_in_borough,
            "runs_business_in_borough": r.runs_business_in_borough,
            "volunteers_in_borough": r.volunteers_in_borough,
            "consent_to_quote": r.consent_to_quote,
            "suspected_duplicate": r.is_suspected_duplicate,
            **{f"points_outcome_{n}": points.get(r.pk, {}).get(n, 0) for n in numbers},
            **{f"comment_outcome_{n}": published.get(r.pk, {}).get(n, "") for n in numbers},
            "comment_what_is_missing": published.get(r.pk, {}).get(None, ""),
        }
        for r in responses
    )
    return _table(RESPONSES_COLUMNS, numbers, records)


def results_table(results: Results) -> tuple[list[str], list[list]]:
    """The per-outcome results as on the page (suppressed cells stay empty), as RESULTS_COLUMNS says."""
    records = (
        {
            "outcome": o.number,
            "title": o.title,
            "responses": o.n if o.mean is not None else None,
            "mean_points": None if o.mean is None else round(o.mean, 2),
            "ci95_lower": None if o.ci is None else round(o.ci[0], 2),
            "ci95_upper": None if o.ci is None else round(o.ci[1], 2),
            "share_giving_any_points": None if o.share_any is None else round(o.share_any, 4),
            "weighted_mean_points": None if o.weighted_mean is None else round(o.weighted_mean, 2),
            "proposed_split_percent": results.proposed_split.get(o.number),
            "weighted_split_percent": results.weighted_split.get(o.number),
        }
        for o in results.outcomes
    )
    return _table(RESULTS_COLUMNS, (), records)
