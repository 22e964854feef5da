"""The second sign-in step: a code from the person's authenticator app (or a recovery code),
setting the app up the first time, and a superuser's reset for someone who lost theirs.

Codes travel only in POST bodies (never in an address) and are scrubbed from error reports.
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from accounts import second_factor
from accounts.forms import AppCodeForm, RecoveryCodeForm

# Set when the app is confirmed: the next page shows the new recovery codes, once.
SHOW_RECOVERY_CODES = "accounts_show_recovery_codes"
RESET_ACTION = "accounts.reset_second_factor"


def next_url(request: HttpRequest, default: str | None = None) -> str:
    """Where the person was going (a same-site address only), or `default` (the dashboard)."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse("wagtailadmin_home")


def with_next(url_name: str, next_address: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_address})}"


def second_step(user: AbstractBaseUser, going_to: str) -> str:
    """Where someone signed in with their password goes next: the code from their app, or
    setting one up the first time; then on to `going_to`."""
    step = (
        "accounts_two_factor_code"
        if second_factor.authenticator_app(user)
        else "accounts_two_factor_setup"
    )
    return with_next(step, going_to)


def complete_sign_in(request: HttpRequest, device: Device) -> None:
    """The second step passed: a new session key (the signed-in level changed), then
    django-otp's record that this session is verified by this device."""
    request.session.cycle_key()
    django_otp.login(request, device)


def refusal(device: Device) -> str | None:
    """Why the device will not check a code now (django-otp slows down wrong codes), or None."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    until = (details or {}).get("locked_until")
    if until is None:
        return _("Too many wrong codes in a row. Wait a minute, then try again.")
    return _("Too many wrong codes in a row. You can try again from %(time)s.") % {
        "time": time_format(timezone.localtime(until), "H:i:s")
    }


@sensitive_variables("code")
def check_code(request: HttpRequest, form, device: Device, wrong: str) -> bool:
    """Check the form's code against the device, putting the reason on the form when it fails."""
    code = form.cleaned_data["code"]
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        reason = refusal(locked)
        if reason is None and locked.verify_token(code):
            return True
        form.add_error("code", reason or wrong)
    return False


def sign_in_step(request: HttpRequest, template: str, form, **context) -> TemplateResponse:
    return TemplateResponse(request, template, {"form": form, "next": next_url(request), **context})


@sensitive_post_parameters("code")
def app_code(request: HttpRequest) -> HttpResponse:
    """Ask for the code from the person's authenticator app."""
    if request.user.is_verified():
        return redirect(next_url(request))
    device = second_factor.authenticator_app(request.user)
    if device is None:
        return redirect(with_next("accounts_two_factor_setup", next_url(request)))
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wrong = _("The code is not right. Enter the code your app shows now.")
        if check_code(request, form, device, wrong):
            complete_sign_in(request, device)
            return redirect(next_url(request))
    return sign_in_step(request, "accounts/app_code.html", form)


@sensitive_post_parameters("code")
def recovery_code(request: HttpRequest) -> HttpResponse:
    """Sign in with a recovery code instead, when the phone is lost or not to hand."""
    if request.user.is_verified():
        return redirect(next_url(request))
    if second_factor.authenticator_app(request.user) is None:
        return redirect(with_next("accounts_two_factor_setup", next_url(request)))
    device = second_factor.recovery_codes(request.user)
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wrong = _("That is not one of your recovery codes, or it has been used already.")
        if device is None:
            form.add_error("code", wrong)
        elif check_code(request, form, device, wrong):
            complete_sign_in(request, device)
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code, which will not work again. If you "
                    "have lost your phone, ask a superuser to reset your two-factor "
                    "authentication."
                ),
            )
            return redirect(next_url(request))
    return sign_in_step(request, "accounts/recovery_code.html", form)


@sensitive_post_parameters("code")
def setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan the QR code (or type the key), confirm with one code."""
    if second_factor.authenticator_app(request.user) is not None:
        if request.user.is_verified():
            return redirect(next_url(request))
        return redirect(with_next("accounts_two_factor_code", next_url(request)))
    device = second_factor.app_being_set_up(request.user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wrong = _(
            "The code is not right. Check the app shows this site, then enter the code it "
            "shows now."
        )
        if check_code(request, form, device, wrong):
            device.refresh_from_db()
            second_factor.confirm_app(device)
            complete_sign_in(request, device)
            request.session[SHOW_RECOVERY_CODES] = True
            return redirect(with_next("accounts_two_factor_recovery_codes", next_url(request)))
    return sign_in_step(
        request,
        "accounts/setup.html",
        form,
        qr_code=second_factor.qr_code_svg(
            device, _("QR code to add this site to your authenticator app")
        ),
        setup_key=second_factor.setup_key(device),
        issuer=second_factor.issuer(),
    )


def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, shown once, straight after the app was set up."""
    if not request.session.pop(SHOW_RECOVERY_CODES, False):
        return redirect(next_url(request))
    device = second_factor.recovery_codes(request.user)
    codes = [token.token for token in device.token_set.order_by("pk")] if device else []
    return TemplateResponse(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url(request)}
    )


def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """A superuser resets someone else's second factor (a lost phone): they set up a new app at
    their next sign-in. Recorded in the site history."""
    if not request.user.is_superuser:
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=user_id)
    if person.pk == request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        second_factor.reset_second_factor(person)
        log(instance=person, action=RESET_ACTION, user=request.user)
        messages.success(
            request,
            _("Two-factor authentication reset for %(name)s.")
            % {"name": person.get_full_name() or person.get_username()},
        )
        return redirect("wagtailusers_users:index")
    has_app = TOTPDevice.objects.filter(user=person, confirmed=True).exists()
    return TemplateResponse(request, "accounts/reset.html", {"person": person, "has_app": has_app})
