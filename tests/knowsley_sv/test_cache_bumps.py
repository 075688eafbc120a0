"""The core's writes name what they write to caching.changed (tests/cache_bumps.py): its services and the
retention run, each called once with real data, and every write through the Django admin
(knowsley_sv.admin.AnnouncedChangesAdmin, the base of every ModelAdmin of ours)."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from consultation import services as consultation_services
from consultation.models import WardPopulation
from knowsley_sv import retention_apply, services
from knowsley_sv.admin import AnnouncedChangesAdmin
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes.models import Outcome, SocialValueModel, Ward

from ..cache_bumps import announces_what_it_writes, run_table_entry
from ..consultation.helpers import answers, make_consultation
from ..factories import UserFactory, complete_draft

pytestmark = pytest.mark.django_db

OURS = ("knowsley_sv", "outcomes", "consultation", "procurement")
# The apps whose every model a write reaches must be named (run_table_entry): not procurement, whose
# retention job the run calls, and whose table (tests/procurement/test_cache_bumps.py) is its own.
DOMAIN = ("consultation.", "outcomes.")
# What was done and by whom, and the signed-in session: no figure reads them.
NOT_DATA = {"knowsley_sv.auditevent", "admin.logentry", "sessions.session"}


@dataclass
class World:
    user: User  # a commissioner, locked out of sign-in
    administrator: User  # the Administrator role, staff: runs the admin
    as_administrator: Client
    as_superuser: Client  # a superuser alone may delete a ward
    ward: Ward  # with a population figure, from no response


@pytest.fixture
def world() -> World:
    user = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    AccessAttempt.objects.create(
        username=user.username, ip_address="203.0.113.9", failures_since_start=5, get_data="", post_data=""
    )
    consultation = make_consultation(slug="open")  # a resident's contact record, for the retention run
    consultation_services.response_submit(consultation=consultation, answers=answers(), email="r@example.org")
    administrator = UserFactory(username="administrator", roles=[Role.ADMINISTRATOR], is_staff=True)
    return World(
        user=user,
        administrator=administrator,
        as_administrator=signed_in(administrator),
        as_superuser=signed_in(UserFactory(username="superuser", is_staff=True, is_superuser=True)),
        ward=WardPopulation.objects.select_related("ward").order_by("pk").first().ward,
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


SERVICES = {
    "knowsley_sv.services.signin_lockout_record": lambda w: services.signin_lockout_record(
        username=w.user.username, address="203.0.113.9", failures=5
    ),
    "knowsley_sv.services.signin_unlock": lambda w: services.signin_unlock(user=w.user, by=w.administrator),
    "knowsley_sv.services.account_change_record": lambda w: services.account_change_record(
        user=w.user, by=w.administrator, before=None
    ),
    "knowsley_sv.services.account_password_set_record": lambda w: services.account_password_set_record(
        user=w.user, by=w.administrator
    ),
    "knowsley_sv.retention_apply.retention_apply": lambda w: retention_apply.retention_apply(
        now=timezone.now() + timedelta(days=20 * 366)  # everything past its date
    ),
}

READS_ONLY = {
    "knowsley_sv.services.account_state": lambda w: services.account_state(w.user),
    "knowsley_sv.retention_apply.retention_schedule": lambda w: retention_apply.retention_schedule(),
}


@pytest.mark.parametrize("service", [*SERVICES, *READS_ONLY])
def test_each_service_announces_what_it_writes(world, service):
    run_table_entry(service, world, services=SERVICES, reads_only=READS_ONLY, domain=DOMAIN)


# --- The admin -------------------------------------------------------------------------------------------
def _account(w: World):
    """The administrator gives the commissioner the board member's role too (a many-to-many write)."""
    joined = w.user.date_joined.astimezone()
    roles = list(w.user.groups.values_list("pk", flat=True)) + [Group.objects.get(name=Role.BOARD_MEMBER).pk]
    form = {"username": w.user.username, "email": w.user.email, "groups": roles, "is_active": "on"}
    form |= {"date_joined_0": f"{joined:%Y-%m-%d}", "date_joined_1": f"{joined:%H:%M:%S}"}
    return w.as_administrator.post(reverse("admin:knowsley_sv_user_change", args=[w.user.pk]), form)


ADMIN_WRITES = {
    "ward renamed": lambda w: w.as_administrator.post(
        reverse("admin:outcomes_ward_change", args=[w.ward.pk]), {"name": "Knowsley Park", "councillors": 3}
    ),
    "ward deleted, its population with it": lambda w: w.as_superuser.post(
        reverse("admin:outcomes_ward_delete", args=[w.ward.pk]), {"post": "yes"}
    ),
    "wards deleted from the list": lambda w: w.as_superuser.post(
        reverse("admin:outcomes_ward_changelist"),
        {"action": "delete_selected", "_selected_action": [w.ward.pk], "post": "yes"},
    ),
    "account's roles changed": _account,
}


@pytest.mark.parametrize("write", ADMIN_WRITES)
def test_a_write_in_the_admin_names_every_model_it_writes(world, write):
    with announces_what_it_writes() as seen:
        assert ADMIN_WRITES[write](world).status_code == 302
    assert seen.written - NOT_DATA and seen.written - NOT_DATA <= seen.named


def test_an_inline_deleted_in_the_admin_names_what_its_deletion_reaches():
    """No inline of ours is editable today (the model's outcomes are read only): the admin's path for one, as
    it calls save_related, with an outcome deleted from the formset."""
    outcome = Outcome.objects.get(model=complete_draft(version=2), number=1)
    model_admin = admin.site._registry[SocialValueModel]
    formset = SimpleNamespace(model=Outcome, deleted_forms=[SimpleNamespace(instance=outcome)])
    formset.save = lambda: [form.instance.delete() for form in formset.deleted_forms]
    form = SimpleNamespace(instance=outcome.model, save_m2m=lambda: None)
    with announces_what_it_writes() as seen:
        model_admin.save_related(RequestFactory().post("/"), form, [formset], change=True)
    assert seen.written == {"outcomes.outcome", "outcomes.indicator"} <= seen.named


def test_every_model_admin_of_ours_names_its_writes():
    ours = {m._meta.label: type(a) for m, a in admin.site._registry.items() if m._meta.app_label in OURS}
    assert (
        ours
        and {label for label, kind in ours.items() if not issubclass(kind, AnnouncedChangesAdmin)} == set()
    )
