"""Loads the real starting data: Knowsley's 15 wards, the founding board organisations and model v1.

Sources: wards from The Knowsley (Electoral Changes) Order 2015 (SI 2015/2036), article 3 (Open Government
Licence); outcomes verbatim from the Knowsley Social Value Model; indicators are this project's starting set
(shared/data/indicators.csv) for the board to edit. Proxy values are shipped only where an openly licensed
source exists; National TOMs and HACT Social Value Bank values are never shipped (CC BY-NC-ND).
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

WARDS = [
    "Cherryfield",
    "Halewood North",
    "Halewood South",
    "Northwood",
    "Page Moss",
    "Prescot North",
    "Prescot South",
    "Roby",
    "Shevington",
    "St Gabriels",
    "St Michaels",
    "Stockbridge",
    "Swanside",
    "Whiston & Cronton",
    "Whitefield",
]

FOUNDING_ORGANISATIONS = [
    ("Knowsley Council", "public", "large"),
    ("Knowsley Chamber of Commerce", "business_body", "small"),
    ("Knowsley CVS", "voluntary", "small"),
    ("Knowsley Housing Trust", "housing", "large"),
    ("Community Foundation for Merseyside", "voluntary", "small"),
]

STATEMENT = """Knowsley Council and its partners on the Knowsley Social Value partnership board (Knowsley Chamber of Commerce, Knowsley CVS, Knowsley Housing Trust, the Community Foundation for Merseyside, and members from the public, private, social, voluntary and community sectors) believe that every pound spent on behalf of the borough should do more than buy goods, works and services. It should also improve the economic, social and environmental wellbeing of Knowsley and its residents.

Through public consultation, residents told us what matters to them. This statement and the six outcomes below set out the social value we expect to be created in Knowsley. We apply them to commissioning and procurement: they are written into tender specifications, weighted in the evaluation of bids, and tracked through the delivery of contracts.

We recognise the social value created by private, public and third sector organisations alike, and we will measure it through the indicators for each outcome, so that what is promised can be compared with what is delivered.

The board reviews this model at least once a year, considering what residents tell us and what contracts have delivered."""

OUTCOMES = [
    (
        1,
        "economic",
        "An increase in community resilience including the development of local skills and jobs",
        "Jobs, apprenticeships, work placements and training for Knowsley residents, especially those furthest from work.",
    ),
    (
        2,
        "social",
        "A reduction in the demand for public services",
        "Early help and prevention that means residents need fewer crisis services, and employment for people who face the greatest barriers.",
    ),
    (
        3,
        "social",
        "An increase in the number of, and impact volunteers make in communities",
        "Volunteering time, expertise and resources given to Knowsley's voluntary and community organisations.",
    ),
    (
        4,
        "economic",
        "An increase in the number of new community businesses developed and the impact they have in communities",
        "Spending with, starting and mentoring community businesses and social enterprises in the borough.",
    ),
    (
        5,
        "economic",
        "An increase in the level of private sector investment and the impact this has in communities",
        "Spending with Knowsley suppliers and small businesses, and investment in premises and jobs in the borough.",
    ),
    (
        6,
        "environmental",
        "An increase in the quality, amount and type of socially responsible decisions that residents make that have a positive impact in their community",
        "Residents taking environmental action, managing money well and making responsible choices, and emissions avoided.",
    ),
]
DEFAULT_SHARES = {1: 17, 2: 17, 3: 17, 4: 17, 5: 16, 6: 16}

# (outcome, code, name, unit, evidence)
INDICATORS = [
    (
        1,
        "1.1",
        "Knowsley residents employed on the contract",
        "full-time equivalent years",
        "payroll extract with home postcode district",
    ),
    (
        1,
        "1.2",
        "Apprenticeships started by Knowsley residents",
        "apprenticeship starts",
        "apprenticeship agreements",
    ),
    (
        1,
        "1.3",
        "Work placement weeks for Knowsley residents aged 16 and over",
        "weeks",
        "placement records signed by the participant",
    ),
    (
        1,
        "1.4",
        "Long-term unemployed or NEET residents supported into sustained work (13 weeks or more)",
        "people",
        "employment start and 13-week check records",
    ),
    (
        1,
        "1.5",
        "Training hours towards accredited qualifications for Knowsley residents",
        "hours",
        "training register and certificates",
    ),
    (
        2,
        "2.1",
        "Residents given early help (debt advice; health and wellbeing programmes)",
        "people",
        "referral and attendance records",
    ),
    (
        2,
        "2.2",
        "Staff hours on preventative community programmes",
        "hours",
        "timesheets and programme reports",
    ),
    (2, "2.3", "Care leavers, disabled people or ex-offenders employed", "people", "anonymised HR records"),
    (2, "2.4", "Households helped to cut energy costs", "households", "home visit or retrofit records"),
    (
        3,
        "3.1",
        "Employee volunteering hours in Knowsley communities",
        "hours",
        "volunteering log confirmed by the host organisation",
    ),
    (
        3,
        "3.2",
        "New volunteers recruited for Knowsley voluntary and community organisations",
        "people",
        "host organisation confirmation",
    ),
    (
        3,
        "3.3",
        "Expert (pro bono) hours given to Knowsley voluntary and community organisations",
        "hours",
        "log confirmed by the recipient",
    ),
    (
        3,
        "3.4",
        "Donations and in-kind resources to Knowsley voluntary and community organisations",
        "£",
        "receipts or recipient confirmation",
    ),
    (
        4,
        "4.1",
        "Spend with Knowsley community businesses and social enterprises in the supply chain",
        "£",
        "invoices",
    ),
    (
        4,
        "4.2",
        "New community businesses or social enterprises supported to start",
        "organisations",
        "registration documents",
    ),
    (
        4,
        "4.3",
        "Business mentoring hours given to community businesses",
        "hours",
        "mentoring log confirmed by the recipient",
    ),
    (5, "5.1", "Spend with Knowsley-based suppliers", "£", "invoices with supplier addresses"),
    (
        5,
        "5.2",
        "Spend with Knowsley small and medium-sized enterprises",
        "£",
        "invoices and supplier size declarations",
    ),
    (5, "5.3", "Capital investment in premises or facilities in Knowsley", "£", "investment records"),
    (5, "5.4", "Jobs created in Knowsley by that investment", "full-time equivalent jobs", "HR records"),
    (
        6,
        "6.1",
        "Residents taking part in community environmental action (clean-ups; recycling and reuse schemes)",
        "people",
        "event registers",
    ),
    (
        6,
        "6.2",
        "Residents supported with financial capability (budgeting; credit union membership)",
        "people",
        "session registers",
    ),
    (
        6,
        "6.3",
        "Greenhouse gas emissions avoided on the contract",
        "tonnes CO2e",
        "calculation with method and data sources",
    ),
    (
        6,
        "6.4",
        "School and community sessions on responsible choices and citizenship",
        "sessions",
        "session registers",
    ),
]

# Only openly licensed sources. Everything else is left empty for the council to enter.
PROXIES = {
    "6.3": {
        "proxy_value": Decimal("245.00"),
        "proxy_source": (
            "BEIS, Valuation of greenhouse gas emissions: for policy appraisal and evaluation (2 September 2021), "
            "central carbon value for 2021 emissions, 2020 prices"
        ),
        "proxy_year": 2021,
        "proxy_licence": "Open Government Licence v3.0",
    },
    "3.4": {
        "proxy_value": Decimal("1.00"),
        "proxy_source": "Face value: each £1 donated is £1 received by the organisation (no proxy needed)",
        "proxy_year": 2026,
        "proxy_licence": "Not applicable (no third-party source)",
    },
}

GUIDANCE = {
    "1.1": "Count only roles filled by residents with a Knowsley home postcode; part-time roles pro rata.",
    "6.3": "Against a stated baseline for the contract; state the emission factors used (for example the UK government's conversion factors for company reporting).",
    "3.4": "In-kind resources at the price the recipient would otherwise have paid.",
}


def load(apps, schema_editor):
    Ward = apps.get_model("outcomes", "Ward")
    Organisation = apps.get_model("outcomes", "Organisation")
    SocialValueModel = apps.get_model("outcomes", "SocialValueModel")
    Outcome = apps.get_model("outcomes", "Outcome")
    Indicator = apps.get_model("outcomes", "Indicator")

    Ward.objects.bulk_create(Ward(name=name, councillors=3) for name in WARDS)
    Organisation.objects.bulk_create(
        Organisation(
            name=name,
            sector=sector,
            size=size,
            is_local=True,
            local_basis="declaration",
            is_founding_partner=True,
        )
        for name, sector, size in FOUNDING_ORGANISATIONS
    )
    model = SocialValueModel.objects.create(
        version=1,
        title="Knowsley Social Value Model",
        statement=STATEMENT,
        status="adopted",
        adopted_at=timezone.now(),
        change_summary="The first version, built by the partnership board through public consultation.",
    )
    outcomes = {
        number: Outcome.objects.create(
            model=model,
            number=number,
            pillar=pillar,
            title=title,
            description=description,
            default_share=DEFAULT_SHARES[number],
        )
        for number, pillar, title, description in OUTCOMES
    }
    Indicator.objects.bulk_create(
        Indicator(
            outcome=outcomes[number],
            code=code,
            name=name,
            unit=unit,
            evidence=evidence[:1].upper() + evidence[1:],
            guidance=GUIDANCE.get(code, ""),
            **PROXIES.get(code, {}),
        )
        for number, code, name, unit, evidence in INDICATORS
    )


def unload(apps, schema_editor):
    for name in ("Indicator", "Outcome", "SocialValueModel", "Organisation", "Ward"):
        apps.get_model("outcomes", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
