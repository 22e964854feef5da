"""Login throttling against password guessing (django-axes, counting in the shared cache).

Failed sign-ins are counted per username and per client address; at the limit, signing in with
that username or from that address is paused for AXES_COOLOFF_TIME, then the counts expire by
themselves. The message is the same whether or not the username exists.
"""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.admin.views.account import LoginView, get_user_login_form

from core.spam import client_address


def client_ip(request: HttpRequest) -> str:
    """The address axes counts: the project's own reading of X-Forwarded-For
    (TRUSTED_PROXY_COUNT), the same one the enquiry rate limit uses."""
    return client_address(request)


def client_description(username, ip_address, user_agent, path_info, request) -> str:
    """What axes writes in its log lines: the page only, never who or from where (the README's
    rule: log lines name reasons, not people)."""
    if isinstance(path_info, list | tuple):
        path_info = path_info[0]
    return f"a sign-in at {path_info}"


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The sign-in page again (status 429), its error saying sign-in is paused for a while."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    message = _(
        "Too many failed attempts to sign in. For your security, signing in is paused for "
        "%(minutes)s minutes. Wait, then try again, or reset your password."
    ) % {"minutes": minutes}
    form = None
    if isinstance(original_response, TemplateResponse):
        form = (original_response.context_data or {}).get("form")
    if form is None:
        form = get_user_login_form()(request, data=request.POST or None)
    form.cleaned_data = getattr(form, "cleaned_data", {})
    form._errors = ErrorDict()
    form.add_error(None, message)
    view = LoginView()
    view.setup(request)
    response = TemplateResponse(
        request, LoginView.template_name, view.get_context_data(form=form), status=429
    )
    return response.render()
