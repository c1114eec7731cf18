"""Organisations, the missions they recruit for, and the volunteers who answer them.

An organisation is registered by a resident, who becomes its manager, and recruits only once the
staff of its home municipality have verified it (`Organisation.status`). It serves its home
municipality and any others it names. A volunteer's profile says what they can do (skills from
the platform's taxonomy, and free text), when (`weekly_slots`: 7 days x 3 parts of the day, one
bit each, plus one-off dates), in which languages, and whether they agree to be suggested to
organisations (`suggestible`, off until they turn it on). An opportunity asks for skills, a
schedule, a place (a district's cell, never an address) or remote work, a number of places, a
trust level and an end date. An application is pending, then accepted or declined (or withdrawn
by the volunteer); `Opportunity.accepted_count` counts the accepted ones under a CHECK, so two
acceptances can never fill more places than there are. Hours are logged by the volunteer against
an accepted application and confirmed by the organisation; the database refuses a confirmation
by the volunteer themself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from milieu.accounts.models import TrustLevel

DAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
PARTS_OF_DAY = (_("morning"), _("afternoon"), _("evening"))
ALL_SLOTS = (1 << (len(DAYS) * len(PARTS_OF_DAY))) - 1
LANGUAGES = (("fr", _("French")), ("en", _("English")), ("es", _("Spanish")))


def slot_bit(day: int, part: int) -> int:
    """The bit of `weekly_slots` for a day (0 = Monday) and a part of the day (0 = morning)."""
    return 1 << (day * len(PARTS_OF_DAY) + part)


class Skill(models.Model):
    """One entry of the platform's skills taxonomy, named in the three languages."""

    slug = models.SlugField(max_length=60, unique=True)
    name_fr = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    name_es = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fr")[:2]
        return getattr(self, f"name_{language}", None) or self.name_fr


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("organisation status", "Awaiting verification")
    VERIFIED = "verified", pgettext_lazy("organisation status", "Verified")
    SUSPENDED = "suspended", pgettext_lazy("organisation status", "Suspended")


class Organisation(models.Model):
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("home municipality"),
    )
    serves = models.ManyToManyField(
        "territory.Municipality",
        related_name="served_by_organisations",
        blank=True,
        verbose_name=_("also serves"),
    )
    name = models.CharField(_("name"), max_length=150)
    mission = models.TextField(_("mission"), max_length=3000)
    services = models.TextField(_("services"), max_length=3000, blank=True)
    email = models.EmailField(_("contact email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
    )
    status_note = models.CharField(max_length=500, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["municipality", "status", "name"], name="vol_org_muni_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="vol_org_unique_name_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == OrganisationStatus.VERIFIED


class MemberRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    COORDINATOR = "coordinator", _("Coordinator")


class OrganisationMember(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "role", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="vol_member_unique")
        ]
        indexes = [models.Index(fields=["user", "organisation"], name="vol_member_user")]

    def __str__(self) -> str:
        return f"{self.user_id} — {self.role}"


class CellMixin(models.Model):
    """A place as an H3 cell and its parents (`core.geo.cell_columns`), empty when unknown."""

    cell = models.CharField(max_length=15, blank=True, default="")
    cell_r7 = models.CharField(max_length=15, blank=True, default="")
    cell_r6 = models.CharField(max_length=15, blank=True, default="")
    cell_r5 = models.CharField(max_length=15, blank=True, default="")

    class Meta:
        abstract = True


class VolunteerProfile(CellMixin):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="volunteer_profiles"
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="volunteers")
    other_skills = models.CharField(_("other skills"), max_length=300, blank=True)
    interests = models.CharField(_("interests"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    weekly_slots = models.PositiveIntegerField(default=0)
    one_off_dates = models.JSONField(default=list, blank=True)
    suggestible = models.BooleanField(_("suggest me to organisations"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("volunteer profile")
        indexes = [
            models.Index(fields=["municipality", "suggestible"], name="vol_profile_suggestible"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_slots__lte=ALL_SLOTS), name="vol_profile_slots_in_week"
            )
        ]

    def __str__(self) -> str:
        return f"volunteer {self.user_id}"


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("opportunity status", "Draft")
    OPEN = "open", pgettext_lazy("opportunity status", "Open")
    CLOSED = "closed", pgettext_lazy("opportunity status", "Closed")


class Opportunity(CellMixin):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="opportunities"
    )
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="opportunities"
    )
    district = models.ForeignKey(
        "territory.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=5000)
    skills = models.ManyToManyField(Skill, blank=True, related_name="opportunities")
    other_skills = models.CharField(_("other skills"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    weekly_slots = models.PositiveIntegerField(default=0)
    one_off_on = models.DateField(_("on a single day"), null=True, blank=True)
    schedule_note = models.CharField(_("schedule"), max_length=300, blank=True)
    remote = models.BooleanField(_("remote"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    accepted_count = models.PositiveSmallIntegerField(default=0)
    required_trust = models.PositiveSmallIntegerField(
        _("required trust level"), choices=TrustLevel.choices, default=TrustLevel.MEMBER
    )
    ends_on = models.DateField(_("end date"))
    status = models.CharField(
        max_length=8, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("volunteering opportunity")
        verbose_name_plural = _("volunteering opportunities")
        indexes = [
            models.Index(fields=["municipality", "status", "ends_on"], name="vol_opp_muni_open"),
            models.Index(fields=["organisation", "status"], name="vol_opp_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1) & Q(places__lte=500), name="vol_opp_places_range"
            ),
            models.CheckConstraint(
                condition=Q(accepted_count__lte=F("places")), name="vol_opp_not_overfilled"
            ),
            models.CheckConstraint(
                condition=Q(weekly_slots__lte=ALL_SLOTS), name="vol_opp_slots_in_week"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int:
        return max(0, self.places - self.accepted_count)

    def is_open_on(self, today) -> bool:
        return self.status == OpportunityStatus.OPEN and self.ends_on >= today


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("application status", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("application status", "Accepted")
    DECLINED = "declined", pgettext_lazy("application status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")


class VolunteerApplication(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="applications"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_applications"
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    decision_note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "volunteer"], name="vol_application_once"
            )
        ]
        indexes = [
            models.Index(fields=["volunteer", "-created_at"], name="vol_app_volunteer"),
            models.Index(fields=["opportunity", "status"], name="vol_app_opp_status"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} → {self.opportunity_id}"


class HoursStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("hours status", "To be confirmed")
    CONFIRMED = "confirmed", pgettext_lazy("hours status", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("hours status", "Not confirmed")


class HoursLog(models.Model):
    application = models.ForeignKey(
        VolunteerApplication, on_delete=models.CASCADE, related_name="hours"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_hours"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="volunteer_hours"
    )
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=HoursStatus.choices, default=HoursStatus.PENDING
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-worked_on", "-pk"]
        verbose_name = _("hours of volunteering")
        indexes = [
            models.Index(fields=["volunteer", "-worked_on"], name="vol_hours_volunteer"),
            models.Index(fields=["organisation", "status"], name="vol_hours_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="vol_hours_in_a_day"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("volunteer")),
                name="vol_hours_not_self_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.worked_on}"
