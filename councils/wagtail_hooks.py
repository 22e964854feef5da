from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .models import CouncilPage
from .viewsets import CouncilViewSet

register_snippet(CouncilViewSet)


@hooks.register("before_copy_page")
def refuse_to_copy_a_council_page(request, page):
    """Each council has one page: a copy could never be published."""
    if isinstance(page.specific, CouncilPage):
        messages.error(
            request, _("A council has one page: add a new council and its page instead.")
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None
