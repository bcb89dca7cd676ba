from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sanxing.core.net import client_ip
from sanxing.core.throttle import AttemptCounter

PER_ACCOUNT = AttemptCounter("login-account", limit=10, window=15 * 60)
PER_ADDRESS = AttemptCounter("login-address", limit=50, window=15 * 60)


class LoginForm(AuthenticationForm):
    """Django's login form with plain words for the one error everyone meets."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is not right. Check them and try again; "
            "the password is case-sensitive."
        ),
        "inactive": _("This account is switched off. Ask the office to switch it on."),
        "too_many": _(
            "Too many wrong passwords were tried. Wait 15 minutes and try again, or ask the "
            "office to reset your password."
        ),
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["username"].widget.attrs.pop("autofocus", None)

    def clean(self):  # type: ignore[no-untyped-def]
        """Refuse guessing: 10 wrong passwords per account and address, 50 per address, in
        15 minutes (the same limit as the API's token endpoint)."""
        username = str(self.cleaned_data.get("username") or "")
        ip = client_ip(self.request) if self.request is not None else "unknown"
        if PER_ACCOUNT.blocked(username, ip) or PER_ADDRESS.blocked(ip):
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            PER_ACCOUNT.fail(username, ip)
            PER_ADDRESS.fail(ip)
            raise
        PER_ACCOUNT.reset(username, ip)
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
