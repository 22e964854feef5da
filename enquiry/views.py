"""The public enquiry form and its confirmation page (served by EnquiryPage's routes).

The form follows Post/Redirect/Get: a saved enquiry's id goes into the session (never into a
URL) and the browser is sent to the thank-you page, which shows the reference. Posts the spam
checks turn away get the very same redirect, so a bot cannot tell them apart from a success.
Both pages are `no-store`: they hold what one person typed or their reference.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from attribution import capture
from home.errors import mark_submission_saved

from . import spam
from .forms import NOT_SURE
from .models import Enquiry, EnquiryPage, ReceivedVia
from .public_forms import EnquiryForm
from .services import record_enquiry

SESSION_KEY = "enquiry.confirmation"
FORM_TEMPLATE = "enquiry/enquiry_page.html"
CONFIRMATION_TEMPLATE = "enquiry/enquiry_confirmation.html"


class HttpResponseSeeOther(HttpResponseRedirect):
    """303: after a POST, fetch the next page with GET (a reload never posts again)."""

    status_code = 303


def thank_you_url(page: EnquiryPage, request: HttpRequest) -> str:
    return page.get_url(request=request) + page.reverse_subpage("confirmation_view")


def form_for_visit(request: HttpRequest) -> EnquiryForm:
    """An empty form; `?council=<short name>` (from a council's page) chooses that council, and
    anything unknown or inactive is quietly ignored."""
    form = EnquiryForm(initial={"council": NOT_SURE})
    short_name = request.GET.get("council", "")
    if short_name in form.councils:
        form.initial["council"] = short_name
    return form


def enquiry_form_view(page: EnquiryPage, request: HttpRequest) -> HttpResponse:
    """Show the form (GET) or check and save an enquiry (POST)."""
    if request.method == "POST":
        response = handle_post(page, request)
    else:
        response = render_form(page, request, form_for_visit(request))
    add_never_cache_headers(response)
    return response


def handle_post(page: EnquiryPage, request: HttpRequest) -> HttpResponse:
    # A new post: the thank-you page must never show the reference of an earlier enquiry.
    request.session.pop(SESSION_KEY, None)
    form = EnquiryForm(request.POST)
    reason = spam.silent_rejection(request, request.POST)
    if reason:
        spam.count_rejection(reason)
        return HttpResponseSeeOther(thank_you_url(page, request))

    if form.is_valid():
        if spam.too_fast_to_save(form.token):
            spam.count_rejection(spam.Reason.TOO_FAST)
            return HttpResponseSeeOther(thank_you_url(page, request))
        enquiry, _created = record_enquiry(
            form.to_details(consents=form.consents()),
            submission_token=form.token.submission,
            received_via=ReceivedVia.WEBSITE,
            language=translation.get_language(),
            touches=capture.touches_for_enquiry(request, request.POST.get(capture.LANDING_FIELD)),
        )
        mark_submission_saved(request)
        request.session[SESSION_KEY] = enquiry.pk
        return HttpResponseSeeOther(thank_you_url(page, request))

    if form.token is None:
        # Missing, tampered with or too old: say so, keep the answers, issue a fresh token.
        spam.count_rejection(spam.Reason.EXPIRED)
    form.suggest_council()
    return render_form(page, request, form)


def landing_value(request: HttpRequest) -> str:
    """The signed hidden landing for the form: this visit's tags when it landed on the form with
    them, or the one posted back (when genuine) on a form shown again with errors."""
    if request.method == "POST":
        posted = request.POST.get(capture.LANDING_FIELD, "")
        return posted if capture.read_landing(posted) else ""
    return capture.landing_token(request)


def render_form(page: EnquiryPage, request: HttpRequest, form: EnquiryForm) -> TemplateResponse:
    return page.render(
        request,
        template=FORM_TEMPLATE,
        context_overrides={
            "form": form,
            "error_summary": form.error_summary() if form.is_bound else [],
            "council_script_data": form.script_data(),
            "not_sure": NOT_SURE,
            "landing_field": capture.LANDING_FIELD,
            "landing_value": landing_value(request),
        },
    )


def confirmation_view(page: EnquiryPage, request: HttpRequest) -> HttpResponse:
    """The reference of the enquiry this browser just sent; a neutral thank-you otherwise (a
    visit straight to the address, or a post the spam checks turned away)."""
    enquiry = None
    enquiry_id = request.session.get(SESSION_KEY)
    if isinstance(enquiry_id, int):
        enquiry = Enquiry.objects.filter(pk=enquiry_id, anonymised_at__isnull=True).first()
    response = page.render(
        request, template=CONFIRMATION_TEMPLATE, context_overrides={"enquiry": enquiry}
    )
    add_never_cache_headers(response)
    return response
