"""Only the Administrator group holds model permissions: the Django admin checks them on every admin page.

The other five roles were given permissions (knowsley_sv 0002, consultation 0002, procurement 0002 and 0004)
that nothing checked: the app's views check the role itself (knowsley_sv.access.RoleRequiredMixin) and
object rules. Unchecked, they were a latent grant: an administrator who was also a board member could have
changed the model through the admin, past the services. They are cleared here (issue 15).
"""

from django.db import migrations

ADMINISTRATOR = "Administrator"


def clear(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.exclude(name=ADMINISTRATOR):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("knowsley_sv", "0002_roles"),
        ("consultation", "0002_ward_populations_and_roles"),
        ("procurement", "0007_administrators_view_supplier_members"),
    ]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
