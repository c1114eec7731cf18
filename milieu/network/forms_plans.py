"""The plan action's form (its values go to `services_plans`, which checks them again)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dimensions import Dimension
from .models import PlanStatus, Practice, PracticeStatus


class PracticeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} ({obj.municipality.name})"


class PlanActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    dimension = forms.ChoiceField(label=_("Dimension"), choices=Dimension.choices)
    owner = forms.CharField(
        label=_("Owner"),
        max_length=120,
        required=False,
        help_text=_("A role or a person's name, e.g. “Town clerk”."),
    )
    start = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    practices = PracticeChoiceField(
        label=_("Linked practices"),
        queryset=Practice.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        practices = self.fields["practices"]
        assert isinstance(practices, PracticeChoiceField)
        practices.queryset = (
            Practice.objects.filter(
                Q(status=PracticeStatus.PUBLISHED) | Q(municipality=municipality)
            )
            .select_related("municipality")
            .order_by("title")
        )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["practices"] = [p.pk for p in data.get("practices") or []]
        return data
