"""The board's dashboard with its downloads (board members and commissioners), and the public recognition
pages. Every figure comes from outcomes.dashboard; these views parse the filters and pick the template."""

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from consultation import exports
from knowsley_sv.access import RoleRequiredMixin
from knowsley_sv.roles import Role

from . import dashboard
from .models import Organisation

DASHBOARD_ROLES = (Role.BOARD_MEMBER, Role.COMMISSIONER)
FORMATS = ("csv", "xlsx")


class DashboardFiltersMixin(RoleRequiredMixin):
    roles = DASHBOARD_ROLES

    def figures(self) -> tuple[list[int], dashboard.Figures, list[str]]:
        now = timezone.now()
        years, titles = dashboard.choices(now=now)
        filters, problems = dashboard.parse_filters(self.request.GET, years=years)
        figures = dashboard.Figures(filters, today=timezone.localdate(now), now=now, titles=titles)
        return years, figures, problems


class DashboardView(DashboardFiltersMixin, TemplateView):
    template_name = "outcomes/dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        # The body (every figure, the filters and any message about them) is rendered once and kept in the
        # shared cache until the data it shows changes; it depends on the filters asked for, not on who asks.
        params = {name: self.request.GET.get(name, "") for name in dashboard.FILTER_NAMES}
        body = dashboard.cached_page(params, now=timezone.now(), render=self.render_body)
        return super().get_context_data(body=mark_safe(body), **kwargs)  # noqa: S308 (our own rendering)

    def render_body(self) -> str:
        years, figures, problems = self.figures()
        filters, titles = figures.filters, figures.titles
        return render_to_string(
            "outcomes/dashboard/_dashboard_body.html",
            {
                "filters": filters,
                "problems": problems,
                "query": filters.query(),
                "selected": {
                    "year": str(filters.year or dashboard.ALL),
                    "outcome": str(filters.outcome or dashboard.ALL),
                    "sector": filters.sector or dashboard.ALL,
                },
                "year_choices": [(str(y), dashboard.financial_year_label(y)) for y in years],
                "outcome_choices": [
                    (str(n), f"Outcome {n}" + (f": {t}" if (t := titles.get(n)) else ""))
                    for n in dashboard.OUTCOME_NUMBERS
                ],
                "sector_choices": Organisation.Sector.choices,
                "tables": figures.tables(),
            },
        )


class DashboardExportView(DashboardFiltersMixin, View):
    def get(self, request, table: str, fmt: str):
        if table not in dashboard.TABLE_KEYS or fmt not in FORMATS:
            raise Http404("No such download")
        _years, figures, _problems = self.figures()  # unknown filters fall back to "all", as on the page
        filters = figures.filters
        result = figures.tables([table])[table]
        filename = "-".join(p for p in ["dashboard", table.replace("_", "-"), filters.slug()] if p)
        # The filters behind the figures go with them: the CSV's first row, the workbook's second sheet.
        if fmt == "csv":
            preface = dashboard.csv_preface(filters, table)
            return exports.as_csv(result.header, result.export_rows(), filename, preface=preface)
        about = dashboard.xlsx_about(filters, table, result.caption)
        return exports.as_xlsx(result.header, result.export_rows(), filename, about=about)


class RecognitionView(TemplateView):
    """Public: awarded contracts and the social value they carry are public information."""

    template_name = "outcomes/dashboard/recognition.html"

    def get_context_data(self, **kwargs):
        sector, problems = dashboard.parse_sector(self.request.GET.get("sector"))
        rows = dashboard.recognition(sector=sector)
        return super().get_context_data(
            sector=sector or "",
            problems=problems,
            sector_choices=Organisation.Sector.choices,
            organisations=dashboard.recognition_table(rows),
            sectors=dashboard.sector_table(dashboard.by_sector(rows)),
            illustrative=sum(r.illustrative for r in rows),
            **kwargs,
        )


class OrganisationRecognitionView(TemplateView):
    """Public: one organisation's social value by outcome and its contracts; 404 without a contract."""

    template_name = "outcomes/dashboard/organisation_recognition.html"

    def get_context_data(self, **kwargs):
        try:
            figures = dashboard.organisation_recognition(self.kwargs["pk"], titles=dashboard.outcome_titles())
        except Organisation.DoesNotExist:
            raise Http404("No contracts for this organisation") from None
        name = figures.organisation.name
        return super().get_context_data(
            organisation=figures.organisation,
            outcomes=dashboard.social_value_table(
                figures.outcomes, caption=f"Social value committed and delivered by {name}, by outcome"
            ),
            contracts=dashboard.organisation_contracts_table(figures.contracts),
            illustrative=figures.illustrative,
            **kwargs,
        )
