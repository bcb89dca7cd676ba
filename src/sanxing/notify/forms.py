from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class NoticeSettingsForm(forms.Form):
    notice_mode = forms.ChoiceField(
        label=_("E-mail me"),
        choices=[
            ("instant", _("each notice as it comes")),
            ("digest", _("one e-mail a day with the day's notices")),
        ],
        widget=forms.RadioSelect,
    )
    sms_enabled = forms.BooleanField(
        label=_("Also send urgent notices by text message"),
        required=False,
        help_text=_("Only for notices marked urgent, to the mobile number the office holds."),
    )

    def clean_notice_mode(self) -> str:
        value = self.cleaned_data["notice_mode"]
        # The choices mirror User.NoticeMode; fail loudly if the two ever drift apart.
        assert value in get_user_model().NoticeMode.values
        return value
