"""Forms of the sharing pages. They check the shape of what was typed; the services decide.

A place is never an address: the listing form offers the municipality's districts and, when the
person asks for it, "my current position", which the browser gives as `lat`/`lng` once and the
view turns into a neighbourhood-sized cell (`position_cell`) before the form sees it: the form
only ever holds a cell, and a page never writes the coordinates back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milieu.accounts.models import TrustLevel
from milieu.core import geo
from milieu.core.pictures import PictureFields
from milieu.territory.models import District, Municipality

from .models import (
    MAX_LISTING_PHOTOS,
    MAX_POINTS_ASKED,
    Category,
    Condition,
    ExchangeState,
    Listing,
    ListingKind,
    ListingPhoto,
    ProblemReason,
    ProblemStatus,
    Terms,
)
from .permissions import required_trust
from .selectors import DISTANCES_KM
from .services import LONGEST_LOAN_DAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
POSITION = "position"
KEEP = "keep"


def position_cell(data: Mapping[str, Any]) -> str:
    """The cell of the position a browser shared (`lat`, `lng`), or "" when there is none or it
    makes no sense. The coordinates go no further than this function."""
    try:
        latitude, longitude = float(data.get("lat", "")), float(data.get("lng", ""))
        return geo.cell_at(latitude, longitude)
    except (TypeError, ValueError):
        return ""


def without_position(data: QueryDict) -> QueryDict:
    """A copy of posted data with the coordinates replaced by their cell (`cell`), for the form
    to validate and, when it is refused, to render without them."""
    cleaned = data.copy()
    cell = position_cell(data)
    for name in ("lat", "lng"):
        cleaned.pop(name, None)
    if cell:
        cleaned["cell"] = cell
    return cleaned


def category_choices(
    categories: Iterable[Category], *, all_label: bool = False
) -> list[tuple[Any, Any]]:
    """The tree as a select's choices: each top category with children is a group whose first
    option is the category itself (`all_label`: "Tools: all", for a filter), the others are plain
    options. Categories whose providers must be screened say so."""
    top: list[Category] = []
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id is None:
            top.append(category)
        else:
            children.setdefault(category.parent_id, []).append(category)

    def label(category: Category) -> str:
        if required_trust(category) >= TrustLevel.SCREENED:
            return str(_("%(name)s (screened providers)") % {"name": category.name})
        return category.name

    choices: list[tuple[Any, Any]] = []
    for parent in top:
        kids = children.get(parent.pk, [])
        if not kids:
            choices.append((parent.slug, label(parent)))
            continue
        first = str(_("%(name)s: all") % {"name": parent.name}) if all_label else label(parent)
        choices.append(
            (parent.name, [(parent.slug, first), *((kid.slug, label(kid)) for kid in kids)])
        )
    return choices


class ListingFilterForm(forms.Form):
    """The listings' search. Every field is optional; `cell` is a position the reader shared
    (already a cell: coordinates never reach a URL)."""

    q = forms.CharField(label=_("Words"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("What"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    km = forms.TypedChoiceField(label=_("Distance"), coerce=int, required=False, empty_value=None)
    available_from = forms.DateField(label=_("Available from"), required=False, widget=DATE)
    available_until = forms.DateField(label=_("Until"), required=False, widget=DATE)
    cell = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.slug: category for category in categories}
        self.fields["kind"].choices = [("", _("Everything")), *ListingKind.choices]  # type: ignore[attr-defined]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *category_choices(categories, all_label=True),
        ]
        self.fields["km"].choices = [  # type: ignore[attr-defined]
            ("", _("Anywhere in the municipality")),
            *((km, _("Within %(km)s km") % {"km": km}) for km in DISTANCES_KM),
        ]
        self.fields["available_from"].help_text = _("For loans: free on every day from…")

    def clean_category(self) -> Category | None:
        slug = self.cleaned_data.get("category") or ""
        return self.categories.get(slug)

    def clean_cell(self) -> str:
        cell = self.cleaned_data.get("cell") or ""
        return cell if geo.is_cell(cell) else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("available_from"), data.get("available_until")
        if bool(start) != bool(end):
            missing = "available_until" if start else "available_from"
            self.add_error(missing, _("Give both dates, or neither."))
        elif start and end and end < start:
            self.add_error("available_until", _("The second date comes after the first."))
        return data

    def query(self, *, cell: str = "") -> dict[str, str]:
        """The applied filters as query parameters (for the pagination links), `cell` included
        when the reader shared a position."""
        data = getattr(self, "cleaned_data", {})
        values = {
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "category": data["category"].slug if data.get("category") else "",
            "km": str(data["km"]) if data.get("km") else "",
            "available_from": data["available_from"].isoformat()
            if data.get("available_from") and data.get("available_until")
            else "",
            "available_until": data["available_until"].isoformat()
            if data.get("available_from") and data.get("available_until")
            else "",
            "cell": cell,
        }
        return {name: value for name, value in values.items() if value}


class ListingForm(PictureFields, forms.Form):
    """A listing's details and photos (`core.pictures.PictureFields`: up to four, each with its
    description; for a listing made before, its photos can be described again or removed). The
    kind is chosen once (`with_kind`), when the listing is made."""

    kind = forms.ChoiceField(
        label=_("What do you list?"), choices=ListingKind.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    condition = forms.ChoiceField(
        label=_("Condition"),
        required=False,
        help_text=_("For objects only."),
    )
    terms = forms.ChoiceField(
        label=_("In exchange"), choices=Terms.choices, widget=forms.RadioSelect, initial="free"
    )
    terms_text = forms.CharField(
        label=_("What you would like in exchange"),
        max_length=200,
        required=False,
        help_text=_("A few words, when you ask for something in exchange."),
    )
    points = forms.IntegerField(
        label=_("Points asked"),
        min_value=1,
        max_value=MAX_POINTS_ASKED,
        required=False,
        help_text=_(
            "When you ask for reward points: the receiving side pays them into your wallet at "
            "the handover."
        ),
    )
    loan_max_days = forms.IntegerField(
        label=_("Longest loan (days)"),
        min_value=1,
        max_value=LONGEST_LOAN_DAYS,
        required=False,
        initial=14,
        help_text=_("For loans only."),
    )
    place = forms.ChoiceField(
        label=_("Where"),
        widget=forms.RadioSelect,
        help_text=_(
            "Neighbours see only how far it is, in whole kilometres: never an address nor an "
            "exact position."
        ),
    )
    cell = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        municipality: Municipality,
        categories: list[Category],
        districts: list[District],
        with_kind: bool = True,
        listing: Listing | None = None,
        photos: Sequence[ListingPhoto] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.listing = listing
        self.add_picture_fields(MAX_LISTING_PHOTOS - len(photos), kept=list(photos))
        self.categories = {category.slug: category for category in categories}
        self.districts = {f"district-{district.pk}": district for district in districts}
        if not with_kind:
            del self.fields["kind"]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a category")),
            *category_choices(categories),
        ]
        self.fields["condition"].choices = [("", _("Not an object")), *Condition.choices]  # type: ignore[attr-defined]
        places: list[tuple[str, Any]] = []
        if listing is not None:
            places.append((KEEP, _("Where it is now")))
        places += [(key, district.name) for key, district in self.districts.items()]
        if not self.districts:
            places.append(("centre", _("The centre of the municipality")))
        places.append((POSITION, _("My current position (to within about 1 km)")))
        self.fields["place"].choices = places  # type: ignore[attr-defined]

    def clean_category(self) -> Category:
        category = self.categories.get(self.cleaned_data.get("category") or "")
        if category is None:
            raise forms.ValidationError(_("Choose a category."))
        return category

    def clean_cell(self) -> str:
        cell = self.cleaned_data.get("cell") or ""
        return cell if geo.is_cell(cell) else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        place = data.get("place")
        if place == POSITION:
            if not data.get("cell"):
                self.add_error(
                    "place",
                    _(
                        "Your position did not reach us: press “Use my position” and allow it, "
                        "or choose a district."
                    ),
                )
        elif place == KEEP and self.listing is not None:
            data["cell"] = self.listing.cell
        elif place in self.districts:
            district = self.districts[place]
            if district.latitude is not None and district.longitude is not None:
                data["cell"] = geo.cell_at(district.latitude, district.longitude)
            else:
                data["cell"] = self._centre()
        elif place == "centre":
            data["cell"] = self._centre()
        return data

    def _centre(self) -> str:
        return geo.cell_at(self.municipality.latitude, self.municipality.longitude)

    def listing_fields(self) -> dict[str, Any]:
        """What the services take (`services.LISTING_FIELDS`)."""
        data = self.cleaned_data
        fields = {
            name: data.get(name)
            for name in (
                "category",
                "title",
                "description",
                "condition",
                "terms",
                "terms_text",
                "points",
                "loan_max_days",
                "cell",
            )
        }
        if "kind" in self.fields:
            fields["kind"] = data.get("kind")
        return fields

    def photo_fields(self) -> dict[str, Any]:
        """The photos sent, described and removed, as `services.listing_update` takes them."""
        return {
            "uploads": self.uploads(),
            "alt_texts": self.alt_texts(),
            "remove_photo_ids": self.removed(),
        }


class RequestForm(forms.Form):
    """Asking for a listing: the days of a loan (`loan`), and a message."""

    starts_on = forms.DateField(label=_("From"), widget=DATE)
    due_on = forms.DateField(label=_("Until (the day you bring it back)"), widget=DATE)
    message = forms.CharField(
        label=_("Message to the owner"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say hello, and when you could meet."),
    )

    def __init__(self, *args, loan: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not loan:
            del self.fields["starts_on"]
            del self.fields["due_on"]
        else:
            tomorrow = timezone.localdate() + timedelta(days=1)
            self.fields["starts_on"].initial = tomorrow
            self.fields["due_on"].initial = tomorrow + timedelta(days=2)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("A word to the other person (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptForm(forms.Form):
    meeting_place = forms.CharField(
        label=_("Where and when to meet"),
        max_length=300,
        required=False,
        help_text=_(
            "Only the two of you see it. A public place is a good idea (a library, a café)."
        ),
    )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did it go? (1: badly, 5: very well)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("A few words (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExchangeFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All")), *ExchangeState.choices]  # type: ignore[attr-defined]


class ProblemForm(forms.Form):
    """A side of an exchange reports a problem to the municipality's staff."""

    reason = forms.ChoiceField(
        label=_("What happened?"), choices=ProblemReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details for the municipality (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the municipality's staff read it, not the other person."),
    )


class ProblemResolveForm(forms.Form):
    """The staff close a problem, with a note that its reporter reads."""

    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ProblemStatus.RESOLVED.value, ProblemStatus.RESOLVED.label),
            (ProblemStatus.DISMISSED.value, ProblemStatus.DISMISSED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the person who reported it"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProblemFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *ProblemStatus.choices]  # type: ignore[attr-defined]
