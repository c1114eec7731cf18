"""Forms of the proposals part: they shape what people type; the services check it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ProposalStatus
from .models.proposals import ANSWERED_STATUSES, LANGUAGES
from .selectors_proposals import QUEUE_STATES


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title of your idea"), max_length=200)
    body = forms.CharField(
        label=_("Your idea"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What should the city do, where, and why? At least 20 characters."),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES)
    district = forms.TypedChoiceField(
        label=_("District (optional)"), required=False, coerce=int, empty_value=None
    )
    place_name = forms.CharField(
        label=_("Place (optional)"),
        max_length=200,
        required=False,
        help_text=_("A park, a street, a building…"),
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        from milieu.territory.models import District

        districts = District.objects.filter(municipality_id=consultation.municipality_id).order_by(
            "name"
        )
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole municipality")),
            *((d.pk, d.name) for d in districts),
        ]
        if consultation.min_age:
            self.fields["age_confirmed"] = forms.BooleanField(
                label=_("I am at least %(age)s years old.") % {"age": consultation.min_age},
                required=True,
            )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Official status"),
        choices=[
            (ProposalStatus.UNDER_REVIEW.value, ProposalStatus.UNDER_REVIEW.label),
            *((s.value, s.label) for s in ANSWERED_STATUSES),
        ],
    )
    answer = forms.CharField(
        label=_("The city's answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Published on the idea's page, with today's date; its supporters are told."),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the author)"), max_length=500, widget=forms.TextInput
    )


class ListFilterForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("support", _("Most supported")),
            ("newest", pgettext_lazy("sort order", "Newest")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("statuses", "All")), *ProposalStatus.choices],
    )


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=list(
            zip(
                QUEUE_STATES,
                (
                    _("Awaiting the city's answer"),
                    _("Answered"),
                    _("Below the threshold"),
                    pgettext_lazy("proposals", "All"),
                ),
                strict=True,
            )
        ),
    )
    consultation = forms.TypedChoiceField(
        label=_("Call for proposals"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("statuses", "All")), *ProposalStatus.choices],
    )

    def __init__(self, *args, calls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [  # type: ignore[attr-defined]
            ("", pgettext_lazy("calls", "All")),
            *((c.pk, str(c)) for c in calls),
        ]
