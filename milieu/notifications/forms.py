import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry
from .models import DeliverySettings, phone_number
from .selectors import ChannelColumn

SEPARATORS = re.compile(r"[\s().\-]")


def normalise_phone(value: str) -> str:
    """'+1 (514) 555-1234' → '+15145551234'; anything else is left for the validator."""
    return SEPARATORS.sub("", value or "")


def grid_field_name(topic: str, channel: str) -> str:
    return f"pref__{topic}__{channel}"


class PreferencesForm(forms.Form):
    """The preferences page: a checkbox per topic-by-channel, the districts followed, quiet hours,
    digest and mobile number. The grid's fields are added per person (`columns`)."""

    districts: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Other districts to follow"),
        queryset=None,  # set per person
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Alerts about snow removal, waste collection and urgent advisories in these "
            "districts reach you too."
        ),
    )
    quiet_start = forms.TimeField(
        label=gettext_lazy("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=gettext_lazy("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy(
            "Emails and text messages wait until the end of your quiet hours; urgent "
            "advisories do not wait. Leave both empty for none."
        ),
    )
    digest = forms.ChoiceField(
        label=gettext_lazy("Email digest for non-urgent topics"),
        choices=DeliverySettings.Digest.choices,
        widget=forms.RadioSelect,
    )
    sms_number = forms.CharField(
        label=gettext_lazy("Mobile number for text messages"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("In international form, e.g. +15145551234."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, columns: list[ChannelColumn], grid, districts, sms: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.fields["districts"].queryset = districts  # type: ignore[attr-defined]
        self.fields["districts"].label_from_instance = (  # type: ignore[attr-defined]
            lambda district: f"{district.name} ({district.municipality.name})"
        )
        if not sms:
            del self.fields["sms_number"]
        for topic in registry.topics():
            for column in columns:
                attrs = (
                    {"aria-describedby": f"channel-{column.key}-reason"} if column.reason else {}
                )
                self.fields[grid_field_name(topic.key, column.key)] = forms.BooleanField(
                    label=_("%(topic)s: %(channel)s")
                    % {"topic": topic.name, "channel": column.name},
                    required=False,
                    initial=grid.get((topic.key, column.key), False),
                    disabled=not column.editable,
                    widget=forms.CheckboxInput(attrs=attrs),
                )

    def clean_sms_number(self) -> str:
        value = normalise_phone(self.cleaned_data.get("sms_number", ""))
        if value:
            phone_number(value)  # ValidationError with the model's clear message
        return value

    def clean(self):
        data = super().clean() or {}
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            self.add_error("quiet_end", _("Give both times, or neither."))
        return data

    def grid_rows(self):
        """The grid for the template: each topic with its bound checkbox per column."""
        return [
            (
                topic,
                [(column, self[grid_field_name(topic.key, column.key)]) for column in self.columns],
            )
            for topic in registry.topics()
        ]

    def choices(self) -> dict[tuple[str, str], bool]:
        """The grid as the person ticked it (editable channels only)."""
        return {
            (topic.key, column.key): bool(self.cleaned_data[grid_field_name(topic.key, column.key)])
            for topic in registry.topics()
            for column in self.columns
            if column.editable
        }

    def delivery_settings(self) -> dict:
        data = self.cleaned_data
        fields = {
            "quiet_start": data["quiet_start"],
            "quiet_end": data["quiet_end"],
            "digest": data["digest"],
        }
        if "sms_number" in self.fields:
            fields["sms_number"] = data["sms_number"]
        return fields
