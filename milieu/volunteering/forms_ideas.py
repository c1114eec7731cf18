"""Forms of the incubator's pages. They check the shape of what was typed; the services decide
(`services.incubator`), and their refusals are put back on the form (`core.http.form_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import IdeaState, Skill
from .selectors_ideas import PUBLISHED_STATES


def _skill_choices(skills: list[Skill]) -> list[tuple[str, str]]:
    return [(skill.slug, skill.name) for skill in skills]


def _district_choices(districts) -> list[tuple[str, str]]:
    return [("", _("The whole municipality")), *((d.slug, d.name) for d in districts)]


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    need = forms.CharField(
        label=_("The need"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is missing in the neighbourhood, and for whom?"),
    )
    description = forms.CharField(
        label=_("The project"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What would you do, with whom, and where?"),
    )
    help_wanted = forms.CharField(
        label=_("Help wanted"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hands, skills, a place, equipment…"),
    )
    skills_wanted = forms.MultipleChoiceField(
        label=_("Skills wanted"), required=False, widget=forms.CheckboxSelectMultiple
    )
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, skills: list[Skill], districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills_wanted"].choices = _skill_choices(skills)  # type: ignore[attr-defined]
        self.fields["district"].choices = _district_choices(districts)  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), max_length=100, required=False)
    state = forms.ChoiceField(label=pgettext_lazy("project idea", "State"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    adopted = forms.ChoiceField(
        label=_("Adopted by the city"),
        required=False,
        choices=[
            ("", pgettext_lazy("project ideas", "All")),
            ("yes", pgettext_lazy("project idea", "Adopted")),
            ("no", pgettext_lazy("project idea", "Not adopted")),
        ],
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(IdeaState.choices)
        self.fields["state"].choices = [  # type: ignore[attr-defined]
            ("", pgettext_lazy("project idea states", "All")),
            *((state, labels[state]) for state in PUBLISHED_STATES),
        ]
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", pgettext_lazy("districts", "All")),
            *((d.slug, d.name) for d in districts),
        ]

    def adopted_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("adopted") or "")

    def query(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        return {
            name: str(data[name])
            for name in ("q", "state", "district", "adopted")
            if data.get(name)
        }


class HelpOfferForm(forms.Form):
    skills = forms.MultipleChoiceField(
        label=_("Skills you offer"), required=False, widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        label=_("Message to the author"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, skills: list[Skill], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = _skill_choices(skills)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("skills") and not data.get("message"):
            self.add_error("skills", _("Choose a skill or write a message."))
        return data


class PartnerOfferForm(forms.Form):
    """The organisation is any id (the service checks that the reader is on its team): the list
    offers the reader's verified organisations that serve the idea's municipality."""

    organisation = forms.IntegerField(label=_("Organisation"), widget=forms.Select)
    message = forms.CharField(
        label=_("Message to the author"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.choices = [(org.pk, org.name) for org in organisations]


class PartnerDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
    )


class IdeaStateForm(forms.Form):
    state = forms.ChoiceField(
        label=pgettext_lazy("project idea", "State"), choices=IdeaState.choices
    )


class AdoptionForm(forms.Form):
    note = forms.CharField(
        label=_("Note on the adoption"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the city will do: the service in charge, a budget, a date…"),
    )
