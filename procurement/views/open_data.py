"""Open data (DESIGN §7): published tenders and awards as OCDS 1.1 JSON, a CSV and a page listing them.
Anyone may read them, signed in or not; drafts are never in them (a draft's release is a 404)."""

from datetime import datetime

from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from knowsley_sv.tabular import as_csv

from .. import ocds

# --- The list as CSV ------------------------------------------------------------------------------------
CSV_HEADER = [
    "ocid",
    "reference",
    "title",
    "service_area",
    "status",
    "published",
    "deadline",
    "estimated_value_gbp",
    "price_weight",
    "quality_weight",
    "social_value_weight",
    "awarded_supplier",
    "awarded_value_gbp",
    "award_notice_published",
    "contract_value_gbp",
    "contract_start",
    "contract_end",
]


def _local(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes")


def csv_rows(tenders, now=None) -> list[list]:
    rows = []
    for t in tenders:
        award = ocds.public_award(t)
        contract = ocds.public_contract(award)
        rows.append(
            [
                ocds.ocid(t),
                t.reference,
                t.title,
                t.service_area,
                ocds.public_status(t, now),
                _local(t.published_at),
                _local(t.deadline),
                t.estimated_value,
                t.price_weight,
                t.quality_weight,
                t.social_value_weight,
                award.bid.supplier.name if award else "",
                award.bid.price if award else "",
                _local(award.notice_published_at) if award else "",
                contract.value if contract else "",
                contract.start_date.isoformat() if contract else "",
                contract.end_date.isoformat() if contract else "",
            ]
        )
    return rows


def json_response(data: dict, filename: str) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data, no credentials: any site may read it
    return response


class OpenDataIndexView(ListView):
    template_name = "procurement/open_data/index.html"
    context_object_name = "tenders"
    paginate_by = 50

    def get_queryset(self):
        return ocds.tender_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["rows"] = [
            {
                "tender": t,
                "status": ocds.public_status(t, now),
                "award": ocds.public_award(t),
            }
            for t in context["tenders"]
        ]
        return context


class ReleaseView(View):
    """One tender's release, in a release package of one (OCDS publishes releases in packages)."""

    def get(self, request, reference):
        tender = ocds.published_tenders().filter(reference=reference).first()
        if tender is None:
            raise Http404("No such published tender")
        package = ocds.release_package([tender], uri=request.build_absolute_uri())
        return json_response(package, f"{tender.reference}.json")


class PackageView(View):
    def get(self, request):
        package = ocds.release_package(ocds.published_tenders(), uri=request.build_absolute_uri())
        return json_response(package, "releases.json")


class CsvView(View):
    def get(self, request):
        return as_csv(CSV_HEADER, csv_rows(ocds.tender_list()), "tenders")
