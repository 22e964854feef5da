"""`manage.py demo_otp_code <username>`: the sign-in code for a demo account (dev and test only)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.second_factor import authenticator_app
from demo.second_factor import DEMO_TOTP_KEY_HEX, next_code


class Command(BaseCommand):
    help = (
        "Print the current two-factor sign-in code of a demo account (its authenticator app "
        "has the published demo key). Refuses unless DEMO_CONTENT_ALLOWED is True."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
            raise CommandError(
                "Demo content is switched off here (DEMO_CONTENT_ALLOWED is False): there are "
                "no demo sign-in codes."
            )
        user = get_user_model().objects.filter(username=username).first()
        device = authenticator_app(user) if user else None
        if device is None or device.key != DEMO_TOTP_KEY_HEX:
            raise CommandError(
                f"{username} is not a demo account with the demo authenticator key "
                "(run `manage.py load_demo_content`)."
            )
        code, seconds = next_code(device)
        self.stdout.write(code)
        if options["verbosity"] >= 2:
            self.stdout.write(f"(works once, for about {seconds} more seconds)")
