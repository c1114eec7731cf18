"""Forms of the residency-verification pages. They only shape input: the services validate."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Verification
from .verification import all_methods


class ClaimAddressForm(forms.Form):
    civic_number = forms.CharField(
        label=_("Civic number"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    street = forms.CharField(
        label=_("Street"),
        max_length=200,
        help_text=_("For example: rue Principale, boulevard Saint-Laurent."),
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        help_text=_("For example: H0H 0H0."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )


class LetterCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code printed on your letter"),
        max_length=20,
        help_text=_("8 letters and digits, for example ABCD-EFGH."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Proof of address"),
        help_text=_("A PDF, JPEG or PNG file of 5 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class RegistryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Civic-address registry (CSV)"),
        help_text=_(
            "First line: civic_number, street, postal_code and, optionally, district (name or "
            "short name of one of your districts)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check the file only (import nothing)"), required=False, initial=True
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required to refuse)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CounterForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the resident's account"))
    note = forms.CharField(
        label=_("Note (documents seen, for example)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssistedAccountForm(forms.Form):
    display_name = forms.CharField(label=_("Resident's name"), max_length=80)
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Optional. Without one, the account cannot log in until an address is added."),
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    note = forms.CharField(
        label=_("Note (documents seen, for example)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent = forms.BooleanField(
        label=_(
            "The resident agrees that the municipality creates this account and manages it "
            "until they take it over."
        ),
        required=False,
    )


class AssistedAccountUpdateForm(forms.Form):
    display_name = forms.CharField(label=_("Resident's name"), max_length=80)
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Leave empty if the resident has none: the account cannot log in."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DecisionFilterForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), required=False)
    status = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All"))]
        + [(value, label) for value, label in Verification.Status.choices if value != "pending"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = [("", _("All")), *((m.key, m.name) for m in all_methods())]
