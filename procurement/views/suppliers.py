"""Suppliers: registering an organisation, the supplier's home page, and adding colleagues."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from django_ratelimit.core import is_ratelimited

from knowsley_sv.access import RoleRequiredMixin
from knowsley_sv.roles import Role
from knowsley_sv.views import ServiceFormView

from ..forms.suppliers import SupplierRegistrationForm, SupplierUserForm
from ..models import Tender
from ..selectors import bids as bid_selectors
from ..selectors import contracts as contract_selectors
from ..services import suppliers as supplier_services
from .contracts import contract_rows


class SupplierRegisterView(ServiceFormView):
    """Anyone can register a supplier organisation and its first user, then bid."""

    template_name = "components/form_page.html"
    form_class = SupplierRegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("procurement:supplier_home")
        if request.method == "POST" and is_ratelimited(
            request, group="supplier-register", key="ip", rate="10/h", method="POST", increment=True
        ):
            return render(request, "429.html", status=429)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Register your organisation to bid",
            caption="Suppliers",
            back_url=reverse("procurement:list"),
            **kwargs,
        )

    def perform(self, form):
        user = supplier_services.supplier_register(**form.cleaned_data)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, "Your organisation is registered. You can now bid for open tenders.")
        return reverse("procurement:supplier_home")


class SupplierMixin(RoleRequiredMixin):
    roles = (Role.SUPPLIER,)

    @cached_property
    def organisation(self):
        try:
            return supplier_services.supplier_of(self.request.user)
        except ValidationError:
            raise PermissionDenied("Your account is not linked to a supplier organisation.") from None


class SupplierHomeView(SupplierMixin, TemplateView):
    template_name = "procurement/supplier_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation,
            colleagues=self.organisation.supplier_members.select_related("user").order_by("user__first_name"),
            bids=bid_selectors.supplier_bids(user=self.request.user),
            contracts=contract_rows(
                list(
                    contract_selectors.contracts_visible_to(self.request.user).order_by("-start_date", "-pk")
                ),
                timezone.localdate(),
            ),
            open_tenders=Tender.objects.filter(
                status=Tender.Status.PUBLISHED, deadline__gt=timezone.now()
            ).order_by("deadline")[:20],
            **kwargs,
        )


class SupplierUserCreateView(SupplierMixin, ServiceFormView):
    template_name = "components/form_page.html"
    form_class = SupplierUserForm
    success_message = "Colleague added. They can sign in and work on your bids."

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Add a colleague",
            caption=self.organisation.name,
            back_url=reverse("procurement:supplier_home"),
            **kwargs,
        )

    def perform(self, form):
        supplier_services.supplier_add_user(by=self.request.user, **form.cleaned_data)
        return reverse("procurement:supplier_home")
