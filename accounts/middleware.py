"""Every admin page needs a verified second factor, except signing in and out and the second
step itself."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from accounts import second_factor
from accounts.views import second_step

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
        if not request.path_info.startswith(reverse("wagtailadmin_home")):
            return False
        user = request.user
        if not second_factor.needs_second_factor(user) or user.is_verified():
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name not in OPEN_BEFORE_SECOND_STEP
