"""The public enquiry form and its confirmation page (served by EnquiryPage's routes).

The form follows Post/Redirect/Get: a saved enquiry's id goes into the session (never into a
URL) and the browser is sent to the thank-you page, which shows the reference. The same answers
sent again (Back and Send, a second tab) find the first enquiry, whose page then says "you have
already sent this", with its date and reference. A post the spam checks doubt is held for staff
to review (`enquiry.quarantine`), and a filled honeypot is discarded: both get the very same
redirect and then the same calm page ("we check some messages before they reach our team"), so
a bot cannot tell them apart and a person is never promised a reply nobody will send.
Both pages are `no-store`: they hold what one person typed or their reference.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from attribution import capture
from core import spam
from core.errors import mark_submission_saved
from core.http import HttpResponseSeeOther

from . import quarantine
from .forms import NOT_SURE
from .models import Enquiry, EnquiryPage, ReceivedVia, RejectedSubmission
from .public_forms import EnquiryForm
from .services import enquiry_fingerprint, find_enquiry, record_enquiry

SESSION_KEY = "enquiry.confirmation"
# Set beside SESSION_KEY when the post found an enquiry sent before ("already sent").
REPEAT_KEY = "enquiry.confirmation.repeat"
# SESSION_KEY's value after a post held for review (or discarded): no enquiry to show yet.
HELD = "held"
FORM_TEMPLATE = "enquiry/enquiry_page.html"
CONFIRMATION_TEMPLATE = "enquiry/enquiry_confirmation.html"


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
    request.session.pop(REPEAT_KEY, None)
    form = EnquiryForm(request.POST)
    if spam.honeypot_filled(request.POST):
        RejectedSubmission.count_post(spam.Reason.HONEYPOT)
        return held_response(page, request)

    if form.is_valid():
        details = form.to_details(consents=form.consents())
        token = form.token.submission
        fingerprint = enquiry_fingerprint(details)
        # The same answers again are not a new send: no allowance used, nothing held.
        enquiry = find_enquiry(fingerprint, token)
        if enquiry is None and quarantine.find_held(fingerprint, token) is not None:
            return held_response(page, request)
        language = translation.get_language()
        touches = capture.touches_for_enquiry(request, request.POST.get(capture.LANDING_FIELD))
        if enquiry is None and (reason := spam.hold_reason(request, form.token)):
            found, created = quarantine.hold_enquiry(
                details,
                reason=reason,
                submission_token=token,
                language=language,
                touches=touches,
            )
            if created:
                RejectedSubmission.count_post(reason)
            if not isinstance(found, Enquiry):
                mark_submission_saved(request)
                return held_response(page, request)
            enquiry = found
        created = False
        if enquiry is None:
            enquiry, created = record_enquiry(
                details,
                submission_token=token,
                received_via=ReceivedVia.WEBSITE,
                language=language,
                touches=touches,
            )
        mark_submission_saved(request)
        request.session[SESSION_KEY] = enquiry.pk
        if not created:
            request.session[REPEAT_KEY] = True
        return HttpResponseSeeOther(thank_you_url(page, request))

    if form.token is None:
        # Missing, tampered with or too old: say so, keep the answers, issue a fresh token.
        RejectedSubmission.count_post(spam.Reason.EXPIRED)
    form.suggest_council()
    return render_form(page, request, form)


def held_response(page: EnquiryPage, request: HttpRequest) -> HttpResponse:
    """The same redirect as a success; the thank-you page then says the message is being
    checked (the same words for a held post and a discarded bot's post)."""
    request.session[SESSION_KEY] = HELD
    return HttpResponseSeeOther(thank_you_url(page, request))


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
    """The reference of the enquiry this browser just sent (saying so when it had been sent
    before); "we check some messages" after a held post; a neutral thank-you otherwise (a visit
    straight to the address)."""
    enquiry = None
    enquiry_id = request.session.get(SESSION_KEY)
    if isinstance(enquiry_id, int):
        enquiry = Enquiry.objects.filter(pk=enquiry_id, anonymised_at__isnull=True).first()
    response = page.render(
        request,
        template=CONFIRMATION_TEMPLATE,
        context_overrides={
            "enquiry": enquiry,
            "already_sent": enquiry is not None and request.session.get(REPEAT_KEY) is True,
            "held": enquiry_id == HELD,
        },
    )
    add_never_cache_headers(response)
    return response
