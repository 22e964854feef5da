"""wagtail-localize's "Translate this page", only for people who may edit the page.

wagtail-localize asks only for its "submit translation" permission, so a council's comms
officer could start a translation of another council's page (turning its copy into a
translation nobody there asked for). Here the person must also be able to edit the page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from wagtail.models import Page
from wagtail_localize.views.submit_translations import SubmitPageTranslationView


class EditorsSubmitPageTranslationView(SubmitPageTranslationView):
    def dispatch(self, request, *args, **kwargs):
        page = get_object_or_404(Page, pk=kwargs["page_id"])
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
