"""Keep the roles in step with the councils, their pages and the site's languages; start a
signed-in session's clock (accounts.session_limits)."""

import time

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.localization import locales_added
from councils.models import Council, CouncilPage

from . import session_limits
from .roles import HUB_COMMS, sync_council_teams, sync_roles


@receiver(post_save, sender=Council)
def council_saved(sender, instance: Council, raw: bool = False, **kwargs) -> None:
    """A new partner's teams exist at once; a renamed one's groups follow its name."""
    if not raw:
        sync_council_teams(instance)


@receiver(post_save, sender=CouncilPage)
def council_page_saved(
    sender, instance: CouncilPage, created: bool, raw: bool = False, **kwargs
) -> None:
    """A council's comms team may edit its new page."""
    if created and not raw:
        sync_council_teams(instance.council)


@receiver(locales_added)
def locales_added_to_site(sender, **kwargs) -> None:
    """The hub's comms officers edit a new language's tree too (once the roles exist)."""
    if Group.objects.filter(name=HUB_COMMS).exists():
        sync_roles()


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs) -> None:
    """The password step: the session's lifetime and idle time start now."""
    if request is not None and hasattr(request, "session"):
        session_limits.start(request.session, time.time())
