"""Enquiry.received_on: the UK date each enquiry came in, for the reports (see the model)."""

from django.db import migrations, models
from django.utils import timezone


def fill_received_on(apps, schema_editor):
    Enquiry = apps.get_model("enquiry", "Enquiry")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE enquiry_enquiry "
            "SET received_on = (created_at AT TIME ZONE %s)::date",
            [timezone.get_default_timezone_name()],
        )
        return
    for pk, created_at in Enquiry.objects.values_list("pk", "created_at").iterator():
        Enquiry.objects.filter(pk=pk).update(received_on=timezone.localdate(created_at))


class Migration(migrations.Migration):
    dependencies = [("enquiry", "0003_first_touch_channel_and_matching_channels")]

    operations = [
        migrations.AddField(
            model_name="enquiry",
            name="received_on",
            field=models.DateField(editable=False, null=True, verbose_name="received on"),
        ),
        migrations.RunPython(fill_received_on, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="enquiry",
            name="received_on",
            field=models.DateField(db_index=True, editable=False, verbose_name="received on"),
        ),
    ]
