"""The fixed lists the community pages offer, translated: interests, languages, a newcomer's
needs, times of the week, reasons for a report. Stored as their keys, shown with `label()`."""

from django.conf import global_settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

INTERESTS = [
    ("arts", _("Arts and crafts")),
    ("books", _("Books and reading")),
    ("cooking", _("Cooking")),
    ("culture", _("Culture and heritage")),
    ("environment", _("Environment")),
    ("family", _("Family and children")),
    ("gardening", _("Gardening")),
    ("games", _("Games")),
    ("languages", _("Languages")),
    ("music", _("Music")),
    ("outdoors", _("Outdoors and nature")),
    ("seniors", _("Seniors")),
    ("sports", _("Sports")),
    ("technology", _("Technology")),
    ("volunteering", _("Volunteering")),
    ("work", _("Work and business")),
]

NEEDS = [
    ("french", _("Practise French")),
    ("employment", _("Find work")),
    ("schooling", _("School and childcare")),
    ("settling", _("Settle in (housing, services, paperwork)")),
    ("friends", _("Make friends")),
]

AVAILABILITY = [
    ("weekday_morning", _("Weekday mornings")),
    ("weekday_afternoon", _("Weekday afternoons")),
    ("weekday_evening", _("Weekday evenings")),
    ("weekend_morning", _("Weekend mornings")),
    ("weekend_afternoon", _("Weekend afternoons")),
    ("weekend_evening", _("Weekend evenings")),
]

REACTIONS = [
    ("like", pgettext_lazy("reaction", "Like")),
    ("thanks", pgettext_lazy("reaction", "Thanks")),
    ("support", pgettext_lazy("reaction", "Support")),
    ("celebrate", pgettext_lazy("reaction", "Celebrate")),
]

# Languages people speak: Django's list (translated by Django's own catalogues), and the
# languages of the territory's First Nations and Inuit that it does not have.
_EXTRA_LANGUAGES = [
    ("alq", _("Algonquin (Anishinaabemowin)")),
    ("atj", _("Atikamekw")),
    ("cr", _("Cree")),
    ("moe", _("Innu-aimun")),
    ("iu", _("Inuktitut")),
    ("wya", _("Wendat")),
    ("tl", _("Tagalog")),
    ("zh", _("Chinese")),
]
_DJANGO_LANGUAGES = [
    (code, _(name)) for code, name in global_settings.LANGUAGES if "-" not in code and code != "io"
]
LANGUAGES = sorted(_DJANGO_LANGUAGES + _EXTRA_LANGUAGES, key=lambda item: item[0])
LANGUAGE_CODES = {code for code, _name in LANGUAGES}

INTEREST_KEYS = {key for key, _label in INTERESTS}
NEED_KEYS = {key for key, _label in NEEDS}
AVAILABILITY_KEYS = {key for key, _label in AVAILABILITY}


def label(choices: list, key: str) -> str:
    """The translated label of `key` in `choices` (the key itself if it is unknown)."""
    for value, name in choices:
        if value == key:
            return str(name)
    return key


def labels(choices: list, keys: list[str]) -> list[str]:
    return [label(choices, key) for key in keys]
