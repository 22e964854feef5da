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
from django.utils.cache import add_never_cache_headers

from attribution import capture
from core.http import HttpResponseSeeOther

from . import quarantine
from .forms import NOT_SURE
from .models import Enquiry, EnquiryPage, ReceivedVia
from .public_forms import EnquiryForm
from .services import enquiry_fingerprint, find_enquiry, record_enquiry
from .submissions import PostKind, receive

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


class EnquiryPost(PostKind):
    """An enquiry from the website form."""

    form_name = "enquiry"
    record_class = Enquiry

    def details(self, form: EnquiryForm):
        return form.to_details(consents=form.consents())

    def fingerprint(self, details) -> str:
        return enquiry_fingerprint(details)

    def find(self, details, fingerprint, token):
        return find_enquiry(fingerprint, token)

    def hold(self, details, **kwargs):
        return quarantine.hold_enquiry(details, **kwargs)

    def save(self, details, **kwargs):
        return record_enquiry(details, received_via=ReceivedVia.WEBSITE, **kwargs)


def handle_post(page: EnquiryPage, request: HttpRequest) -> HttpResponse:
    # A new post: the thank-you page must never show the reference of an earlier enquiry.
    request.session.pop(SESSION_KEY, None)
    request.session.pop(REPEAT_KEY, None)
    form = EnquiryForm(request.POST)
    received = receive(request, form, EnquiryPost())
    if received.held:
        return held_response(page, request)
    if received.record is None:
        form.suggest_council()
        return render_form(page, request, form)
    request.session[SESSION_KEY] = received.record.pk
    if not received.created:
        request.session[REPEAT_KEY] = True
    return HttpResponseSeeOther(thank_you_url(page, request))


def held_response(page: EnquiryPage, request: HttpRequest) -> HttpResponse:
    """The same redirect as a success; the thank-you page then says the message is being
    checked (the same words for a held post and a discarded bot's post)."""
    request.session[SESSION_KEY] = HELD
    return HttpResponseSeeOther(thank_you_url(page, request))


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
            "landing_value": capture.landing_value(request),
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
