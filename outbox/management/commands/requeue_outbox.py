from django.core.management.base import BaseCommand

from outbox.tasks import requeue_overdue


class Command(BaseCommand):
    help = "Re-ask the worker to send pending messages whose retry time is long past. Safe to run often."

    def handle(self, *args, **options) -> None:
        count = requeue_overdue()
        self.stdout.write(f"Requeued {count} overdue message(s).")
