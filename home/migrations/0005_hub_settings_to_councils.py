"""The hub settings now belong to the councils app (councils 0004 takes over the same tables)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('home', '0004_hub_settings_in_other_languages'),
        ('councils', '0004_hub_settings_from_home'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name='hubsettingstranslation', name='hub_settings'),
                migrations.DeleteModel(name='HubSettings'),
                migrations.DeleteModel(name='HubSettingsTranslation'),
            ],
            database_operations=[],
        ),
    ]
