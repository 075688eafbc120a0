"""Creates the six roles of DESIGN §2 as groups with their permissions.

The table is frozen here, as migrations must be; later apps grant their own permissions in their own
migrations, and tests compare the groups with knowsley_sv.roles.ROLE_PERMISSIONS.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ_MODEL = ["outcomes.view_socialvaluemodel", "outcomes.view_outcome", "outcomes.view_indicator"]
BOARD_WRITE = [
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
]
ROLES = {
    "Resident": READ_MODEL,
    "Supplier": READ_MODEL,
    "Evaluator": READ_MODEL,
    "Commissioner": READ_MODEL + ["outcomes.view_organisation", "outcomes.view_boardmembership"],
    "Board member": READ_MODEL + BOARD_WRITE,
    "Administrator": [
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
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure these exist now.
    for label in ("auth", "knowsley_sv", "outcomes"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [p.split(".") for p in perms]
        found = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
        group.permissions.set(found)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("knowsley_sv", "0001_initial"),
        ("outcomes", "0002_knowsley_model_v1"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
