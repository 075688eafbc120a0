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


_READ_MODEL = {
    "outcomes.view_socialvaluemodel",
    "outcomes.view_outcome",
    "outcomes.view_indicator",
}

# "app_label.codename" per role. Later apps add theirs in their own migrations, and update this table,
# which a test compares with the groups in the database.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.RESIDENT: _READ_MODEL | {"consultation.view_consultation", "procurement.view_tender"},
    Role.SUPPLIER: _READ_MODEL
    | {
        "procurement.view_tender",
        "procurement.add_bid",
        "procurement.change_bid",
        "procurement.view_bid",
        "procurement.view_award",
    },
    Role.EVALUATOR: _READ_MODEL
    | {
        "procurement.view_tender",
        "procurement.change_panelmember",
        "procurement.view_panelmember",
        "procurement.add_score",
        "procurement.change_score",
        "procurement.view_score",
    },
    Role.COMMISSIONER: _READ_MODEL
    | {
        "outcomes.view_organisation",
        "outcomes.view_boardmembership",
        "consultation.view_consultation",
        "consultation.add_response",
        "procurement.add_tender",
        "procurement.change_tender",
        "procurement.view_tender",
        "procurement.view_bid",
        "procurement.add_panelmember",
        "procurement.delete_panelmember",
        "procurement.view_panelmember",
        "procurement.view_score",
        "procurement.add_moderatedscore",
        "procurement.change_moderatedscore",
        "procurement.view_moderatedscore",
        "procurement.add_award",
        "procurement.change_award",
        "procurement.view_award",
        "procurement.add_contract",
        "procurement.view_contract",
    },
    Role.BOARD_MEMBER: _READ_MODEL
    | {
        "outcomes.add_socialvaluemodel",
        "outcomes.change_socialvaluemodel",
        "outcomes.adopt_socialvaluemodel",
        "outcomes.change_outcome",
        "outcomes.add_indicator",
        "outcomes.change_indicator",
        "outcomes.delete_indicator",
        "outcomes.add_modelreview",
        "outcomes.view_modelreview",
        "outcomes.add_organisation",
        "outcomes.change_organisation",
        "outcomes.view_organisation",
        "outcomes.add_boardmembership",
        "outcomes.change_boardmembership",
        "outcomes.view_boardmembership",
        "consultation.add_consultation",
        "consultation.change_consultation",
        "consultation.view_consultation",
        "consultation.view_response",
        "consultation.view_comment",
        "consultation.change_comment",
        "consultation.view_contactrecord",
        "consultation.delete_contactrecord",
        "consultation.view_wardpopulation",
        "consultation.change_wardpopulation",
        "procurement.view_tender",
        "procurement.view_award",
        "procurement.view_contract",
    },
    Role.ADMINISTRATOR: {
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
    },
}
