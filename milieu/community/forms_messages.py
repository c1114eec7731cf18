"""Forms of the private conversations: writing to someone (or to a group) and answering."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_CONVERSATION_MEMBERS, MAX_MESSAGE_CHARS
from .services.conversations import MAX_TITLE_CHARS


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NewConversationForm(MessageForm):
    to = forms.CharField(
        label=_("To"),
        max_length=400,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    title = forms.CharField(
        label=_("Title of a group conversation (optional)"),
        max_length=MAX_TITLE_CHARS,
        required=False,
    )
    municipality = forms.ChoiceField(label=_("Municipality of the conversation"), required=False)

    field_order = ["to", "title", "municipality", "body"]

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].help_text = _(
            "The handle of each person, e.g. @marie-tremblay, separated by spaces "
            "(up to %(count)d people in all, you included)."
        ) % {"count": MAX_CONVERSATION_MEMBERS}
        if len(municipalities) > 1:
            field = self.fields["municipality"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "—")] + [(m.slug, m.name) for m in municipalities]
            field.help_text = _(
                "You share several municipalities: its moderators handle reports about it."
            )
        else:
            del self.fields["municipality"]
