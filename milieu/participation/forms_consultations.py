"""Forms of the consultation pages (staff). They check the shape of what was typed and hand the
services plain values (`values()`); the services decide, and their refusals come back on the
fields (`core.http.form_error`)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milieu.accounts.models import TrustLevel

from . import registry
from .models import BallotMode, Consultation, PhaseKind

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LANGUAGES = (("fr", _("French")), ("en", _("English")), ("es", _("Spanish")))
TRUST_CHOICES = [
    (TrustLevel.MEMBER.value, _("Members (email confirmed)")),
    (TrustLevel.RESIDENT.value, _("Verified residents")),
    (TrustLevel.SCREENED.value, _("Screened residents (background check)")),
]


class ConsultationForm(forms.Form):
    """A consultation of one kind: its texts, who may take part, and the kind's phases (a
    phase left empty is not held)."""

    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    title_es = forms.CharField(label=_("Title in Spanish"), max_length=200, required=False)
    description_fr = forms.CharField(
        label=_("Description in French"), max_length=10000, required=False, widget=forms.Textarea
    )
    description_en = forms.CharField(
        label=_("Description in English"), max_length=10000, required=False, widget=forms.Textarea
    )
    description_es = forms.CharField(
        label=_("Description in Spanish"), max_length=10000, required=False, widget=forms.Textarea
    )
    original_language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES)
    district = forms.TypedChoiceField(
        label=_("Limited to the residents of"), required=False, coerce=int, empty_value=None
    )
    ballot_mode = forms.ChoiceField(
        label=_("Ballot"), choices=BallotMode.choices, widget=forms.RadioSelect
    )
    min_trust = forms.TypedChoiceField(
        label=_("Who may take part"), choices=TRUST_CHOICES, coerce=int
    )
    min_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=1, max_value=120)
    support_threshold = forms.IntegerField(
        label=_("Supports that oblige an answer from the city"), required=False, min_value=1
    )
    budget_amount = forms.DecimalField(
        label=_("Budget ($)"), required=False, min_value=1, max_digits=12, decimal_places=2
    )

    def __init__(self, *args, municipality, kind: registry.ConsultationKind, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "original_language": "fr",
            "ballot_mode": BallotMode.OPEN,
            "min_trust": TrustLevel.RESIDENT.value,
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        self.kind = kind
        districts = list(municipality.districts.order_by("name").values_list("pk", "name"))
        cast(forms.ChoiceField, self.fields["district"]).choices = [
            ("", _("The whole municipality")),
            *districts,
        ]
        if not districts:
            del self.fields["district"]
        if PhaseKind.SUBMISSION not in kind.phases:  # calls for proposals
            self.fields.pop("support_threshold", None)
        if PhaseKind.VOTING not in kind.phases:  # participatory budgets
            self.fields.pop("budget_amount", None)
        labels = dict(PhaseKind.choices)
        for phase in kind.phases:
            self.fields[f"{phase}_starts_at"] = forms.DateTimeField(
                label=_("%(phase)s: starts") % {"phase": labels[phase]},
                required=False,
                widget=LOCAL_DATETIME,
            )
            self.fields[f"{phase}_ends_at"] = forms.DateTimeField(
                label=_("%(phase)s: ends") % {"phase": labels[phase]},
                required=False,
                widget=LOCAL_DATETIME,
            )

    @property
    def phase_fields(self) -> list:
        return [field for field in self if field.name.endswith(("_starts_at", "_ends_at"))]

    @property
    def other_fields(self) -> list:
        return [f for f in self if not f.name.endswith(("_starts_at", "_ends_at"))]

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(consultation, name)
            for name in (
                *(f"{f}_{c}" for f in ("title", "description") for c in ("fr", "en", "es")),
                "original_language",
                "ballot_mode",
                "min_trust",
                "min_age",
                "support_threshold",
                "budget_amount",
            )
        }
        initial["district"] = consultation.district_id
        for phase in consultation.phases.all():
            initial[f"{phase.kind}_starts_at"] = timezone.localtime(phase.starts_at)
            initial[f"{phase.kind}_ends_at"] = timezone.localtime(phase.ends_at)
        return initial

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            key: value
            for key, value in data.items()
            if not key.endswith(("_starts_at", "_ends_at"))
        }
        values["kind"] = self.kind.key
        phases = []
        for phase in self.kind.phases:
            starts, ends = data.get(f"{phase}_starts_at"), data.get(f"{phase}_ends_at")
            if starts or ends:
                phases.append({"kind": phase, "starts_at": starts, "ends_at": ends})
        values["phases"] = phases
        return values
