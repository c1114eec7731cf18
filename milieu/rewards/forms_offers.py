from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Offer

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class OfferForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, v) for k, v in Offer.Kind.choices if k != Offer.Kind.MUNICIPAL_SERVICE],
    )
    title = forms.CharField(label=_("Title"), max_length=140)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )
    points_price = forms.IntegerField(label=_("Price in points"), min_value=1)
    quantity = forms.IntegerField(label=_("Quantity available"), min_value=1)
    per_person_limit = forms.IntegerField(label=_("Limit per person"), min_value=1, initial=1)
    valid_from = _datetime_field(_("Valid from"))
    valid_until = _datetime_field(_("Valid until"))
    active = forms.BooleanField(label=_("Offered now"), required=False, initial=True)

    def __init__(self, *args, municipal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if municipal:
            del self.fields["kind"]
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["valid_from"].initial = now
        self.fields["valid_until"].initial = now + timedelta(days=30)


class ValidateForm(forms.Form):
    token = forms.CharField(
        label=_("Voucher code"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("Scan the citizen's QR code or paste the code shown under it."),
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("Until (excluded)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] >= cleaned["end"]:
            self.add_error("end", _("The end must come after the start."))
        return cleaned
