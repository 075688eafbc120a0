"""The six roles of DESIGN §2 and the permissions each holds.

Roles are Django groups (created by migration `knowsley_sv.0002_roles`). Residents need no account: the
Resident group holds what anonymous visitors may do, so the public rights are written down in one place.
Administrators manage users and organisations in the Django admin; being an administrator (or a superuser)
grants no other role, so nobody sees sealed bids or drafts just by running the system.
"""

from django.db import models


class Role(models.TextChoices):
    RESIDENT = "Resident", "Resident"
    SUPPLIER = "Supplier", "Supplier"
    COMMISSIONER = "Commissioner", "Commissioner"
    EVALUATOR = "Evaluator", "Evaluator"
    BOARD_MEMBER = "Board member", "Board member"
    ADMINISTRATOR = "Administrator", "Administrator"


# "app_label.codename": the Administrator group's permissions, which the Django admin checks on every admin
# page (a test compares them with the database). The other roles hold none: the app's views check the role
# itself (knowsley_sv.access) and object rules, and a permission nothing checks would only be a latent grant
# through the admin (migration knowsley_sv 0003 cleared them).
ADMINISTRATOR_PERMISSIONS: set[str] = {
    "knowsley_sv.add_user",
    "knowsley_sv.change_user",
    "knowsley_sv.view_user",
    "auth.view_group",
    "knowsley_sv.view_auditevent",
    "outcomes.add_organisation",
    "outcomes.change_organisation",
    "outcomes.view_organisation",
    "outcomes.add_boardmembership",
    "outcomes.change_boardmembership",
    "outcomes.view_boardmembership",
    "outcomes.view_ward",
    "outcomes.change_ward",
    "procurement.view_tender",
    "procurement.view_suppliermember",  # to look only: suppliers add their colleagues in the app
}
