"""Keep each council's teams in step with the council records and pages."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Council, CouncilPage, CouncilTeam


@receiver(post_save, sender=Council)
def council_saved(sender, instance: Council, raw: bool = False, **kwargs) -> None:
    if not raw:
        from .roles import sync_council_teams

        sync_council_teams(instance)


@receiver(post_save, sender=CouncilPage)
def council_page_saved(
    sender, instance: CouncilPage, created: bool, raw: bool = False, **kwargs
) -> None:
    if created and not raw:
        from .roles import sync_council_teams

        sync_council_teams(instance.council)


@receiver(post_delete, sender=CouncilTeam)
def council_team_deleted(sender, instance: CouncilTeam, **kwargs) -> None:
    """A deleted council's teams lose their group, so nobody keeps its access or inherits it."""
    from django.contrib.auth.models import Group

    Group.objects.filter(pk=instance.group_id).delete()
