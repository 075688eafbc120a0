"""A population row for each ward (figures empty until the council enters them), and the roles'
permissions for consultations (knowsley_sv.roles.ROLE_PERMISSIONS lists the same)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Resident": ["view_consultation"],
    "Commissioner": ["view_consultation", "add_response"],
    "Board member": [
        "add_consultation",
        "change_consultation",
        "view_consultation",
        "view_response",
        "view_comment",
        "change_comment",
        "view_contactrecord",
        "delete_contactrecord",
        "view_wardpopulation",
        "change_wardpopulation",
    ],
}


def forwards(apps, schema_editor):
    Ward = apps.get_model("outcomes", "Ward")
    WardPopulation = apps.get_model("consultation", "WardPopulation")
    WardPopulation.objects.bulk_create(WardPopulation(ward=ward) for ward in Ward.objects.all())

    app_config = apps.get_app_config("consultation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.get(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="consultation", codename__in=codenames)
        )


def backwards(apps, schema_editor):
    apps.get_model("consultation", "WardPopulation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0001_initial"),
        ("knowsley_sv", "0002_roles"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
