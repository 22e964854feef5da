"""The JSON list of keep-in-touch permissions goes (0002 moved it into rows); `consents` is now
the bookings' rows of the one consent model, through BookingConsent."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0002_booking_consents"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="registration",
            name="consents",
        ),
        migrations.AddField(
            model_name="registration",
            name="consents",
            field=models.ManyToManyField(blank=True, related_name="+", through="events.BookingConsent", to="enquiry.keepintouchconsent", verbose_name="keep-in-touch permissions"),
        ),
    ]
