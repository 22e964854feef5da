"""Bookings' keep-in-touch permissions become rows of the one consent model.

Each entry of a booking's JSON list `Registration.consents` ({channel, wording, language,
given_at, ended_at}, and renewed_at or end_reason where present) becomes an
`enquiry.KeepInTouchConsent` row with no enquiry, tied to the booking by a BookingConsent, in
the list's order. Nothing is dropped silently: an entry this cannot represent stops the
migration, naming the booking. Reversible: going back writes the rows into the lists again
(times in ISO 8601, UTC, as the booking service wrote them) and deletes them. The JSON field
itself is removed in 0003.
"""

import datetime

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

KNOWN_KEYS = {"channel", "wording", "language", "given_at", "renewed_at", "ended_at", "end_reason"}


def _moment(value, registration_id):
    if value in (None, ""):
        return None
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        raise ValueError(f"Booking {registration_id}: keep-in-touch time {value!r} is not a time")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _iso(moment):
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def lists_to_rows(apps, schema_editor):
    db = schema_editor.connection.alias
    Registration = apps.get_model("events", "Registration")
    BookingConsent = apps.get_model("events", "BookingConsent")
    KeepInTouchConsent = apps.get_model("enquiry", "KeepInTouchConsent")
    bookings = Registration.objects.using(db).only("pk", "language", "created_at", "consents")
    for registration in bookings.order_by("pk").iterator(chunk_size=500):
        entries = registration.consents or []
        if not isinstance(entries, list):
            raise ValueError(f"Booking {registration.pk}: keep-in-touch permissions {entries!r}")
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("channel") or set(entry) - KNOWN_KEYS:
                raise ValueError(f"Booking {registration.pk}: keep-in-touch permission {entry!r}")
            consent = KeepInTouchConsent.objects.using(db).create(
                enquiry=None,
                channel=entry["channel"],
                wording=entry.get("wording") or "",
                language=entry.get("language") or registration.language,
                # Every entry the booking service wrote has one; the booking's time otherwise.
                given_at=_moment(entry.get("given_at"), registration.pk) or registration.created_at,
                renewed_at=_moment(entry.get("renewed_at"), registration.pk),
                ended_at=_moment(entry.get("ended_at"), registration.pk),
                end_reason=entry.get("end_reason") or "",
            )
            BookingConsent.objects.using(db).create(registration=registration, consent=consent)


def rows_to_lists(apps, schema_editor):
    db = schema_editor.connection.alias
    Registration = apps.get_model("events", "Registration")
    BookingConsent = apps.get_model("events", "BookingConsent")
    KeepInTouchConsent = apps.get_model("enquiry", "KeepInTouchConsent")
    links = BookingConsent.objects.using(db).select_related("consent")
    lists: dict[int, list] = {}
    for link in links.order_by("registration_id", "consent_id").iterator(chunk_size=500):
        consent = link.consent
        entry = {
            "channel": consent.channel,
            "wording": consent.wording,
            "language": consent.language,
            "given_at": _iso(consent.given_at),
            "ended_at": _iso(consent.ended_at),
        }
        if consent.renewed_at:
            entry["renewed_at"] = _iso(consent.renewed_at)
        if consent.end_reason:
            entry["end_reason"] = consent.end_reason
        lists.setdefault(link.registration_id, []).append(entry)
    for registration_id, entries in lists.items():
        Registration.objects.using(db).filter(pk=registration_id).update(consents=entries)
    consent_ids = list(links.values_list("consent_id", flat=True))
    links.delete()
    KeepInTouchConsent.objects.using(db).filter(pk__in=consent_ids).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("enquiry", "0009_keep_in_touch_consent_holders"),
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="BookingConsent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("consent", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="booking", to="enquiry.keepintouchconsent")),
                ("registration", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="consent_links", to="events.registration")),
            ],
            options={
                "verbose_name": "keep-in-touch permission",
                "verbose_name_plural": "keep-in-touch permissions",
            },
        ),
        migrations.RunPython(lists_to_rows, rows_to_lists),
    ]
