"""Admin links to one row for models whose viewset has no edit view.

Wagtail links a row wherever it names one (the site history, for one) through the admin URL
finder, which a ModelViewSet registers as "<namespace>:edit". A viewset of ours without an edit
view (held posts, outgoing messages, event bookings) would make that link fail to reverse and
the whole page answer 500, so it registers one of these instead: a link to the row's page, only
for people its permission policy (the row rule) lets see the row.
"""

from __future__ import annotations

from django.db.models import Model
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.permissions import policy_registry


class ViewURLFinder(ModelAdminURLFinder):
    """The link to a row's inspect page (`edit_url_name`), for people who may view the row."""

    def get_edit_url(self, instance: Model) -> str | None:
        policy = policy_registry.get(instance)
        if (
            self.user is not None
            and policy is not None
            and not policy.user_has_permission_for_instance(self.user, "view", instance)
        ):
            return None
        return self.construct_edit_url(instance)


def inspect_url_finder(viewset) -> type[ViewURLFinder]:
    """The URL finder of a viewset whose rows have an inspect page and no edit view."""
    return type(
        f"{viewset.model.__name__}URLFinder",
        (ViewURLFinder,),
        {"edit_url_name": viewset.get_url_name("inspect")},
    )
