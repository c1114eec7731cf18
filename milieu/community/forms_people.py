"""Forms of the people part: my community profile, the search form, a translation request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from milieu.territory.models import Municipality

from . import choices
from .models import SearchEntry
from .selectors.search import MAX_QUERY_CHARS
from .services.people import MAX_BIO_CHARS


class ProfileForm(forms.Form):
    handle = forms.CharField(
        label=_("Handle"),
        max_length=41,
        help_text=_(
            "How people mention you (@handle) and the address of your page: 2 to 40 lowercase "
            "letters, digits and dashes."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    bio = forms.CharField(
        label=_("About me"),
        max_length=MAX_BIO_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    interests = forms.MultipleChoiceField(
        label=_("Interests"),
        choices=choices.INTERESTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=choices.LANGUAGES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Choose one or more (Ctrl or ⌘ + click on a computer)."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=MAX_QUERY_CHARS,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Everything")),
            (SearchEntry.Kind.POST, _("Posts")),
            (SearchEntry.Kind.GROUP, _("Groups")),
            (SearchEntry.Kind.PERSON, _("People")),
        ],
    )
    municipality = forms.ChoiceField(label=_("Where"), required=False)

    def __init__(self, *args, municipalities: list[Municipality], **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = {m.slug: m for m in municipalities}
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All my municipalities"))] + [
            (m.slug, m.name) for m in municipalities
        ]

    def clean_municipality(self) -> Municipality | None:
        slug = self.cleaned_data.get("municipality") or ""
        return self.municipalities.get(slug)
