"""Create the three roles as groups with exactly the permissions each needs.

The lists are frozen here, as a migration must be: a later change of what a
role may do is a new migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SOURCES_MODELS = ["outlet", "source", "excerpt"]
CLAIMS_MODELS = [
    "actor", "actoralias", "actorrole", "place", "placealias", "topic", "claim",
    "appearance", "attributionstep", "quantity", "claimrelation", "assessment", "evidence",
]

def _perms(app_label, actions, models):
    return [(app_label, f"{action}_{model}") for action in actions for model in models]


VIEW = (
    _perms("sources", ["view"], SOURCES_MODELS + [f"historical{m}" for m in SOURCES_MODELS])
    + _perms("claims", ["view"], CLAIMS_MODELS
             + [f"historical{m}" for m in CLAIMS_MODELS if m != "assessment"])
)
ANALYST = VIEW + [
    ("claims", "add_assessment"),
    ("claims", "add_claimrelation"),
    ("claims", "change_claimrelation"),
    ("claims", "delete_claimrelation"),
    ("claims", "add_evidence"),
    ("claims", "change_evidence"),
    ("claims", "delete_evidence"),
]
EDITOR = (
    ANALYST
    + _perms("sources", ["add", "change", "delete"], SOURCES_MODELS)
    + _perms("claims", ["add", "change", "delete"],
             [m for m in CLAIMS_MODELS if m not in ("assessment", "claimrelation", "evidence")])
    + [("claims", "merge_claim")]
)
ROLES = {"viewer": VIEW, "analyst": ANALYST, "editor": EDITOR}


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrate finishes; make them now so
    # the groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for app_label, codename in wanted:
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
