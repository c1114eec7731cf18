"""Listings of objects and services, the exchanges they lead to, and the reviews after them.

A listing is placed on an H3 cell (`core.geo`), never at an address. An exchange runs
requested → accepted (or declined) → handed over (both sides confirm) → for a loan, returned
(both sides confirm) → completed; it can be cancelled before the handover. Each step is a row of
`ExchangeEvent`. A loan holds its days in `LoanDay`, whose unique constraint makes two accepted
loans of the same object on the same day impossible, whatever the timing of the requests.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from milieu.accounts.models import TrustLevel
from milieu.core.pictures import PictureBase
from milieu.core.storage import PrivateStorage


class Category(models.Model):
    """A node of the platform's category tree, named in the three languages. A category can
    require its providers to have a trust level (`screened` for work with children or vulnerable
    people); its children inherit the requirement when theirs is lower."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    slug = models.SlugField(max_length=60, unique=True)
    name_fr = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    name_es = models.CharField(max_length=100)
    for_objects = models.BooleanField(default=True)
    for_services = models.BooleanField(default=False)
    provider_trust = models.PositiveSmallIntegerField(
        choices=TrustLevel.choices, default=TrustLevel.MEMBER
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fr")[:2]
        return getattr(self, f"name_{language}", None) or self.name_fr


class ListingKind(models.TextChoices):
    LEND = "lend", _("Object to lend")
    GIVE = "give", _("Object to give")
    SWAP = "swap", _("Object to swap")
    OFFER_SERVICE = "offer_service", _("Service offered")
    REQUEST_SERVICE = "request_service", _("Service requested")


OBJECT_KINDS = frozenset({ListingKind.LEND, ListingKind.GIVE, ListingKind.SWAP})
SERVICE_KINDS = frozenset({ListingKind.OFFER_SERVICE, ListingKind.REQUEST_SERVICE})


class Condition(models.TextChoices):
    NEW = "new", _("New")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    WORN = "worn", _("Worn but working")


class Terms(models.TextChoices):
    FREE = "free", _("Free")
    SWAP = "swap", _("In exchange for an object")
    BARTER = "barter", _("In exchange for something, in words")
    POINTS = "points", _("For reward points")


MAX_POINTS_ASKED = 10_000


class ListingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Listing(models.Model):
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="listings"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listings"
    )
    kind = models.CharField(max_length=20, choices=ListingKind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="listings")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    language = models.CharField(max_length=8, default="fr")
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, blank=True
    )
    terms = models.CharField(_("terms"), max_length=10, choices=Terms.choices)
    terms_text = models.CharField(_("what you ask in exchange"), max_length=200, blank=True)
    # For `Terms.POINTS`: what the receiving side pays the provider, from wallet to wallet, at
    # the handover (`rewards.services.points_transfer`).
    points = models.PositiveIntegerField(_("points asked"), null=True, blank=True)
    loan_max_days = models.PositiveSmallIntegerField(
        _("longest loan (days)"), null=True, blank=True
    )
    # Where, to within a neighbourhood (`core.geo`): the cell and its coarser parents.
    cell = models.CharField(max_length=16)
    cell_r7 = models.CharField(max_length=16)
    cell_r6 = models.CharField(max_length=16)
    cell_r5 = models.CharField(max_length=16)
    status = models.CharField(
        max_length=10, choices=ListingStatus.choices, default=ListingStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["municipality", "status", "-created_at", "-id"], name="listing_muni_new"
            ),
            models.Index(fields=["owner", "-created_at"], name="listing_owner"),
            models.Index(fields=["cell"], name="listing_cell"),
            models.Index(fields=["cell_r7"], name="listing_cell_r7"),
            models.Index(fields=["cell_r6"], name="listing_cell_r6"),
            models.Index(fields=["cell_r5"], name="listing_cell_r5"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ListingKind]), name="listing_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(loan_max_days__isnull=True) | Q(kind=ListingKind.LEND),
                name="listing_loan_days_only_for_loans",
            ),
            models.CheckConstraint(
                condition=(Q(terms=Terms.POINTS) & Q(points__gte=1))
                | (~Q(terms=Terms.POINTS) & Q(points__isnull=True)),
                name="listing_points_only_for_points",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_loan(self) -> bool:
        return self.kind == ListingKind.LEND

    @property
    def owner_provides(self) -> bool:
        """Whether the owner is the one who gives, lends or serves (all but a service
        requested, where the person who answers provides)."""
        return self.kind != ListingKind.REQUEST_SERVICE


MAX_LISTING_PHOTOS = 4


def listing_photo_path(instance: ListingPhoto, filename: str) -> str:
    return f"exchange/listings/{filename}"


class ListingPhoto(PictureBase):
    """A photo of a listing, re-encoded without its metadata (no GPS position can tell where the
    object is kept: `core.pictures`). Kept in private storage and served by a view that checks
    who may see the listing."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=listing_photo_path, storage=PrivateStorage(), max_length=200)

    class Meta:
        ordering = ["listing", "position", "pk"]
        indexes = [models.Index(fields=["listing", "position"], name="listing_photo_order")]


class ExchangeState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    HANDED_OVER = "handed_over", _("Handed over")
    COMPLETED = "completed", _("Completed")


OPEN_STATES = frozenset({ExchangeState.REQUESTED, ExchangeState.ACCEPTED})
ACTIVE_STATES = frozenset(
    {ExchangeState.REQUESTED, ExchangeState.ACCEPTED, ExchangeState.HANDED_OVER}
)


class Exchange(models.Model):
    """One person's request for a listing, and everything that follows it."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="exchanges")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_requests"
    )
    state = models.CharField(
        max_length=12, choices=ExchangeState.choices, default=ExchangeState.REQUESTED
    )
    message = models.CharField(_("message"), max_length=1000, blank=True)
    # A gift or a swap goes to one person: while one is accepted, no other can be.
    exclusive = models.BooleanField(default=False)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    due_on = models.DateField(_("until"), null=True, blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=300, blank=True)
    # The points agreed when it was asked for (the listing's price then), paid at the handover.
    points = models.PositiveIntegerField(null=True, blank=True)
    handover_code = models.CharField(max_length=32, blank=True)
    owner_handed_over_at = models.DateTimeField(null=True, blank=True)
    requester_handed_over_at = models.DateTimeField(null=True, blank=True)
    owner_returned_at = models.DateTimeField(null=True, blank=True)
    requester_returned_at = models.DateTimeField(null=True, blank=True)
    late_flagged_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requester", "-updated_at"], name="exchange_requester"),
            models.Index(fields=["owner", "-updated_at"], name="exchange_owner"),
            models.Index(fields=["listing", "state"], name="exchange_listing_state"),
            models.Index(fields=["state", "due_on"], name="exchange_state_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True, due_on__isnull=True)
                | Q(
                    starts_on__isnull=False, due_on__isnull=False, due_on__gte=models.F("starts_on")
                ),
                name="exchange_slot_complete",
            ),
            # One open request per person and listing: asking twice is answered by the first.
            models.UniqueConstraint(
                fields=["listing", "requester"],
                condition=Q(state__in=["requested", "accepted", "handed_over"]),
                name="exchange_one_open_per_requester",
            ),
            models.UniqueConstraint(
                fields=["listing"],
                condition=Q(exclusive=True, state__in=["accepted", "handed_over", "completed"]),
                name="exchange_one_taker_of_a_gift_or_swap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing} ← {self.requester_id} ({self.state})"

    @property
    def provider_id(self) -> int:
        return self.owner_id if self.listing.owner_provides else self.requester_id

    @property
    def receiver_id(self) -> int:
        """The side that receives the object or the service, and so holds the handover's code:
        showing it (as a QR code) is their "I received it", and the other side, having scanned
        it, confirms the handover for both."""
        return self.requester_id if self.listing.owner_provides else self.owner_id

    def other_party_id(self, user_id: int) -> int:
        return self.requester_id if user_id == self.owner_id else self.owner_id

    @property
    def was_accepted(self) -> bool:
        """Whether the owner accepted it at some point (a cancelled exchange may have been: then
        its timeline says so)."""
        if self.state in (
            ExchangeState.ACCEPTED,
            ExchangeState.HANDED_OVER,
            ExchangeState.COMPLETED,
        ):
            return True
        return (
            self.state == ExchangeState.CANCELLED and self.events.filter(action="accept").exists()
        )


class LoanDay(models.Model):
    """A day an object is lent out (or promised) by an accepted loan: one row per day, unique
    per listing, so that two loans overlapping by a single day cannot both be accepted."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="loan_days")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "day"], name="loan_day_once_per_listing")
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.day}"


class ExchangeEvent(models.Model):
    """The audit row of a step of an exchange: who, what, from which state to which."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.CharField(max_length=1000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["exchange", "at"], name="exchange_event_at")]

    def __str__(self) -> str:
        return f"{self.exchange_id}: {self.action} ({self.from_state} → {self.to_state})"


class Review(models.Model):
    """What one side of a completed exchange says of the other: once per side."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_reviews"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.CharField(_("review"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject", "-created_at"], name="review_subject")]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "author"], name="review_once_per_side"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 on {self.exchange_id}"


class ProblemReason(models.TextChoices):
    NO_SHOW = "no_show", _("The other person did not come")
    NOT_RETURNED = "not_returned", _("Not returned")
    DAMAGED = "damaged", _("Damaged or not as described")
    UNSAFE = "unsafe", _("Unsafe or inappropriate behaviour")
    OTHER = "other", _("Something else")


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("problem", "Open")
    RESOLVED = "resolved", pgettext_lazy("problem", "Resolved")
    DISMISSED = "dismissed", pgettext_lazy("problem", "Dismissed")


class ExchangeProblem(models.Model):
    """A problem one side of an exchange reports to the municipality's staff, who resolve or
    dismiss it with a note that the reporter reads. One open problem per reporter and exchange
    (a database constraint): a second report waits for the first to be closed."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="problems")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("what happened"), max_length=20, choices=ProblemReason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    staff_note = models.TextField(_("note to the reporter"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["municipality", "status", "-created_at"], name="exchange_problem_queue"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "reporter"],
                condition=Q(status="open"),
                name="exchange_problem_one_open_per_reporter",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=[r.value for r in ProblemReason]),
                name="exchange_problem_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProblemStatus]),
                name="exchange_problem_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exchange_id}: {self.reason} ({self.status})"
