"""Forms of the newcomers pages. They check the shape of what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import choices
from .models import NewcomerResource


def _languages() -> list[tuple[str, str]]:
    """Every language, by its name in the reader's language."""
    return sorted(((code, str(name)) for code, name in choices.LANGUAGES), key=lambda c: c[1])


LANGUAGE_HELP = _("Hold Ctrl (or Cmd) to choose several on a computer.")


class ResourceFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    language = forms.ChoiceField(label=_("Served in"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *NewcomerResource.Category.choices,
        ]
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("Any language")),
            *_languages(),
        ]


class _ProfileForm(forms.Form):
    """What both profiles share; `districts` are the municipality's (id, name)."""

    interests = forms.MultipleChoiceField(
        label=_("Interests"),
        choices=choices.INTERESTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("When I am available"),
        choices=choices.AVAILABILITY,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    district_id = forms.TypedChoiceField(
        label=_("My district"), coerce=int, required=False, empty_value=None
    )
    about = forms.CharField(
        label=_("A few words about me"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the pairing coordinators read it."),
    )

    def __init__(self, *args, districts: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district_id"].choices = [  # type: ignore[attr-defined]
            ("", _("I do not know / I prefer not to say")),
            *districts,
        ]
        for name in ("languages_spoken", "languages_wanted", "languages"):
            if name in self.fields:
                self.fields[name].choices = _languages()  # type: ignore[attr-defined]


class NewcomerProfileForm(_ProfileForm):
    arrival_date = forms.DateField(
        label=_("Date of my arrival"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For example 2026-03-15."),
    )
    languages_spoken = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=LANGUAGE_HELP,
    )
    languages_wanted = forms.MultipleChoiceField(
        label=_("Languages I want to practise"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=LANGUAGE_HELP,
    )
    needs = forms.MultipleChoiceField(
        label=_("What I am looking for"),
        choices=choices.NEEDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seeking = forms.BooleanField(label=_("I would like a buddy"), required=False)

    field_order = [
        "arrival_date",
        "languages_spoken",
        "languages_wanted",
        "needs",
        "interests",
        "availability",
        "district_id",
        "about",
        "seeking",
    ]


class BuddyProfileForm(_ProfileForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=LANGUAGE_HELP,
    )
    capacity = forms.TypedChoiceField(
        label=_("How many newcomers at a time"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        initial=1,
    )
    active = forms.BooleanField(label=_("Available for new pairings"), required=False)

    field_order = [
        "languages",
        "interests",
        "availability",
        "district_id",
        "capacity",
        "about",
        "active",
    ]


class PairingEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the pairing end?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did it go? (1: badly, 5: very well)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("A short comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProposeForm(forms.Form):
    buddy = forms.TypedChoiceField(
        label=_("Buddy to propose"), coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("A message to both (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, buddies: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buddy"].choices = buddies  # type: ignore[attr-defined]


class ResourceForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=NewcomerResource.Category.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    description_fr = forms.CharField(
        label=_("Description in French"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_es = forms.CharField(
        label=_("Description in Spanish"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages served"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=LANGUAGE_HELP,
    )
    published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = _languages()  # type: ignore[attr-defined]
