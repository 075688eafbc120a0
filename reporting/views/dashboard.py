"""The board's dashboard with its downloads (board members and commissioners), and the public recognition
pages. Every figure comes from reporting.dashboard and reporting.selectors; these views parse the filters and
pick the template."""

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from knowsley_sv.access import RoleRequiredMixin
from knowsley_sv.roles import Role
from outcomes.models import Organisation

from .. import dashboard, exports
from ..filters import ALL, FILTER_NAMES, OUTCOME_NUMBERS, parse_filters, parse_sector
from ..selectors.common import outcome_titles
from ..selectors.recognition import by_sector, organisation_recognition, recognition
from ..tables.dashboard import social_value_table
from ..tables.recognition import organisation_contracts_table, recognition_table, sector_table
from ..years import financial_year_label

DASHBOARD_ROLES = (Role.BOARD_MEMBER, Role.COMMISSIONER)


class DashboardFiltersMixin(RoleRequiredMixin):
    roles = DASHBOARD_ROLES

    def figures(self) -> tuple[list[int], dashboard.Figures, list[str]]:
        now = timezone.now()
        years, titles = dashboard.choices(now=now)
        filters, problems = parse_filters(self.request.GET, years=years)
        figures = dashboard.Figures(filters, today=timezone.localdate(now), now=now, titles=titles)
        return years, figures, problems


class DashboardView(DashboardFiltersMixin, TemplateView):
    template_name = "reporting/dashboard.html"

    def get_context_data(self, **kwargs):
        # The body (every figure, the filters and any message about them) is rendered once and kept in the
        # shared cache until the data it shows changes; it depends on the filters asked for, not on who asks.
        params = {name: self.request.GET.get(name, "") for name in FILTER_NAMES}
        body = dashboard.cached_page(params, now=timezone.now(), render=self.render_body)
        return super().get_context_data(body=mark_safe(body), **kwargs)  # noqa: S308 (our own rendering)

    def render_body(self) -> str:
        years, figures, problems = self.figures()
        filters, titles = figures.filters, figures.titles
        return render_to_string(
            "reporting/_dashboard_body.html",
            {
                "filters": filters,
                "problems": problems,
                "query": filters.query(),
                "selected": {
                    "year": str(filters.year or ALL),
                    "outcome": str(filters.outcome or ALL),
                    "sector": filters.sector or ALL,
                },
                "year_choices": [(str(y), financial_year_label(y)) for y in years],
                "outcome_choices": [
                    (str(n), f"Outcome {n}" + (f": {t}" if (t := titles.get(n)) else ""))
                    for n in OUTCOME_NUMBERS
                ],
                "sector_choices": Organisation.Sector.choices,
                "tables": figures.tables(),
            },
        )


class DashboardExportView(DashboardFiltersMixin, View):
    def get(self, request, table: str, fmt: str):
        if table not in dashboard.TABLE_KEYS or fmt not in exports.FORMATS:
            raise Http404("No such download")
        _years, figures, _problems = self.figures()  # unknown filters fall back to "all", as on the page
        # The filters behind the figures go with them: the CSV's first row, the workbook's second sheet.
        return exports.download(figures.tables([table])[table], figures.filters, fmt)


class RecognitionView(TemplateView):
    """Public: awarded contracts and the social value they carry are public information."""

    template_name = "reporting/recognition.html"

    def get_context_data(self, **kwargs):
        sector, problems = parse_sector(self.request.GET.get("sector"))
        rows = recognition(sector=sector)
        return super().get_context_data(
            sector=sector or "",
            problems=problems,
            sector_choices=Organisation.Sector.choices,
            organisations=recognition_table(rows),
            sectors=sector_table(by_sector(rows)),
            illustrative=sum(r.illustrative for r in rows),
            **kwargs,
        )


class OrganisationRecognitionView(TemplateView):
    """Public: one organisation's social value by outcome and its contracts; 404 without a contract."""

    template_name = "reporting/organisation_recognition.html"

    def get_context_data(self, **kwargs):
        try:
            figures = organisation_recognition(self.kwargs["pk"], titles=outcome_titles())
        except Organisation.DoesNotExist:
            raise Http404("No contracts for this organisation") from None
        name = figures.organisation.name
        return super().get_context_data(
            organisation=figures.organisation,
            outcomes=social_value_table(
                figures.outcomes, caption=f"Social value committed and delivered by {name}, by outcome"
            ),
            contracts=organisation_contracts_table(figures.contracts),
            illustrative=figures.illustrative,
            **kwargs,
        )
