"""The sign-in forms: the password step (Wagtail's, made password-manager friendly) and the
code steps."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    """Wagtail's login form with the autocomplete tokens password managers look for, and no
    placeholder text standing in for a label (WAGTAILADMIN_USER_LOGIN_FORM)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"].widget.attrs
        username.pop("placeholder", None)
        username.update(autocomplete="username", autocapitalize="none", spellcheck="false")
        password = self.fields["password"].widget.attrs
        password.pop("placeholder", None)
        password["autocomplete"] = "current-password"


class CodeInput(forms.TextInput):
    """A code is never written back into the page (after a wrong one, the box is empty)."""

    def format_value(self, value):
        return None


class CodeStepForm(forms.Form):
    """One `code` field whose hint and error are tied to the input (aria-describedby), as the
    GOV.UK pattern asks, including errors the view adds after checking the code."""

    def full_clean(self) -> None:
        super().full_clean()
        self.describe_code()

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        self.describe_code()

    def describe_code(self) -> None:
        code = self["code"]
        ids = [f"{code.auto_id}-hint"]
        if self._errors and self._errors.get("code"):
            ids.append(f"{code.auto_id}-error")
        self.fields["code"].widget.attrs["aria-describedby"] = " ".join(ids)


class AppCodeForm(CodeStepForm):
    """The 6-digit code an authenticator app shows (spaces and dashes people type are ignored)."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6-digit code your app shows for this site, for example 123456."),
        max_length=20,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
        widget=CodeInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "two-factor-code",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(
                _("Enter the 6 digits from your authenticator app, for example 123456"),
                code="format",
            )
        return code


class RecoveryCodeForm(CodeStepForm):
    """One of the recovery codes shown when the app was set up."""

    code = forms.CharField(
        label=_("Recovery code"),
        help_text=_(
            "One of the codes you were given when you set up your authenticator app. "
            "Each code works once."
        ),
        max_length=40,
        error_messages={"required": _("Enter one of your recovery codes")},
        widget=CodeInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
