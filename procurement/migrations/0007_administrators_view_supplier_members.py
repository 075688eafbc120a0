"""Administrators only look at supplier memberships (knowsley_sv.roles.ROLE_PERMISSIONS lists the same): one
who could add a membership could make an account that reads a sealed bid. Suppliers add their colleagues in
the app, where it is audited."""

from django.db import migrations

TAKEN = ["add_suppliermember", "change_suppliermember"]


def _permissions(method: str):
    def run(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        permissions = getattr(Group.objects.get(name="Administrator").permissions, method)
        permissions(*Permission.objects.filter(content_type__app_label="procurement", codename__in=TAKEN))

    return run


class Migration(migrations.Migration):
    dependencies = [("procurement", "0006_delivery")]
    operations = [migrations.RunPython(_permissions("remove"), _permissions("add"))]
