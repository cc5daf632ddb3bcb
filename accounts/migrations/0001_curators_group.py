"""The Curators group: what staff who curate the directory may do in the admin, and no more.

Exactly the permissions below, whatever the group held before: running it again (or on a
database where someone made a Curators group by hand) sets the same set. Not delete on
companies (archive them instead), nothing on users beyond seeing them (the admin's user
autocompletes), nothing on groups or permissions. Deleting a taxonomy entry that companies use
is refused by the taxonomy services, whoever asks. Reversing it deletes the group.

The permissions are listed here, not imported: a migration keeps meaning what it meant when it
ran.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

GROUP = "Curators"
EVERYTHING = ("view", "add", "change", "delete")

PERMISSIONS = {
    "members": {
        # add is the import permission of django-import-export, view its export permission.
        "company": ("view", "add", "change"),
        "casestudy": EVERYTHING,
        "companycertification": EVERYTHING,
        "companyframework": EVERYTHING,
        "companymembership": EVERYTHING,
        "invitation": ("view", "add"),
        "searchsynonym": EVERYTHING,
        "sharedshortlist": ("view",),
        "user": ("view",),
    },
    "clusters": {
        "cluster": EVERYTHING,
        "capability": EVERYTHING,
        "region": EVERYTHING,
        "certification": EVERYTHING,
        "framework": EVERYTHING,
        "sector": EVERYTHING,
    },
}


def set_curator_permissions(apps, schema_editor):
    alias = schema_editor.connection.alias
    # On a fresh database the permissions are made only after every migration has run
    # (post_migrate): make this app's now. The global app config only says the app has models;
    # the models themselves come from the migration state.
    for app_label in PERMISSIONS:
        create_permissions(
            global_apps.get_app_config(app_label), verbosity=0, using=alias, apps=apps
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = Q(pk__in=[])
    count = 0
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            wanted |= Q(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=codenames,
            )
            count += len(codenames)
    permissions = list(Permission.objects.using(alias).filter(wanted))
    if len(permissions) != count:
        raise RuntimeError(f"Expected {count} permissions for {GROUP}, found {len(permissions)}.")
    group, _ = Group.objects.using(alias).get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_curators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0007_curation"),
        ("clusters", "0002_certification_validity"),
    ]

    operations = [migrations.RunPython(set_curator_permissions, remove_curators_group)]
