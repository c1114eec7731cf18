"""The criterion form of the recognition pages. It checks the shape of what was typed; the
services decide, and their refusals come back on the fields (`core.http.form_error`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from milieu.network import recognition_kinds
from milieu.network.dimensions import Dimension

LANGUAGES = [("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))]


class CriterionForm(forms.Form):
    original_language = forms.ChoiceField(
        label=_("Written first in"), choices=LANGUAGES, initial="fr"
    )
    name_fr = forms.CharField(label=_("Badge name (French)"), max_length=120, required=False)
    name_en = forms.CharField(label=_("Badge name (English)"), max_length=120, required=False)
    name_es = forms.CharField(label=_("Badge name (Spanish)"), max_length=120, required=False)
    description_fr = forms.CharField(
        label=_("Description (French)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_es = forms.CharField(
        label=_("Description (Spanish)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(label=_("What it measures"))
    threshold = forms.FloatField(
        label=_("Threshold"),
        min_value=0,
        help_text=_("A score out of 5 for a maturity score, a percent for a share."),
    )
    dimension = forms.ChoiceField(
        label=_("Dimension"),
        required=False,
        choices=[("", _("(only for the score of one dimension)")), *Dimension.choices],
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = recognition_kinds.choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, criterion) -> dict:
        initial = {
            field: getattr(criterion, field)
            for field in cls.base_fields
            if field not in {"dimension"}
        }
        initial["dimension"] = (criterion.params or {}).get("dimension", "")
        return initial
