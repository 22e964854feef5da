"""The admin search's keys of each enquiry's phone number and postcode (`enquiry.search`),
filled for the enquiries saved before them; and the history's two correction actions (channel,
campaign)."""

import re

from django.db import migrations, models

BATCH_SIZE = 2000


# As enquiry.search had them when this migration was written (a migration keeps its own copy).
def phone_key(text):
    text = (text or "").strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if not (text.startswith("+") or digits.startswith("00")):
        return digits
    digits = digits if text.startswith("+") else digits.removeprefix("00")
    if digits.startswith("44"):
        return "0" + digits[2:].removeprefix("0")
    return "+" + digits


def postcode_key(text):
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def fill_search_keys(apps, schema_editor):
    Enquiry = apps.get_model("enquiry", "Enquiry")
    rows = (
        Enquiry.objects.filter(anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "phone", "postcode")
    )
    last_pk = 0
    while True:
        batch = list(rows.filter(pk__gt=last_pk)[:BATCH_SIZE])
        if not batch:
            return
        last_pk = batch[-1][0]
        Enquiry.objects.bulk_update(
            [
                Enquiry(pk=pk, search_phone=phone_key(phone), search_postcode=postcode_key(code))
                for pk, phone, code in batch
            ],
            ["search_phone", "search_postcode"],
        )


class Migration(migrations.Migration):
    dependencies = [("enquiry", "0009_keep_in_touch_consent_holders")]

    operations = [
        migrations.AddField(
            model_name="enquiry",
            name="search_phone",
            field=models.CharField(blank=True, editable=False, max_length=31),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="search_postcode",
            field=models.CharField(blank=True, editable=False, max_length=10),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="enquiryhistory",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Enquiry received"),
                    ("stage", "Stage changed"),
                    ("handover", "Handed over to council"),
                    ("council", "Council changed"),
                    ("channel", "Channel corrected"),
                    ("campaign", "Campaign corrected"),
                    ("note", "Note"),
                    ("anonymised", "Personal data removed"),
                ],
                max_length=12,
                verbose_name="action",
            ),
        ),
    ]
