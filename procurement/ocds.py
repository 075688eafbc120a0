"""Open data (DESIGN §7): published tenders and their awards as an OCDS 1.1 release package.

One release a tender: its state as the public may know it now. What is public, and when:
- only tenders that are published (or were, then cancelled): never a draft, nor one withdrawn to draft;
- the tender itself, its weights, award criteria and scoring scale, from publication;
- the award, the bids (their number, tenderers and prices) and the winner's scores only once the award
  notice is published: nothing about the bids before that, not even how many there are;
- the contract once it is entered.

Fields follow the OCDS 1.1.5 release schema with the lots, bids and award criteria (breakdown) extensions,
vendored in procurement/vendor/ocds/ (see its README). Pure functions over model instances: feed them
`published_tenders()`, whose prefetches keep the number of queries the same for any number of tenders.
"""

import json
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from . import scoring
from .models import Award, Bid, Contract, OutcomeShare, QualityCriterion, Tender

# The council must register its own prefix with the Open Contracting Partnership ("ocds-" and 6 characters)
# and set OCDS_OCID_PREFIX; the default only keeps identifiers well formed until then.
OCID_PREFIX = getattr(settings, "OCDS_OCID_PREFIX", "ocds-knowsley-sv")
OCDS_VERSION = "1.1"
CURRENCY = "GBP"
LANGUAGE = "en"
LOT_ID = "1"  # every tender is one lot: the award criteria extension describes criteria per lot
BUYER = {"id": "knowsley-council", "name": "Knowsley Council"}
PUBLISHER = {"name": "Knowsley Council"}
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

VENDOR = Path(__file__).resolve().parent / "vendor" / "ocds"
# Folder of the vendored extension -> the extension.json it came from, pinned to the vendored commit.
EXTENSIONS = {
    "ocds_lots_extension": "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_lots_extension/8d3b52eb26ce0f1a015c91b665c120b17ef619a0/extension.json",
    "ocds_bid_extension": "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_bid_extension/d62ff4b0ba393d823ca8113a9039b12edf7acb8f/extension.json",
    "ocds_awardCriteria_extension": "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_awardCriteria_extension/9391240f353e8536992938fe9f7987cd89235331/extension.json",
}

PUBLIC_STATUSES = (
    Tender.Status.PUBLISHED,
    Tender.Status.CLOSED,
    Tender.Status.EVALUATING,
    Tender.Status.AWARDED,
    Tender.Status.CANCELLED,
)

# Plain-English status on the open data page and in the CSV.
OPEN = "Open for bids"
CLOSED = "Closed"
AWARDED = "Awarded"
CONTRACTED = "Contract entered"
CANCELLED = "Cancelled"

PRICE_FORMULAS = {
    scoring.RELATIVE: (
        "the lowest compliant price scores all {weight} points; any other price scores "
        "{weight} × the lowest compliant price ÷ its price."
    ),
    scoring.DEVIATION: (
        "the lowest compliant price scores all {weight} points; any other price loses points in "
        "proportion to how far it is above the lowest: {weight} × (1 − (its price − the lowest) ÷ the "
        "lowest), and never less than 0."
    ),
}


# --- Reading -------------------------------------------------------------------------------------------
def tender_list() -> QuerySet[Tender]:
    """Every tender the public may see (never a draft, nor one withdrawn to draft), newest first, with its
    award, winner and contract: 1 query."""
    return (
        Tender.objects.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False)
        .select_related("award__bid__supplier", "award__contract")
        .order_by("-published_at", "reference")
    )


def published_tenders() -> QuerySet[Tender]:
    """`tender_list()` with all a release needs: 5 queries, whatever the number of tenders.

    The bids are fetched only for tenders whose award notice is published, so the seal holds in the query
    itself."""
    return tender_list().prefetch_related(
        "scale",
        Prefetch("criteria", queryset=QualityCriterion.objects.order_by("number")),
        Prefetch(
            "shares",
            queryset=OutcomeShare.objects.filter(share__gt=0)
            .select_related("outcome")
            .order_by("outcome__number"),
            to_attr="public_shares",
        ),
        Prefetch(
            "bids",
            queryset=Bid.objects.filter(
                status=Bid.Status.SUBMITTED, tender__award__notice_published_at__isnull=False
            )
            .select_related("supplier")
            .order_by("supplier__name", "pk"),
            to_attr="public_bids",
        ),
    )


def public_award(tender: Tender) -> Award | None:
    """The award, once its notice is published (the standstill starts then); before that, nothing."""
    if tender.status != Tender.Status.AWARDED:
        return None
    try:
        award = tender.award
    except ObjectDoesNotExist:
        return None
    return award if award.notice_published_at else None


def public_contract(award: Award | None) -> Contract | None:
    if award is None:
        return None
    try:
        return award.contract
    except ObjectDoesNotExist:
        return None


def public_status(tender: Tender, now=None) -> str:
    if tender.status == Tender.Status.CANCELLED:
        return CANCELLED
    award = public_award(tender)
    if award is not None:
        return CONTRACTED if public_contract(award) else AWARDED
    if tender.status == Tender.Status.PUBLISHED and not tender.deadline_passed(now):
        return OPEN
    return CLOSED


def _public_bids(tender: Tender) -> list[Bid]:
    if public_award(tender) is None:
        return []
    bids = getattr(tender, "public_bids", None)
    if bids is None:
        bids = list(
            tender.bids.filter(status=Bid.Status.SUBMITTED)
            .select_related("supplier")
            .order_by("supplier__name")
        )
    return bids


def _shares(tender: Tender) -> list[OutcomeShare]:
    shares = getattr(tender, "public_shares", None)
    if shares is None:
        shares = list(tender.shares.filter(share__gt=0).select_related("outcome").order_by("outcome__number"))
    return shares


def _criteria(tender: Tender) -> list[QualityCriterion]:
    return sorted(tender.criteria.all(), key=lambda c: c.number)


def _scale(tender: Tender):
    return sorted(tender.scale.all(), key=lambda p: p.value)


# --- Formatting ----------------------------------------------------------------------------------------
def _date(value: datetime) -> str:
    """ISO 8601 in UTC to the second, e.g. 2026-12-21T10:00:00Z."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day_end(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _number(value) -> int | float:
    """A JSON number: whole amounts as integers, others as decimals (pence, or exact fractions of points)."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _points(value: Decimal) -> str:
    return f"{_number(value):g}"


def _value(amount) -> dict:
    return {"amount": _number(amount), "currency": CURRENCY}


def ocid(tender: Tender) -> str:
    return f"{OCID_PREFIX}-{tender.reference}"


def _party_id(organisation) -> str:
    return f"organisation-{organisation.pk}"


def _reference(organisation) -> dict:
    return {"id": _party_id(organisation), "name": organisation.name}


# --- Award criteria ------------------------------------------------------------------------------------
def _price_formula(tender: Tender) -> str:
    return PRICE_FORMULAS[tender.price_formula].format(weight=tender.price_weight)


def _outcome_points(tender: Tender, share: OutcomeShare) -> Decimal:
    return scoring.social_value_points(tender.social_value_weight, share.share)


def award_criteria(tender: Tender) -> list[dict]:
    """The award criteria extension's breakdown: price, each quality criterion (with any minimum) and the
    social value split per outcome, each with its points of the 100 (so the weights add up to 100)."""
    criteria = [
        {
            "type": "price",
            "name": "Price",
            "description": _price_formula(tender)[:1].upper() + _price_formula(tender)[1:],
            "numbers": [{"number": tender.price_weight, "weight": "percentageExact"}],
        }
    ]
    for criterion in _criteria(tender):
        numbers = [{"number": criterion.weight, "weight": "percentageExact"}]
        if criterion.minimum_score is not None:
            numbers.append({"number": criterion.minimum_score, "threshold": "minimumScore"})
        criteria.append(
            {
                "type": "quality",
                "name": f"Quality: Q{criterion.number} {criterion.title}",
                "description": criterion.question,
                "numbers": numbers,
            }
        )
    for share in _shares(tender):
        criteria.append(
            {
                "type": "quality",
                "name": f"Social value: outcome {share.outcome.number}, {share.outcome.title}",
                "description": (
                    f"{share.share}% of the {tender.social_value_weight} social value points, scored on the "
                    "supplier's method statement and commitments for this outcome."
                ),
                "numbers": [{"number": _number(_outcome_points(tender, share)), "weight": "percentageExact"}],
            }
        )
    return criteria


def award_criteria_details(tender: Tender) -> str:
    """The weights, the price formula and the scale in plain English."""
    parts = [
        f"Bids are scored out of 100: {tender.price_weight} points for price, {tender.quality_weight} for "
        f"quality and {tender.social_value_weight} for social value.",
        "Price: " + _price_formula(tender),
    ]
    criteria = _criteria(tender)
    if criteria:
        lines = []
        for c in criteria:
            minimum = f" (a score below {c.minimum_score} fails)" if c.minimum_score is not None else ""
            lines.append(f"Q{c.number} {c.title} {c.weight} points{minimum}")
        parts.append("Quality: " + "; ".join(lines) + ".")
    shares = _shares(tender)
    if shares:
        lines = [
            f"outcome {s.outcome.number}, {s.outcome.title}: {_points(_outcome_points(tender, s))} points"
            for s in shares
        ]
        parts.append("Social value: " + "; ".join(lines) + ".")
    if tender.social_value_justification:
        parts.append(f"Why social value is weighted under 10%: {tender.social_value_justification}")
    scale = _scale(tender)
    if scale:
        points = ", ".join(f"{p.value} {p.label}" for p in scale)
        parts.append(
            f"The panel scores each quality and social value answer on the scale {points}; an answer earns "
            "that percentage of its points. A bid below any minimum score is not compliant and cannot win."
        )
    return " ".join(parts)


def _winner_description(award: Award) -> str:
    """The winner's scores, from the results frozen at award (the extensions have no fields for scores)."""
    result = award.results.get("bids", {}).get(str(award.bid_id))
    if not result:
        return ""
    count = len(award.results.get("bids", {}))
    rank = f"ranked {result['rank']} of {count}" if result.get("rank") else f"one of {count} bids"
    lines = "; ".join(
        f"{line['short']} {result['lines'][line['key']]['weighted']} of {line['points']}"
        for line in award.results.get("lines", [])
        if line["key"] in result.get("lines", {})
    )
    text = (
        f"{result['supplier']}'s bid {rank}, with {result['total']} points of 100: price "
        f"{result['price_score']}, quality {result['quality']}, social value {result['social_value']}."
    )
    return f"{text} Line by line: {lines}." if lines else text


# --- Releases ------------------------------------------------------------------------------------------
def _tender_status(tender: Tender, award: Award | None) -> str:
    if tender.status == Tender.Status.CANCELLED:
        return "cancelled"
    return "complete" if award is not None else "active"


def _standstill_over(award: Award, now) -> datetime | None:
    """When the standstill ended (the start of the day after its last day), if it has."""
    ended = _day_start(award.standstill_ends + timedelta(days=1))
    return ended if ended <= now else None


def release_for(tender: Tender, now=None) -> dict:
    """The tender's release: what the public may know of it at `now`."""
    now = now or timezone.now()
    if tender.status not in PUBLIC_STATUSES or tender.published_at is None:
        raise ValueError(f"{tender.reference} is not published.")
    award = public_award(tender)
    contract = public_contract(award)
    events = [tender.published_at]
    release = {
        "ocid": ocid(tender),
        "id": "",
        "date": "",
        "tag": ["tender"],
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": [{**BUYER, "roles": ["buyer", "procuringEntity"]}],
        "buyer": dict(BUYER),
        "tender": _release_tender(tender, _tender_status(tender, award)),
    }
    if tender.status == Tender.Status.CANCELLED:
        release["tag"] = ["tenderCancellation"]
        events.append(tender.cancelled_at)
    if award is not None:
        events += _add_award(release, tender, award, in_force=contract is not None, now=now)
    if contract is not None:
        release["tag"].append("contract")
        events.append(contract.entered_at)
        release["contracts"] = [_release_contract(tender, contract)]
    release["date"] = _date(max(events))
    release["id"] = (
        f"{release['ocid']}-{release['tag'][-1]}-{release['date'].replace(':', '').replace('-', '')}"
    )
    return release


def _release_tender(tender: Tender, status: str) -> dict:
    lot = {
        "id": LOT_ID,
        "title": tender.title,
        "status": status,
        "value": _value(tender.estimated_value),
        "awardCriteria": {"criteria": award_criteria(tender)},
    }
    return {
        "id": tender.reference,
        "title": tender.title,
        "description": tender.specification,
        "status": status,
        "procuringEntity": dict(BUYER),
        "value": _value(tender.estimated_value),
        "procurementMethod": "open",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": award_criteria_details(tender),
        "tenderPeriod": {"startDate": _date(tender.published_at), "endDate": _date(tender.deadline)},
        "lots": [lot],
    }


def _add_award(release: dict, tender: Tender, award: Award, *, in_force: bool, now) -> list[datetime]:
    """Once the award notice is published: the bids, their tenderers and the award. Returns the events."""
    bids = _public_bids(tender)
    results = award.results.get("bids", {})
    winner = award.bid.supplier
    release["tag"] = ["tender", "award"]
    ended = _standstill_over(award, now)
    tenderers = [_reference(b.supplier) for b in bids]
    release["tender"]["numberOfTenderers"] = len(tenderers)
    release["tender"]["tenderers"] = tenderers
    for bid in bids:
        roles = ["tenderer", "supplier"] if bid.supplier_id == winner.pk else ["tenderer"]
        release["parties"].append({**_reference(bid.supplier), "roles": roles})
    if not any(b.supplier_id == winner.pk for b in bids):
        release["parties"].append({**_reference(winner), "roles": ["supplier"]})
    release["bids"] = {
        "statistics": [
            {"id": "1", "measure": "bids", "value": len(bids), "date": _date(tender.deadline)},
        ],
        "details": [
            {
                "id": f"bid-{bid.pk}",
                "date": _date(bid.submitted_at),
                "status": "disqualified" if results.get(str(bid.pk), {}).get("failures") else "valid",
                "tenderers": [_reference(bid.supplier)],
                "value": _value(bid.price),
                "relatedLots": [LOT_ID],
            }
            for bid in bids
        ],
    }
    release["awards"] = [
        {
            "id": f"{tender.reference}-award",
            "title": f"Award of {tender.reference}",
            "description": _winner_description(award),
            "status": "active" if in_force or ended is not None else "pending",
            "date": _date(award.awarded_at),
            "value": _value(award.bid.price),
            "suppliers": [_reference(winner)],
            "relatedLots": [LOT_ID],
            "relatedBids": [f"bid-{award.bid_id}"],
        }
    ]
    return [award.notice_published_at] + ([ended] if ended else [])


def _release_contract(tender: Tender, contract: Contract) -> dict:
    return {
        "id": f"{tender.reference}-contract",
        "awardID": f"{tender.reference}-award",
        "title": tender.title,
        "status": "active",
        "period": {
            "startDate": _date(_day_start(contract.start_date)),
            "endDate": _date(_day_end(contract.end_date)),
        },
        "value": _value(contract.value),
    }


def release_package(tenders, uri: str, now=None) -> dict:
    """A release package of the tenders' releases (OCDS: releases are always published in a package).
    Drafts in `tenders` are left out."""
    now = now or timezone.now()
    releases = [
        release_for(t, now=now) for t in tenders if t.status in PUBLIC_STATUSES and t.published_at is not None
    ]
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS.values()),
        "publishedDate": max((r["date"] for r in releases), default=_date(now)),
        "publisher": dict(PUBLISHER),
        "license": LICENSE,
        "releases": releases,
    }


# --- The schema, for validation (the vendored files; nothing is downloaded) ------------------------------
def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch: how an OCDS extension's release-schema.json applies to the core schema."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(*parts: str) -> dict:
    return json.loads((VENDOR.joinpath(*parts)).read_text(encoding="utf-8"))


def release_package_schema() -> dict:
    return _load("standard", "release-package-schema.json")


def patched_release_schema() -> dict:
    """The OCDS 1.1.5 release schema with the vendored extensions applied, in the order listed."""
    schema = _load("standard", "release-schema.json")
    for folder in EXTENSIONS:
        schema = merge_patch(schema, _load(folder, "release-schema.json"))
    return schema
