"""A keep-in-touch permission belongs to exactly one holder: an enquiry or one booking.

A CHECK constraint sees one row, and a permission's holder may be in another table (its
booking's BookingConsent), so on PostgreSQL this is a deferred constraint trigger: at commit
(or at SET CONSTRAINTS ... IMMEDIATE) every permission inserted or moved to another enquiry,
and every one whose tie to a booking was added, changed or removed, must have an enquiry or a
booking, and not both. SQLite (`make run` on a laptop) has no deferred triggers; there the code
alone keeps the rule (permissions are written with their holder, in one transaction).
"""

from django.db import migrations

CHECK = "events_check_consent_holder"
FUNCTION = "events_consent_holder_trigger"
ON_CONSENTS = "events_consent_has_one_holder"
ON_LINKS = "events_booking_consent_has_one_holder"


def _tables(apps):
    return (
        apps.get_model("enquiry", "KeepInTouchConsent")._meta.db_table,
        apps.get_model("events", "BookingConsent")._meta.db_table,
    )


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    consents, links = _tables(apps)
    statements = [
        f"""
        CREATE FUNCTION {CHECK}(checked bigint) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (
                SELECT 1 FROM "{consents}" consent
                WHERE consent.id = checked
                AND (consent.enquiry_id IS NOT NULL)
                    = EXISTS (SELECT 1 FROM "{links}" link WHERE link.consent_id = consent.id)
            ) THEN
                RAISE EXCEPTION
                    'keep-in-touch permission % must belong to one enquiry or one booking',
                    checked
                    USING ERRCODE = 'check_violation';
            END IF;
        END $$
        """,
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_TABLE_NAME = '{consents}' THEN
                PERFORM {CHECK}(NEW.id);
            ELSE
                IF TG_OP <> 'DELETE' THEN PERFORM {CHECK}(NEW.consent_id); END IF;
                IF TG_OP <> 'INSERT' THEN PERFORM {CHECK}(OLD.consent_id); END IF;
            END IF;
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE CONSTRAINT TRIGGER {ON_CONSENTS}
            AFTER INSERT OR UPDATE OF enquiry_id ON "{consents}"
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
        """,
        f"""
        CREATE CONSTRAINT TRIGGER {ON_LINKS}
            AFTER INSERT OR UPDATE OR DELETE ON "{links}"
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
        """,
    ]
    for statement in statements:
        schema_editor.execute(statement, params=None)  # None: the % in RAISE is not a parameter


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    consents, links = _tables(apps)
    for statement in (
        f'DROP TRIGGER IF EXISTS {ON_CONSENTS} ON "{consents}"',
        f'DROP TRIGGER IF EXISTS {ON_LINKS} ON "{links}"',
        f"DROP FUNCTION IF EXISTS {FUNCTION}()",
        f"DROP FUNCTION IF EXISTS {CHECK}(bigint)",
    ):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("enquiry", "0009_keep_in_touch_consent_holders"),
        ("events", "0003_registration_consents_rows"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
