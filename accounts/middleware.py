"""Every admin page needs a verified second factor, except signing in and out and the second
step itself; a signed-in session ends at its limits (accounts.session_limits)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from accounts import second_factor, session_limits
from accounts.views import second_step

# Wagtail's editor calls these by itself while its tab is open: not the person's activity.
BACKGROUND_NAMESPACES = {"wagtailadmin_editing_sessions"}

# The admin URLs a signed-in person may reach before the second step.
OPEN_BEFORE_SECOND_STEP = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "accounts_two_factor_code",
    "accounts_two_factor_recovery",
    "accounts_two_factor_setup",
}


class SecondFactorRequiredMiddleware:
    """After django-otp's OTPMiddleware: an admin user whose session is not verified by a
    device is sent to the code step (or to set up an app, the first time)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.must_verify_first(request):
            going_to = (
                request.get_full_path() if request.method == "GET" else reverse("wagtailadmin_home")
            )
            return redirect(second_step(request.user, going_to))
        return self.get_response(request)

    @staticmethod
    def must_verify_first(request: HttpRequest) -> bool:
        if not in_the_admin(request):
            return False
        user = request.user
        if not second_factor.needs_second_factor(user) or user.is_verified():
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name not in OPEN_BEFORE_SECOND_STEP


class SessionLimitsMiddleware:
    """After MessageMiddleware: a signed-in session past its idle time or its lifetime is
    signed out (Django's logout: the whole session goes) and the request carries on as a
    visitor's, so an admin page sends the person to sign in as it does anyone, and the sign-in
    page says why. Elsewhere (the public site) nothing is said: the page is simply public."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)  # no session: nobody signed in, nothing to read
        now = time.time()
        session = request.session
        limit = session_limits.limit_passed(session, now)
        if limit is not None:
            self.sign_out(request, limit)
        elif session_limits.is_signed_in(session) and not self.in_the_background(request):
            session_limits.note_activity(session, now)
        return self.get_response(request)

    @staticmethod
    def sign_out(request: HttpRequest, limit: str) -> None:
        logout(request)
        visitor = AnonymousUser()
        visitor.otp_device = None  # as django-otp's middleware gives every visitor
        visitor.is_verified = lambda: False
        request.user = visitor
        if in_the_admin(request):
            messages.warning(request, session_limits.signed_out_message(limit))

    @staticmethod
    def in_the_background(request: HttpRequest) -> bool:
        if not in_the_admin(request):
            return False
        try:
            return resolve(request.path_info).namespace in BACKGROUND_NAMESPACES
        except Resolver404:
            return False


def in_the_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith(reverse("wagtailadmin_home"))
