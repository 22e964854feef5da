"""A deleted council team takes its group with it (its roles are kept in step by accounts)."""

from django.contrib.auth.models import Group
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import CouncilTeam


@receiver(post_delete, sender=CouncilTeam)
def council_team_deleted(sender, instance: CouncilTeam, **kwargs) -> None:
    """A deleted council's teams lose their group, so nobody keeps its access or inherits it."""
    Group.objects.filter(pk=instance.group_id).delete()
