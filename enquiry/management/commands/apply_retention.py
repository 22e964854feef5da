"""`manage.py apply_retention`: the daily data-protection sweep (see enquiry/data_protection.py)."""

from django.core.management.base import BaseCommand

from enquiry.data_protection import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise enquiries closed longer ago than ENQUIRY_RETENTION_MONTHS (and event bookings "
        "of events that ended longer ago), end keep-in-touch "
        "permission (enquiries' and bookings') older than KEEP_IN_TOUCH_MONTHS, and delete "
        "outgoing messages and task results older than OUTBOX_RETENTION_DAYS, posts held as "
        "suspected spam that nobody released within HELD_SUBMISSION_RETENTION_DAYS, and subject "
        "access records older than SUBJECT_ACCESS_RECORD_RETENTION_MONTHS. Safe to run daily; "
        "--dry-run changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would change.")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        report = apply_retention(dry_run=dry_run)
        if options["verbosity"] >= 2:
            for label, cutoff in report.cutoffs.items():
                self.stdout.write(f"Cut-off, {label}: {cutoff:%Y-%m-%d}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for done, to_do, count in report.lines():
            self.stdout.write(f"{to_do if dry_run else done}: {count}")
