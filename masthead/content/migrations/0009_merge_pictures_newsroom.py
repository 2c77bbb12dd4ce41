# Merges the picture library (0007_pictures) with the newsroom's roles and the listing
# indexes (0008); the roles that write stories may use the library: reporters, editors and
# desk chiefs add, change and view pictures (desk chiefs also delete them).

from django.db import migrations

PICTURES = {
    "Reporter": ["add_picture", "change_picture", "view_picture"],
    "Editor": ["add_picture", "change_picture", "view_picture"],
    "Desk chief": ["add_picture", "change_picture", "view_picture", "delete_picture"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("content")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PICTURES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="content", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PICTURES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="content", codename__in=codenames))


class Migration(migrations.Migration):

    dependencies = [
        ("content", "0007_pictures"),
        ("content", "0008_merge_listing_indexes_newsroom"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
