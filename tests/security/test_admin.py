"""The Django admin, for an administrator (the Administrator role, staff): it lists only what their
permissions allow, they cannot raise themselves to superuser or take a role, every change to an account is in
the app's audit trail, and the admin hides draft tenders as the app does. (Who may open the app's pages is
test_permission_matrix.py; the seal in the admin is test_seal.py.)"""

import re

import pytest
from django.contrib.auth.models import Group

from knowsley_sv.models import AuditEvent, User

from ..factories import UserFactory
from .conftest import admin_user_form, client_for

pytestmark = pytest.mark.django_db


def test_an_administrator_sees_only_the_admin_pages_of_their_permissions(world):
    client = client_for(world.users["administrator"])
    index = client.get("/admin/").content.decode()
    listed = set(re.findall(r'href="/admin/(\w+)/(\w+)/"', index))
    assert listed == {
        ("auth", "group"),
        ("knowsley_sv", "auditevent"),
        ("knowsley_sv", "user"),
        ("outcomes", "boardmembership"),
        ("outcomes", "organisation"),
        ("outcomes", "ward"),
        ("procurement", "suppliermember"),
        ("procurement", "tender"),
    }
    for app_model in (
        "procurement/bid",
        "outcomes/socialvaluemodel",
        "outcomes/indicator",
        "outcomes/modelreview",
    ):
        assert client.get(f"/admin/{app_model}/").status_code == 403, app_model
    for who in ("resident", "supplier", "commissioner", "evaluator", "board member"):
        page = client_for(world.users[who]).get("/admin/")
        assert page.status_code == 302 and page["Location"].startswith("/admin/login/"), who


def test_an_administrator_cannot_make_themselves_a_superuser_or_take_a_role(world):
    admin = world.users["administrator"]
    client = client_for(admin)
    url = f"/admin/knowsley_sv/user/{admin.pk}/change/"
    groups = [*admin.groups.all(), *world.users["commissioner"].groups.all()]
    client.post(url, admin_user_form(admin, is_superuser=True, groups=[g.pk for g in groups]))
    admin = User.objects.get(pk=admin.pk)
    assert not admin.is_superuser
    assert list(admin.groups.values_list("name", flat=True)) == ["Administrator"]


def _account_events(user) -> list[tuple]:
    events = AuditEvent.objects.filter(target_id=str(user.pk), action__startswith="account.")
    return [(e.actor.username, e.action, e.before, e.after) for e in events.order_by("pk")]


def test_roles_and_account_switches_changed_in_the_admin_are_in_the_audit_trail(world):
    """Not only the admin's own log: the app's audit trail names who gave or took which role, and who
    switched an account's active, staff or superuser flag, with the roles before and after."""
    client = client_for(world.users["administrator"])
    resident = world.users["resident"]
    url = f"/admin/knowsley_sv/user/{resident.pk}/change/"
    roles = dict(Group.objects.values_list("name", "pk"))

    client.post(url, admin_user_form(resident, groups=[roles["Resident"], roles["Supplier"]], is_staff=True))
    client.post(url, admin_user_form(User.objects.get(pk=resident.pk), groups=[], is_active=False))
    client.post(url, admin_user_form(User.objects.get(pk=resident.pk)))  # saved unchanged: nothing to record
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client_for(root).post(url, admin_user_form(User.objects.get(pk=resident.pk), is_superuser=True))

    assert _account_events(resident) == [
        (
            "administrator",
            "account.change",
            {"is_staff": False, "roles": ["Resident"]},
            {"is_staff": True, "roles": ["Resident", "Supplier"]},
        ),
        (
            "administrator",
            "account.change",
            {"is_active": True, "roles": ["Resident", "Supplier"]},
            {"is_active": False, "roles": []},
        ),
        ("root", "account.change", {"is_superuser": False}, {"is_superuser": True}),
    ]


def test_accounts_made_and_passwords_set_in_the_admin_are_in_the_audit_trail(world):
    client = client_for(world.users["administrator"])
    password = "a-new-long-password-5678"
    new = {"username": "newcomer", "usable_password": "true", "password1": password, "password2": password}

    client.post("/admin/knowsley_sv/user/add/", new)
    newcomer = User.objects.get(username="newcomer")
    client.post(
        f"/admin/knowsley_sv/user/{newcomer.pk}/password/", {"password1": password, "password2": password}
    )

    flags = {"is_active": True, "is_staff": False, "is_superuser": False}
    assert _account_events(newcomer) == [
        ("administrator", "account.create", None, {"roles": [], **flags}),
        ("administrator", "account.password_set", None, None),
    ]
    assert password not in str(AuditEvent.objects.filter(target_id=str(newcomer.pk)).values())


def test_the_admin_does_not_show_an_administrator_a_draft_tender(world):
    client = client_for(world.users["administrator"])
    assert client.get(f"/tenders/{world.draft.reference}/").status_code == 404  # the app's rule
    listing = client.get("/admin/procurement/tender/")
    assert listing.status_code == 200
    assert world.draft.reference not in listing.content.decode()
    assert client.get(f"/admin/procurement/tender/{world.draft.pk}/change/").status_code in (302, 403, 404)
