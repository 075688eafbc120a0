"""Writes of the core that carry rules: sign-in lockouts and their release, and the audit of what an
administrator changes about an account in the Django admin. Each writes its audit row in the same transaction.
"""

from django.db import transaction

from .audit import audit_record
from .models import User

# The account fields whose change in the admin is recorded in the audit trail, beside the roles (groups).
ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")


@transaction.atomic
def signin_lockout_record(*, username: str | None, address: str, failures: int) -> None:
    """Sign-in has just been locked for a username or a client address (never the password tried). The
    event is about the account when the username names one, else about the throttle's own record."""
    from axes.models import AccessAttempt

    target = User.objects.filter(username=username).first() if username else None
    if target is None:
        attempts = AccessAttempt.objects.filter(username=username, ip_address=address)
        target = attempts.order_by("-attempt_time", "-pk").first()
    if target is None:  # pragma: no cover - axes writes the attempt before it locks
        return
    # The address stays in the sign-in records (kept 90 days by the retention schedule), not in the audit
    # trail (kept 7 years): the event says which account and how many failures.
    audit_record(
        actor=None,
        action="signin.locked_out",
        target=target,
        after={"username": username or "", "failures": failures},
    )


@transaction.atomic
def signin_unlock(*, user: User, by: User) -> int:
    """An administrator lets `user` sign in again before the cool-off ends: forgets the failed sign-ins
    counted against the username and against the addresses they came from (an office's shared address would
    otherwise keep them out). Returns how many records of failed attempts were cleared."""
    from axes.models import AccessAttempt
    from axes.utils import reset

    addresses = set(AccessAttempt.objects.filter(username=user.username).values_list("ip_address", flat=True))
    cleared = reset(username=user.username) + sum(reset(ip=address) for address in addresses if address)
    audit_record(actor=by, action="signin.unlock", target=user, after={"attempts_cleared": cleared})
    return cleared


def account_state(user: User) -> dict:
    """What the admin's audit compares: the roles (group names, sorted) and the account flags."""
    return {"roles": sorted(user.groups.values_list("name", flat=True))} | {
        flag: getattr(user, flag) for flag in ACCOUNT_FLAGS
    }


@transaction.atomic
def account_change_record(*, user: User, by: User, before: dict | None) -> None:
    """Record, in the caller's transaction, a change an administrator made to an account's roles or flags
    (`before` is None for a new account). Nothing is written when neither changed."""
    after = account_state(user)
    if before == after:
        return
    changed = {key for key in after if before is None or before[key] != after[key]}
    audit_record(
        actor=by,
        action="account.create" if before is None else "account.change",
        target=user,
        before=None if before is None else {key: before[key] for key in sorted(changed)},
        after={key: after[key] for key in sorted(changed)},
    )


@transaction.atomic
def account_password_set_record(*, user: User, by: User) -> None:
    """An administrator set `user`'s password in the admin (and so could sign in as them): on the record."""
    audit_record(actor=by, action="account.password_set", target=user)
