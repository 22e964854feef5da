"""Keep the roles in step with the councils, their pages and the site's languages."""

from django.contrib.auth.models import Group
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.localization import locales_added
from councils.models import Council, CouncilPage

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
