"""Forms of the events pages. They check the shape of what was typed and hand the services plain
values (`values()`); the services decide, and their refusals come back on the fields
(`core.http.form_error`).

The agenda's filters are a GET form whose every field is optional. A position the reader shares
never reaches it: the browser posts `lat`/`lng` once, the view keeps only the H3 cell
(`position_cell`) and the filters carry that cell. The event form builds an RFC 5545 RRULE from a
simple picker (none, daily, weekly on some days, monthly; a number of dates or a last date), or
takes a rule typed in full in its advanced field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from milieu.core import geo

from . import hours as opening
from . import recurrence, selectors
from .models import (
    DEFAULT_TIMEZONE,
    Access,
    AttractionKind,
    Category,
    Publisher,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DISTANCES_KM = (5, 10, 20, 50)
LONGEST_RANGE = timedelta(days=400)
POSITION = "position"
LANGUAGE_NAMES = {"fr": _("French"), "en": _("English"), "es": _("Spanish")}
WEEKDAYS = (
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
)


def position_cell(data: Mapping[str, Any]) -> str:
    """The H3 cell of the position a browser shared (`lat`, `lng`), or "" when there is none or
    it makes no sense. The coordinates go no further than this function."""
    try:
        return geo.cell_at(float(data.get("lat", "")), float(data.get("lng", "")))
    except (TypeError, ValueError):
        return ""


# --- The agenda's filters -----------------------------------------------------------------------


def _within(km: int) -> str:
    return gettext("Within %(km)s km") % {"km": km}


lazy_within = lazy(_within, str)


class AgendaFilterForm(forms.Form):
    """The agenda's search: when, what, where, how much, which accessibility."""

    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", _("The coming weeks")),
            ("today", _("Today")),
            ("weekend", _("This weekend")),
            ("week", _("Next 7 days")),
            ("dates", _("Between two dates")),
        ],
    )
    start = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=DATE)
    end = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DATE)
    category = forms.MultipleChoiceField(
        label=_("Categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Category.choices,
    )
    city = forms.MultipleChoiceField(
        label=_("Cities"), required=False, widget=forms.CheckboxSelectMultiple
    )
    near = forms.ChoiceField(label=_("Near"), required=False)
    km = forms.TypedChoiceField(
        label=_("Distance"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any distance")),
            # Formatted when shown, in the reader's language (not once, at import).
            *((km, lazy_within(km)) for km in DISTANCES_KM),
        ],
    )
    price = forms.ChoiceField(
        label=_("Price"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", _("Free or paid")),
            ("free", pgettext_lazy("price", "Free")),
            ("paid", _("Paid")),
        ],
    )
    access = forms.TypedMultipleChoiceField(
        label=_("Accessibility"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=Access.choices,
    )
    cell = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        municipalities: Sequence,
        region: bool,
        time_zone: str = DEFAULT_TIMEZONE,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.municipalities = {m.slug: m for m in municipalities}
        self.time_zone = time_zone
        self.region = region
        if region:
            self.fields["city"].choices = [(m.slug, m.name) for m in municipalities]  # type: ignore[attr-defined]
        else:
            del self.fields["city"]
        data = self.data if self.is_bound else {}
        near = [("", _("Anywhere"))]
        if geo.is_cell(str(data.get("cell") or "")):
            near.append((POSITION, _("My position (shared)")))
        near += [(m.slug, m.name) for m in municipalities]
        self.fields["near"].choices = near  # type: ignore[attr-defined]

    def clean_cell(self) -> str:
        cell = self.cleaned_data.get("cell") or ""
        return cell if geo.is_cell(cell) else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The second date comes after the first."))
        elif start and end and end - start > LONGEST_RANGE:
            self.add_error("end", _("Choose at most a year at a time."))
        return data

    # What the form asks for, for the selectors.

    def days(self, *, now: datetime | None = None) -> tuple[date, date] | None:
        """The first and last local day asked for, or `None` for the coming weeks."""
        data = getattr(self, "cleaned_data", {})
        now = now or timezone.now()
        today = now.astimezone(recurrence.zone(self.time_zone)).date()
        when = data.get("when") or ""
        if when == "today":
            return today, today
        if when == "weekend":
            return selectors.weekend(now=now, time_zone=self.time_zone)
        if when == "week":
            return today, today + timedelta(days=6)
        start, end = data.get("start"), data.get("end")
        if start or end:
            start = start or today
            return start, end or start + timedelta(days=selectors.AGENDA_DAYS)
        return None

    def origin(self) -> str:
        """The cell distances are counted from: the shared position, or a chosen city's
        centre (the city of a city's agenda when only a distance is asked)."""
        data = getattr(self, "cleaned_data", {})
        near = data.get("near") or ""
        if near == POSITION:
            return data.get("cell") or ""
        municipality = self.municipalities.get(near)
        if municipality is None and data.get("km") and not self.region:
            municipality = next(iter(self.municipalities.values()), None)
        if municipality is None:
            return ""
        return geo.cell_at(municipality.latitude, municipality.longitude)

    def chosen_municipalities(self) -> list:
        data = getattr(self, "cleaned_data", {})
        chosen = set(data.get("city") or [])
        if not chosen:
            return list(self.municipalities.values())
        return [m for slug, m in self.municipalities.items() if slug in chosen]

    def filters(self, *, now: datetime | None = None) -> selectors.AgendaFilters:
        data = getattr(self, "cleaned_data", {})
        days = self.days(now=now)
        if days is None:
            start, end = selectors.default_range(now=now, time_zone=self.time_zone)
        else:
            start, end = selectors.day_range(*days, time_zone=self.time_zone)
        origin = self.origin()
        mask = 0
        for feature in data.get("access") or []:
            mask |= feature
        return selectors.AgendaFilters(
            start=start,
            end=end,
            categories=list(data.get("category") or []),
            near=origin,
            km=data.get("km") if origin else None,
            free={"free": True, "paid": False}.get(data.get("price") or ""),
            accessibility=mask,
        )

    def query(self) -> list[tuple[str, str]]:
        """The applied filters as query parameters (for the "more" link and the position
        form), in the form's order."""
        data = getattr(self, "cleaned_data", {})
        pairs: list[tuple[str, str]] = []
        for name in self.fields:
            value = data.get(name)
            if name in ("start", "end") and value:
                pairs.append((name, value.isoformat()))
            elif isinstance(value, list):
                pairs += [(name, str(item)) for item in value]
            elif value not in (None, ""):
                pairs.append((name, str(value)))
        return pairs


# --- Events -------------------------------------------------------------------------------------


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the event's own wall time: kept naive, so that the service reads
    it in the event's time zone (not the server's)."""

    widget = LOCAL_DATETIME
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for pattern in self.input_formats:
            try:
                return datetime.strptime(str(value).strip(), pattern)
            except ValueError:
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def _publisher_value(event) -> str:
    if event.publisher == Publisher.ORGANISATION:
        return f"organisation:{event.organisation_id}"
    if event.publisher == Publisher.MERCHANT:
        return f"merchant:{event.merchant_id}"
    return Publisher.CITY


def publisher_choices(*, city: bool, organisations, merchants, current=None) -> list:
    """Who may publish the event: the city (its staff), an organisation or a merchant of the
    actor's; on an edit, the event's publisher stays a choice."""
    choices: list[tuple[str, Any]] = []
    if city:
        choices.append((Publisher.CITY, Publisher.CITY.label))
    for organisation in organisations:
        choices.append((f"organisation:{organisation.pk}", organisation.name))
    for merchant in merchants:
        choices.append((f"merchant:{merchant.pk}", merchant.name))
    if current is not None:
        value = _publisher_value(current)
        if value not in dict(choices):
            choices.insert(0, (value, current.publisher_name))
    return choices


class DescriptionsForm(forms.Form):
    """A description in each of the three languages, and the one it was first written in: the
    fields the event and attraction forms share."""

    description_fr = forms.CharField(
        label=_("Description in French"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    description_es = forms.CharField(
        label=_("Description in Spanish"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    original_language = forms.ChoiceField(
        label=_("Written first in"), choices=list(LANGUAGE_NAMES.items())
    )


class EventForm(DescriptionsForm):
    publisher = forms.ChoiceField(label=_("Published by"))
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    title_es = forms.CharField(label=_("Title in Spanish"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    time_zone = forms.CharField(widget=forms.HiddenInput, initial=DEFAULT_TIMEZONE)
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        required=False,
        widget=forms.RadioSelect,
        initial="",
        choices=[
            ("", _("Does not repeat")),
            ("daily", _("Every day")),
            ("weekly", _("Every week")),
            ("monthly", _("Every month, on the same day")),
        ],
    )
    weekdays = forms.MultipleChoiceField(
        label=_("On these days (every week)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=WEEKDAYS,
    )
    repeat_count = forms.IntegerField(
        label=_("Number of dates"),
        min_value=2,
        max_value=recurrence.MAX_OCCURRENCES,
        required=False,
    )
    repeat_until = forms.DateField(label=_("Or until"), required=False, widget=DATE)
    rrule = forms.CharField(
        label=_("Advanced: repetition rule (RFC 5545 RRULE)"),
        max_length=300,
        required=False,
        help_text=_(
            "For example FREQ=WEEKLY;BYDAY=SA;COUNT=10. When given, it replaces the choice above."
        ),
    )
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    price = forms.DecimalField(
        label=_("Price ($)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=0,
        help_text=_("0 when free."),
    )
    price_note = forms.CharField(label=_("About the price"), max_length=200, required=False)
    accessibility = forms.TypedMultipleChoiceField(
        label=_("Accessibility"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=Access.choices,
    )
    accessibility_note = forms.CharField(
        label=_("Accessibility information"), max_length=500, required=False
    )
    ticket_url = forms.URLField(label=_("Tickets (web address)"), required=False)
    audio_guide_url = forms.URLField(label=_("Audio guide (web address)"), required=False)
    ar_url = forms.URLField(label=_("Augmented-reality content (web address)"), required=False)
    registration_required = forms.BooleanField(label=_("People register to come"), required=False)
    capacity = forms.IntegerField(
        label=_("Places per date"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_(
            "Leave empty for no limit. When every place is taken, people join a waiting list."
        ),
    )

    def __init__(self, *args, publishers: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].choices = publishers  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, event) -> dict[str, Any]:
        tz = recurrence.zone(event.time_zone)
        initial: dict[str, Any] = {
            field: getattr(event, field)
            for field in cls.base_fields
            if hasattr(event, field)
            and field not in ("starts_at", "ends_at", "accessibility", "rrule", "publisher")
        }
        initial["publisher"] = _publisher_value(event)
        initial["starts_at"] = event.starts_at.astimezone(tz).replace(tzinfo=None)
        initial["ends_at"] = event.ends_at.astimezone(tz).replace(tzinfo=None)
        initial["accessibility"] = [str(feature.value) for feature in event.access_features]
        initial.update(rule_picker(event.rrule, tz))
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("repeat") and data.get("repeat_count") and data.get("repeat_until"):
            self.add_error("repeat_until", _("Give a number of dates or a last date, not both."))
        return data

    def built_rule(self) -> str:
        """The RRULE the picker describes (the advanced field wins when it is filled)."""
        data = self.cleaned_data
        typed = (data.get("rrule") or "").strip()
        if typed:
            return typed
        frequency = data.get("repeat") or ""
        if not frequency:
            return ""
        parts = [f"FREQ={frequency.upper()}"]
        if frequency == "weekly" and data.get("weekdays"):
            order = [code for code, _label in WEEKDAYS]
            days = sorted(data["weekdays"], key=order.index)
            parts.append(f"BYDAY={','.join(days)}")
        if data.get("repeat_count"):
            parts.append(f"COUNT={data['repeat_count']}")
        elif data.get("repeat_until"):
            tz = recurrence.zone(data.get("time_zone") or DEFAULT_TIMEZONE)
            last = datetime.combine(data["repeat_until"], time(23, 59, 59)).replace(tzinfo=tz)
            parts.append(f"UNTIL={last.astimezone(UTC):%Y%m%dT%H%M%SZ}")
        return ";".join(parts)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind, _sep, pk = (data.get("publisher") or Publisher.CITY).partition(":")
        values = {
            name: data.get(name)
            for name in self.fields
            if name
            not in ("publisher", "repeat", "weekdays", "repeat_count", "repeat_until", "rrule")
        }
        values["price"] = data.get("price") or 0
        values["accessibility"] = list(data.get("accessibility") or [])
        values["rrule"] = self.built_rule()
        values["publisher"] = kind
        values["organisation"] = pk if kind == Publisher.ORGANISATION else None
        values["merchant"] = pk if kind == Publisher.MERCHANT else None
        return values


def rule_picker(rule: str, tz) -> dict[str, Any]:
    """The picker's fields for a stored rule when it says no more than the picker can, else the
    rule in the advanced field."""
    parts = recurrence.describe(rule)
    frequency = str(parts.get("FREQ", ""))
    simple = (
        frequency in ("DAILY", "WEEKLY", "MONTHLY")
        and set(parts) <= {"FREQ", "BYDAY", "COUNT", "UNTIL"}
        and (frequency == "WEEKLY" or "BYDAY" not in parts)
        and not ("COUNT" in parts and "UNTIL" in parts)
    )
    if not rule:
        return {"repeat": "", "rrule": ""}
    if not simple:
        return {"repeat": "", "rrule": rule}
    picked: dict[str, Any] = {"repeat": frequency.lower(), "rrule": ""}
    if "BYDAY" in parts:
        days = str(parts["BYDAY"]).split(",")
        if not set(days) <= {code for code, _label in WEEKDAYS}:
            return {"repeat": "", "rrule": rule}
        picked["weekdays"] = days
    if "COUNT" in parts:
        picked["repeat_count"] = parts["COUNT"]
    if "UNTIL" in parts:
        try:
            until = datetime.strptime(str(parts["UNTIL"]), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            return {"repeat": "", "rrule": rule}
        picked["repeat_until"] = until.astimezone(tz).date()
    return picked


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the event cancelled? (told to the people registered)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TicketForm(forms.Form):
    ticket = forms.CharField(
        label=_("Ticket code or the address its QR code gives"),
        max_length=500,
        help_text=_("Type or paste it; a scanner that types what it reads works too."),
    )

    def clean_ticket(self) -> str:
        """The ticket itself, from a pasted check-in address (its last part) or the code."""
        value = self.cleaned_data["ticket"].strip()
        return value.rstrip("/").rsplit("/", 1)[-1]


# --- Attractions --------------------------------------------------------------------------------


class AttractionFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of place"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *AttractionKind.choices]  # type: ignore[attr-defined]


class AttractionForm(DescriptionsForm):
    field_order = ["name_fr", "name_en", "name_es"]  # then the descriptions, then the rest

    name_fr = forms.CharField(label=_("Name in French"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    name_es = forms.CharField(label=_("Name in Spanish"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind of place"), choices=AttractionKind.choices)
    hours_note = forms.CharField(label=_("About the hours"), max_length=300, required=False)
    website = forms.URLField(label=_("Website"), required=False)
    is_free = forms.BooleanField(label=_("Free entry"), required=False, initial=True)
    accessibility = forms.TypedMultipleChoiceField(
        label=_("Accessibility"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=Access.choices,
    )
    accessibility_note = forms.CharField(
        label=_("Accessibility information"), max_length=500, required=False
    )
    audio_guide_url = forms.URLField(label=_("Audio guide (web address)"), required=False)
    ar_url = forms.URLField(label=_("Augmented-reality content (web address)"), required=False)
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    published = forms.BooleanField(label=_("Shown to the public"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index, key in enumerate(opening.DAY_KEYS):
            self.fields[f"hours_{key}"] = forms.CharField(
                label=opening.DAY_NAMES[index],
                max_length=100,
                required=False,
                help_text=_("For example 09:00-12:00, 13:00-17:00; empty: closed."),
            )

    @property
    def hour_fields(self) -> list:
        return [self[f"hours_{key}"] for key in opening.DAY_KEYS]

    @property
    def other_fields(self) -> list:
        return [field for field in self if not field.name.startswith("hours_")]

    @classmethod
    def initial_for(cls, attraction) -> dict[str, Any]:
        initial = {
            name: getattr(attraction, name) for name in cls.base_fields if hasattr(attraction, name)
        }
        initial["accessibility"] = [str(f.value) for f in attraction.access_features]
        for key in opening.DAY_KEYS:
            initial[f"hours_{key}"] = opening.format_day(attraction.hours.get(key, []))
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        for key in opening.DAY_KEYS:
            name = f"hours_{key}"
            try:
                opening.parse_day(self.cleaned_data.get(name) or "")
            except ValueError:
                self.add_error(
                    name,
                    _("Give each opening as a start and an end, end after start (09:00-17:00)."),
                )
        return self.cleaned_data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            name: data.get(name) for name in self.base_fields if name not in ("accessibility",)
        }
        values["accessibility"] = list(data.get("accessibility") or [])
        values["hours"] = {
            key: spans
            for key in opening.DAY_KEYS
            if (spans := opening.parse_day(data.get(f"hours_{key}") or ""))
        }
        return values
