"""Forms of the toolkit's pages. They check the shape of what was typed; the services decide,
and their refusals come back on the fields (`core.http.form_error`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CoachingStatus, Course, Lesson
from .services_toolkit import COURSE_FIELDS, LESSON_FIELDS

PLATFORM = ""


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = list(COURSE_FIELDS)
        widgets = {
            f"summary_{code}": forms.Textarea(attrs={"rows": 3}) for code in ("fr", "en", "es")
        }


class NewCourseForm(CourseForm):
    """A new course, for the platform or one of the regions the author writes for."""

    author = forms.ChoiceField(label=_("Written for"), required=False)

    def __init__(self, *args, authors: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = authors  # type: ignore[attr-defined]
        self.order_fields(["author", *COURSE_FIELDS])


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = list(LESSON_FIELDS)
        widgets = {
            **{f"body_{code}": forms.Textarea(attrs={"rows": 8}) for code in ("fr", "en", "es")},
            **{f"choices_{code}": forms.Textarea(attrs={"rows": 3}) for code in ("fr", "en", "es")},
        }
        help_texts = {
            "body_fr": _(
                "Plain text: a blank line between paragraphs, “- ” for a list item, **bold**."
            ),
        }


class AnswerForm(forms.Form):
    answer = forms.TypedChoiceField(label=_("Your answer"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, choices: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = list(enumerate(choices))  # type: ignore[attr-defined]


class CoachingRequestForm(forms.Form):
    topic = forms.CharField(
        label=_("What would you like help with?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: creating my account, video calls with my family, recognising scams."
        ),
    )
    preferred_time = forms.CharField(
        label=_("When do you prefer to be contacted?"),
        max_length=200,
        required=False,
        help_text=_("For example: weekday mornings, by phone."),
    )


class CoachingUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CoachingStatus.choices)
    scheduled_for = forms.DateTimeField(
        label=_("Appointment"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
