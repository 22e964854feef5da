from django.core.management.base import BaseCommand

from accounts.roles import sync_roles


class Command(BaseCommand):
    help = "Create or update the hub's and every council's permission groups (idempotent)."

    def handle(self, *args, **options) -> None:
        sync_roles()
        self.stdout.write(self.style.SUCCESS("Roles are up to date."))
