"""Events, their occurrences and registrations, attractions, and private calendar feeds.

An event is published by a city, by one of the verified organisations of the volunteering
module, or by a verified merchant of the rewards program. Its title and description are written in
up to three languages (`original_language` is the one always present). It happens in a
municipality, at a public venue placed on the map (the venue's point is kept, since it is a
public place, with its H3 cell and parents for "within N km"), from `starts_at` to `ends_at` in
its own `time_zone`, and repeats by an RFC 5545 `rrule` (empty for a single date).

Each date of an event is an `Occurrence`, expanded from the rule in the event's local wall time
(so a weekly 19:00 stays at 19:00 across a daylight-saving change) up to a horizon that a daily
task extends. The agenda reads occurrences, which carry their municipality and times so that a
date range is an indexed range scan. An occurrence of an event that takes registrations has a
`capacity` and a `confirmed_count` held under it by a CHECK: a place is taken by one conditional
UPDATE, so two people can never take the last place together; the others wait in arrival order
and the first of them is promoted when a place frees. A confirmed registration has an
unguessable `ticket`, shown as a QR code, which the organiser scans at the door to check the
person in (and the program's attendance points are awarded once).

An attraction is a permanent point of interest of a city (a park, a museum, a trail) with its
weekly opening hours. A `CalendarToken` lets a person subscribe to their own registrations from
any calendar application without logging in; only a random nonce is stored, the token shown to
the person being that nonce and its HMAC under the site's secret key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from milieu.core.mixins import LANGUAGE_CODES as LANGUAGE_CODES
from milieu.core.mixins import Place, Translated

DEFAULT_TIMEZONE = "America/Toronto"


class Category(models.TextChoices):
    CULTURE = "culture", pgettext_lazy("event category", "Culture")
    SPORT = "sport", pgettext_lazy("event category", "Sport")
    FAMILY = "family", pgettext_lazy("event category", "Family")
    TOURISM = "tourism", pgettext_lazy("event category", "Tourism")
    MUNICIPAL = "municipal", pgettext_lazy("event category", "Municipal")


class Publisher(models.TextChoices):
    CITY = "city", pgettext_lazy("event publisher", "The municipality")
    ORGANISATION = "organisation", pgettext_lazy("event publisher", "An organisation")
    MERCHANT = "merchant", pgettext_lazy("event publisher", "A merchant")


class EventStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("event status", "Draft")
    PUBLISHED = "published", pgettext_lazy("event status", "Published")
    CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")


class Access(models.IntegerChoices):
    """Accessibility features, one bit each in `accessibility`."""

    STEP_FREE = 1, _("Step-free access for wheelchairs")
    ADAPTED_TOILETS = 2, _("Adapted toilets")
    HEARING_LOOP = 4, _("Hearing loop")
    SIGN_LANGUAGE = 8, _("Sign-language interpretation")
    QUIET_SPACE = 16, _("Quiet space")
    FREE_COMPANION = 32, _("Free entry for a companion")


ALL_ACCESS = sum(Access.values)


def access_features(mask: int) -> list[Access]:
    return [feature for feature in Access if mask & feature.value]


class Event(Translated, Place):
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("municipality"),
    )
    publisher = models.CharField(
        _("published by"), max_length=12, choices=Publisher.choices, default=Publisher.CITY
    )
    organisation = models.ForeignKey(
        "volunteering.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    merchant = models.ForeignKey(
        "rewards.Merchant", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), max_length=5000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    description_es = models.TextField(_("description (Spanish)"), max_length=5000, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    time_zone = models.CharField(_("time zone"), max_length=50, default=DEFAULT_TIMEZONE)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    rrule = models.CharField(_("repeats (RFC 5545 RRULE)"), max_length=300, blank=True)
    price = models.DecimalField(_("price ($)"), max_digits=8, decimal_places=2, default=0)
    price_note = models.CharField(_("about the price"), max_length=200, blank=True)
    accessibility = models.PositiveSmallIntegerField(_("accessibility"), default=0)
    accessibility_note = models.CharField(
        _("accessibility information"), max_length=500, blank=True
    )
    ticket_url = models.URLField(_("tickets"), blank=True)
    audio_guide_url = models.URLField(_("audio guide"), blank=True)
    ar_url = models.URLField(_("augmented-reality content"), blank=True)
    registration_required = models.BooleanField(_("registration required"), default=False)
    capacity = models.PositiveIntegerField(_("places per date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    cancel_reason = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    expanded_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["municipality", "status", "starts_at"], name="event_muni_status"),
            models.Index(fields=["organisation", "status"], name="event_organisation"),
            models.Index(fields=["merchant", "status"], name="event_merchant"),
            models.Index(fields=["status", "expanded_until"], name="event_expansion"),
            models.Index(fields=["cell_r5"], name="event_cell_r5"),
            models.Index(fields=["cell_r6"], name="event_cell_r6"),
            models.Index(fields=["cell_r7"], name="event_cell_r7"),
            models.Index(fields=["cell"], name="event_cell"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after"
            ),
            models.CheckConstraint(
                condition=(
                    Q(publisher="city") & Q(organisation__isnull=True, merchant__isnull=True)
                )
                | (
                    Q(publisher="organisation")
                    & Q(organisation__isnull=False, merchant__isnull=True)
                )
                | (Q(publisher="merchant") & Q(merchant__isnull=False, organisation__isnull=True)),
                name="event_one_publisher",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="event_price_not_negative"),
            models.CheckConstraint(
                condition=Q(registration_required=False)
                | Q(capacity__isnull=True)
                | Q(capacity__gt=0),
                name="event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.translated("title")

    @property
    def description(self) -> str:
        return self.translated("description")

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def access_features(self) -> list[Access]:
        return access_features(self.accessibility)

    @property
    def publisher_name(self) -> str:
        if self.publisher == Publisher.ORGANISATION and self.organisation is not None:
            return self.organisation.name
        if self.publisher == Publisher.MERCHANT and self.merchant is not None:
            return self.merchant.name
        return self.municipality.name


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("occurrence status", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("occurrence status", "Cancelled")


class Occurrence(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=OccurrenceStatus.choices, default=OccurrenceStatus.SCHEDULED
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)
    confirmed_count = models.PositiveIntegerField(default=0)
    waiting_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["starts_at", "municipality"], name="occurrence_agenda"),
            models.Index(fields=["municipality", "starts_at"], name="occurrence_city_agenda"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "starts_at"], name="occurrence_unique_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(confirmed_count__lte=F("capacity")),
                name="occurrence_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="occurrence_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed_count)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed_count >= self.capacity


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
    WAITLISTED = "waitlisted", pgettext_lazy("registration status", "On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")


class Registration(models.Model):
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    ticket = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["queued_at", "pk"]
        indexes = [
            models.Index(fields=["occurrence", "status", "queued_at"], name="registration_queue"),
            models.Index(fields=["user", "status"], name="registration_user"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="registration_once"),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="registration_checked_in_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.occurrence_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


class AttractionKind(models.TextChoices):
    PARK = "park", _("Park")
    MUSEUM = "museum", _("Museum")
    TRAIL = "trail", _("Trail")
    HERITAGE = "heritage", _("Heritage site")
    BEACH = "beach", _("Beach")
    SPORTS = "sports", _("Sports centre")
    OTHER = "other", _("Other")


class Attraction(Translated, Place):
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="attractions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttractionKind.choices)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), max_length=5000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    description_es = models.TextField(_("description (Spanish)"), max_length=5000, blank=True)
    # {"mon": [["09:00", "17:00"]], ...}: the weekly opening hours, in the municipality's time
    # (`hours.py`); days absent are closed; empty means always open (a park, a trail).
    hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    hours_note = models.CharField(_("about the hours"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_free = models.BooleanField(_("free entry"), default=True)
    accessibility = models.PositiveSmallIntegerField(_("accessibility"), default=0)
    accessibility_note = models.CharField(
        _("accessibility information"), max_length=500, blank=True
    )
    audio_guide_url = models.URLField(_("audio guide"), blank=True)
    ar_url = models.URLField(_("augmented-reality content"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["municipality", "name_fr", "pk"]
        verbose_name = _("attraction")
        verbose_name_plural = _("attractions")
        indexes = [
            models.Index(fields=["municipality", "published", "kind"], name="attraction_list"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.translated("name")

    @property
    def description(self) -> str:
        return self.translated("description")

    @property
    def access_features(self) -> list[Access]:
        return access_features(self.accessibility)


class CalendarToken(models.Model):
    """The secret of a person's private feed of registrations; only its nonce is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar token of {self.user_id}"
