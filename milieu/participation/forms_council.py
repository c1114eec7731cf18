"""Forms of the council pages. They check the shape of what was typed and hand the services plain
values; the services decide, and their refusals come back on the fields
(`core.http.form_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import QUESTION_MAX_LENGTH, AgendaItem, MeetingKind

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
OTHER = "other"


class QuestionForm(forms.Form):
    agenda_item = forms.ChoiceField(label=_("About"))
    text = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most 1000 characters. Elected officials read it with your display name."),
    )

    def __init__(self, *args, items: list[AgendaItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(item.pk), str(item)) for item in items] + [
            (OTHER, pgettext_lazy("council agenda", "Other business"))
        ]

    def values(self) -> dict[str, Any]:
        item = self.cleaned_data["agenda_item"]
        return {"agenda_item": None if item == OTHER else item, "text": self.cleaned_data["text"]}


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_es = forms.CharField(label=_("Title (Spanish)"), max_length=200, required=False)
    original_language = forms.ChoiceField(
        label=_("Original language"),
        choices=[("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))],
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LOCAL_DATETIME)
    questions_close_at = forms.DateTimeField(
        label=_("Questions close"),
        widget=LOCAL_DATETIME,
        required=False,
        help_text=_("Leave empty: two hours before the start."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    live_stream_url = forms.URLField(
        label=_("Live stream address"), max_length=300, required=False, assume_scheme="https"
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @classmethod
    def initial_of(cls, meeting) -> dict[str, Any]:
        local = timezone.localtime
        return {
            "kind": meeting.kind,
            "title_fr": meeting.title_fr,
            "title_en": meeting.title_en,
            "title_es": meeting.title_es,
            "original_language": meeting.original_language,
            "starts_at": local(meeting.starts_at),
            "questions_close_at": local(meeting.questions_close_at),
            "place": meeting.place,
            "live_stream_url": meeting.live_stream_url,
        }


class AgendaItemForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=12, required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    agenda_item = forms.ChoiceField(label=_("Agenda item"), required=False)
    file = forms.FileField(label=_("PDF file (at most 20 MB)"))

    def __init__(self, *args, items: list[AgendaItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("The whole meeting"))] + [
            (str(item.pk), str(item)) for item in items
        ]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; separate paragraphs with an empty line."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
