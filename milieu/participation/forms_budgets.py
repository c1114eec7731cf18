"""The staff's form of a budget project (the service checks the values again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from milieu.core.mixins import LANGUAGE_CODES

LANGUAGE_NAMES = {"fr": _("French"), "en": _("English"), "es": _("Spanish")}


class BudgetProjectForm(forms.Form):
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_es = forms.CharField(label=_("Title (Spanish)"), max_length=200, required=False)
    description_fr = forms.CharField(
        label=_("Description (French)"), max_length=5000, required=False, widget=forms.Textarea
    )
    description_en = forms.CharField(
        label=_("Description (English)"), max_length=5000, required=False, widget=forms.Textarea
    )
    description_es = forms.CharField(
        label=_("Description (Spanish)"), max_length=5000, required=False, widget=forms.Textarea
    )
    original_language = forms.ChoiceField(
        label=_("Written in"),
        choices=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGE_CODES],
        initial="fr",
    )
    cost = forms.DecimalField(
        label=_("Cost ($)"), min_value=0.01, max_digits=12, decimal_places=2, localize=True
    )
    district = forms.TypedChoiceField(
        label=_("District"), required=False, coerce=int, empty_value=None
    )
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        from milieu.territory.models import District

        districts = list(
            District.objects.filter(municipality=municipality)
            .order_by("name")
            .values_list("pk", "name")
        )
        field = self.fields["district"]
        assert isinstance(field, forms.TypedChoiceField)
        if districts:
            field.choices = [("", _("The whole municipality")), *districts]
        else:
            del self.fields["district"]

    def add_service_errors(self, fields: dict[str, list[str]]) -> None:
        for name, messages in fields.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
