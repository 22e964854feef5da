"""`manage.py load_demo_content`: a complete demo site with demo logins (dev and test only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import DemoContentNotAllowed, load_demo_content
from demo.second_factor import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = (
        "Fill the site with demo content for a fictional hub over four East Midlands councils, "
        "and create demo users. Idempotent: existing items are left alone. Refuses to run "
        "unless DEMO_CONTENT_ALLOWED is True."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--site-address",
            default="",
            help=(
                "The address the site is served at, e.g. http://127.0.0.1:8000 (`make run` "
                "passes its PORT): set as the default site's host name and port on every run, "
                "so sitemaps, canonical links and emails point there."
            ),
        )

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        log = self.stdout.write if verbosity >= 2 else None
        try:
            result = load_demo_content(log=log, site_address=options["site_address"])
        except DemoContentNotAllowed as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        if verbosity == 0:
            return

        if result.created_anything:
            summary = ", ".join(
                f"{count:,} {kind if count == 1 else plural(kind)}"
                for kind, count in result.created.items()
                if count
            )
            self.stdout.write(self.style.SUCCESS(f"Demo content created: {summary}."))
        else:
            self.stdout.write("Demo content is already there: nothing created.")

        base_url = (options["site_address"] or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
        self.stdout.write(f"Site:  {base_url}/")
        self.stdout.write(f"Admin: {base_url}/admin/")
        self.stdout.write("")
        rows = [("Username", "Role", "Password")]
        for login in result.logins:
            password = login.password if login.created else f"{login.password} (if unchanged)"
            rows.append((login.username, login.role, password))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for index, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            line = line.rstrip()
            self.stdout.write(self.style.MIGRATE_HEADING(line) if index == 0 else line)
        self.stdout.write("")
        self.stdout.write(
            "Then a sign-in code (two-factor): add the demo key to any authenticator app,\n"
            f"  {DEMO_TOTP_KEY}\n"
            "or print the current code with `.venv/bin/python manage.py demo_otp_code <username>`."
        )


def plural(kind: str) -> str:
    """ "enquiry" -> "enquiries", "page" -> "pages"."""
    return f"{kind[:-1]}ies" if kind.endswith("y") else f"{kind}s"
