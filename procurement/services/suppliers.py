"""Writes for suppliers: registering an organisation with its first user, and adding colleagues."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from knowsley_sv import caching
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes.models import Organisation

from ..models import SupplierMember

NOT_YOUR_ORGANISATION = "You can only bid for your own organisation."


def _supplier_account(
    organisation: Organisation, *, username, name: tuple[str, str], email, password
) -> User:
    """A user with the Supplier role, acting for the organisation."""
    user = User(username=username, first_name=name[0], last_name=name[1], email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=Role.SUPPLIER))
    SupplierMember.objects.create(user=user, organisation=organisation)
    return user


@transaction.atomic
def supplier_register(
    *,
    first_name,
    last_name,
    email,
    username,
    password,
    organisation,
    sector,
    size,
    postcode="",
    is_local=False,
) -> User:
    """A new supplier organisation with its first user, who gets the Supplier role."""
    org = Organisation(
        name=organisation,
        sector=sector,
        size=size,
        postcode=postcode.strip().upper(),
        is_local=is_local,
        local_basis=Organisation.LocalBasis.DECLARATION if is_local else "",
    )
    org.full_clean()
    org.save()
    user = _supplier_account(
        org, username=username, name=(first_name, last_name), email=email, password=password
    )
    audit_record(actor=user, action="supplier.register", target=org, after={"user": user.pk})
    caching.changed(Organisation, User, User.groups.through, SupplierMember)
    return user


@transaction.atomic
def supplier_add_user(*, by: User, first_name, last_name, email, username, password) -> User:
    """A colleague's account for the same supplier organisation, with the Supplier role."""
    organisation = supplier_of(by)
    user = _supplier_account(
        organisation, username=username, name=(first_name, last_name), email=email, password=password
    )
    audit_record(actor=by, action="supplier.add_user", target=organisation, after={"user": user.pk})
    caching.changed(User, User.groups.through, SupplierMember)
    return user


def supplier_of(user: User) -> Organisation:
    member = SupplierMember.objects.select_related("organisation").filter(user=user).first()
    if member is None:
        raise ValidationError(NOT_YOUR_ORGANISATION)
    return member.organisation
