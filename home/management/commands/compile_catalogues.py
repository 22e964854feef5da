"""Compile the interface translations (locale/*/LC_MESSAGES/django.po) into .mo files.

Django's own `compilemessages` needs GNU gettext's msgfmt, which a laptop or a slim server image
may not have; polib (a dependency of wagtail-localize) writes the same .mo files in pure Python,
so `make install` works anywhere Python does. Fuzzy entries are left out, as msgfmt does.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    return sorted(
        path for root in settings.LOCALE_PATHS for path in Path(root).glob("*/LC_MESSAGES/*.po")
    )


def compile_catalogue(po_path: Path) -> Path:
    catalogue = polib.pofile(str(po_path))
    for entry in catalogue.fuzzy_entries():
        catalogue.remove(entry)
    mo_path = po_path.with_suffix(".mo")
    catalogue.save_as_mofile(str(mo_path))
    return mo_path


class Command(BaseCommand):
    help = "Compile the .po translation catalogues into the .mo files Django reads."

    def handle(self, *args, **options) -> None:
        paths = catalogues()
        if not paths:
            raise CommandError("No catalogues found under LOCALE_PATHS.")
        for po_path in paths:
            try:
                mo_path = compile_catalogue(po_path)
            except (OSError, ValueError) as error:
                raise CommandError(f"{po_path}: {error}") from error
            self.stdout.write(f"Compiled {mo_path.relative_to(settings.BASE_DIR)}")
