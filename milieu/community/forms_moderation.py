"""Forms of the moderation pages: reporting, the queue's filters, the moderators' actions and
publishing a netiquette. They check the shape of the input; the services decide the rest."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ModerationAction, Report
from .services.moderation import MAX_DETAILS_CHARS, MAX_NETIQUETTE_CHARS, MAX_REASON_CHARS


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        help_text=_("What should the moderators know? Only they will read it."),
        max_length=MAX_DETAILS_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    municipality = forms.ChoiceField(label=_("Moderators of which municipality?"), required=False)

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(municipalities) > 1:
            field = self.fields["municipality"]
            assert isinstance(field, forms.ChoiceField)
            field.required = True
            field.choices = [("", "—")] + [(m.slug, m.name) for m in municipalities]
        else:
            del self.fields["municipality"]


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Report.Status.choices], required=False
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("All")), *Report.Reason.choices], required=False
    )


class ActionForm(forms.Form):
    """One moderator's decision (the page shows one small form per possible action)."""

    action = forms.ChoiceField(choices=ModerationAction.Action.choices, widget=forms.HiddenInput)
    target = forms.CharField(max_length=40, widget=forms.HiddenInput)
    report_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason shown to the person"),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    until = forms.DateField(
        label=_("Until (last day included; leave empty for no end)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def until_moment(self) -> datetime | None:
        """The end of the suspension: the end of the chosen day, in the local time zone."""
        day = self.cleaned_data.get("until")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class NetiquettePublishForm(forms.Form):
    text_fr = forms.CharField(
        label=_("Netiquette in French"),
        max_length=MAX_NETIQUETTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "fr"}),
    )
    text_en = forms.CharField(
        label=_("Netiquette in English (optional)"),
        max_length=MAX_NETIQUETTE_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "en"}),
    )
    text_es = forms.CharField(
        label=_("Netiquette in Spanish (optional)"),
        max_length=MAX_NETIQUETTE_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "es"}),
    )
