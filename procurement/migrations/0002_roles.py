"""The roles' permissions for tenders and bids (knowsley_sv.roles.ROLE_PERMISSIONS lists the same)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Resident": ["view_tender"],
    "Supplier": ["view_tender", "add_bid", "change_bid", "view_bid"],
    "Commissioner": ["add_tender", "change_tender", "view_tender", "view_bid"],
    "Evaluator": ["view_tender"],
    "Board member": ["view_tender"],
    "Administrator": ["view_tender", "add_suppliermember", "change_suppliermember", "view_suppliermember"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("procurement")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(content_type__app_label="procurement", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial"), ("knowsley_sv", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
