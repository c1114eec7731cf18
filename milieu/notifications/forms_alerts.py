from django import forms
from django.utils.translation import gettext_lazy as _

from milieu.territory.models import District, Municipality

from .alerts import staff_topics
from .models import Alert

LANGUAGES = (("fr", _("French")), ("en", _("English")), ("es", _("Spanish")))


class AlertForm(forms.ModelForm):
    """Composing an alert. The form checks the shape of what was typed; the rules (topics,
    districts, urgency, the time) are the services' and come back through `form_error`."""

    topic = forms.ChoiceField(label=_("Topic"))
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave every box empty to reach the whole municipality. Only snow removal, waste "
            "collection and urgent advisories can target districts."
        ),
    )
    scheduled_for = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Only to schedule the alert; “Send now” ignores it."),
    )

    class Meta:
        model = Alert
        fields = [
            "topic",
            "urgent",
            "districts",
            "title_fr",
            "body_fr",
            "title_en",
            "body_en",
            "title_es",
            "body_es",
            "scheduled_for",
        ]
        help_texts = {
            "urgent": _(
                "Urgent advisories reach people at once, even during their quiet hours, and "
                "by email too unless they turned it off."
            ),
            "title_en": _("Optional: people who read English get the French text otherwise."),
            "title_es": _("Optional: people who read Spanish get the French text otherwise."),
        }
        widgets = {
            "body_fr": forms.Textarea(attrs={"rows": 6}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
            "body_es": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        topic = self.fields["topic"]
        assert isinstance(topic, forms.ChoiceField)
        topic.choices = [(t.key, t.name) for t in staff_topics()]
        districts = self.fields["districts"]
        assert isinstance(districts, forms.ModelMultipleChoiceField)
        districts.queryset = municipality.districts.order_by("name")
        for code, _name in LANGUAGES:
            for name in (f"title_{code}", f"body_{code}"):
                self.fields[name].widget.attrs["lang"] = code

    def _post_clean(self):
        """No model validation here: the service validates a fresh copy (and says it all)."""

    def language_columns(self):
        """The title and message fields by language, for the three columns of the page."""
        return [
            (code, name, self[f"title_{code}"], self[f"body_{code}"]) for code, name in LANGUAGES
        ]

    def service_fields(self) -> dict:
        """The cleaned data as the services take it (the time goes to `alert_schedule`)."""
        data = dict(self.cleaned_data)
        data.pop("scheduled_for", None)
        return data


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
