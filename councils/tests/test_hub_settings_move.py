"""The hub settings moved from the home app to councils: an existing hub keeps them.

Migrated on a copy of the old data: a site's settings with a translation, and a group allowed to
change them, made with the models as they were before the move, then migrated forward.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("home", "0004_hub_settings_in_other_languages"),
    ("councils", "0003_council_integration_permission"),
]
AFTER = [("home", "0005_hub_settings_to_councils"), ("councils", "0004_hub_settings_from_home")]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_settings_their_translations_and_who_may_change_them_survive_the_move():
    old = _migrate(BEFORE)
    try:
        Site = old.get_model("wagtailcore", "Site")
        ContentType = old.get_model("contenttypes", "ContentType")
        Permission = old.get_model("auth", "Permission")
        Group = old.get_model("auth", "Group")
        OldSettings = old.get_model("home", "HubSettings")
        OldTranslation = old.get_model("home", "HubSettingsTranslation")
        site = Site.objects.get(is_default_site=True)
        OldSettings.objects.filter(site=site).delete()
        hub = OldSettings.objects.create(
            site=site, hub_name="Foster East", phone_number="0300 123 4567"
        )
        OldTranslation.objects.create(hub_settings=hub, language="pl", strapline="Zostań rodziną")
        content_type, _ = ContentType.objects.get_or_create(app_label="home", model="hubsettings")
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename="change_hubsettings",
            defaults={"name": "Can change hub settings"},
        )
        editors = Group.objects.create(name="Settings editors (migration test)")
        editors.permissions.add(permission)

        new = _migrate(AFTER)
        NewSettings = new.get_model("councils", "HubSettings")
        moved = NewSettings.objects.get(site_id=site.pk)
        assert (moved.pk, moved.hub_name, moved.phone_number) == (
            hub.pk,
            "Foster East",
            "0300 123 4567",
        )
        assert [(t.language, t.strapline) for t in moved.translations.all()] == [
            ("pl", "Zostań rodziną")
        ]
        NewGroup = new.get_model("auth", "Group")
        kept = NewGroup.objects.get(name="Settings editors (migration test)").permissions.get()
        assert (kept.content_type.app_label, kept.codename) == ("councils", "change_hubsettings")
    finally:
        _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
