"""Forms of the committees' pages. They check the shape of what was typed; the services decide,
and their refusals come back on the fields (`core.http.form_error`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models_committees import VoteChoice

LANGUAGES = [("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))]


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and dashes; made from the name when left empty."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES, initial="fr")


class SeatForm(forms.Form):
    """The seat of a member municipality and its delegate (one of its staff or administrators)."""

    municipality = forms.TypedChoiceField(label=_("Municipality"), coerce=int)
    delegate = forms.TypedChoiceField(
        label=_("Delegate"),
        coerce=int,
        help_text=_("A staff member or administrator of the municipality."),
    )

    def __init__(self, *args, members=(), candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        delegate = self.fields["delegate"]
        assert isinstance(municipality, forms.ChoiceField)
        assert isinstance(delegate, forms.ChoiceField)
        municipality.choices = [(m.pk, m.name) for m in members]
        delegate.choices = [
            (person.pk, f"{person.display_name} ({town.name})") for town, person in candidates
        ]


class MotionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text of the motion"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES, initial="fr")


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("The vote of your municipality"),
        choices=VoteChoice.choices,
        widget=forms.RadioSelect,
    )


class WeightedVoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Why a vote weighted by population?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
