from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from milieu.territory.models import Municipality

from .models import EarningRule


class EarningRuleForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=EarningRule.Action.choices)
    points = forms.IntegerField(label=_("Points (per dollar for purchases)"), min_value=0)
    daily_cap = forms.IntegerField(label=_("Daily cap per citizen"), min_value=0, required=False)
    monthly_cap = forms.IntegerField(
        label=_("Monthly cap per citizen"), min_value=0, required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False)


class PurchaseForm(forms.Form):
    merchant = forms.TypedChoiceField(label=_("Business"), coerce=int)
    card_token = forms.CharField(
        label=_("Citizen card code"),
        max_length=4096,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("Scan the card's QR code with a reader, or paste its code."),
    )
    amount = forms.DecimalField(
        label=_("Amount of the purchase ($)"),
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=150)

    def __init__(self, *args, merchants=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["merchant"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.pk, m.name) for m in merchants]


class MerchantRegisterForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name of the business"), max_length=120)
    category = forms.CharField(label=_("Category"), max_length=60)
    address = forms.CharField(label=_("Address"), max_length=200)
    hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities
