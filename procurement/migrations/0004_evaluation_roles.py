"""The roles' permissions for evaluation, moderation and award (knowsley_sv.roles.ROLE_PERMISSIONS lists the
same)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Supplier": ["view_award"],
    "Commissioner": [
        "add_panelmember",
        "delete_panelmember",
        "view_panelmember",
        "view_score",
        "add_moderatedscore",
        "change_moderatedscore",
        "view_moderatedscore",
        "add_award",
        "change_award",
        "view_award",
        "add_contract",
        "view_contract",
    ],
    "Evaluator": ["change_panelmember", "view_panelmember", "add_score", "change_score", "view_score"],
    "Board member": ["view_award", "view_contract"],
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
    dependencies = [("procurement", "0003_evaluation_award")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
