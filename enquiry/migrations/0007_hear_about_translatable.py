import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every answer now has its locale and translation key: make them required and unique."""

    dependencies = [
        ("enquiry", "0006_hear_about_bootstrap_locale"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hearaboutoption",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="hearaboutoption",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="hearaboutoption", unique_together={("translation_key", "locale")}
        ),
        migrations.AddConstraint(
            model_name="hearaboutoption",
            constraint=models.UniqueConstraint(
                fields=("label", "locale"), name="hear_about_label_per_locale"
            ),
        ),
    ]
