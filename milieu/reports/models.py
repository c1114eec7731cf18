"""Problem reports (a pothole, a broken light, graffiti), filed by residents on the web or by
any Open311 GeoReport v2 client, and handled by the municipality's staff.

A municipality offers `ServiceCategory` rows (Open311 "services": a `code` unique in the
municipality, names in three languages, an optional group and keywords, the department that
handles it by default, and extra `attributes` in the GeoReport v2 service-definition shape).
A `Report` has a category, a description, the point of the problem (a public spot, kept with its
H3 cells for "open reports nearby"), an optional street address, and up to three photos (checked
and re-encoded without metadata by `core.pictures`, kept in private storage). Its reporter is an
account (web and API) or nobody (an Open311 client that sent no account), with an optional email
for updates; none of it is ever in a public answer.

Statuses: open, acknowledged, in progress, closed-fixed, closed-not-fixed, duplicate (with
`duplicate_of`). Every change is a `ReportUpdate` row (who, from, to, a note to the reporter or
an internal note), so the history is append-only; the reporter is notified of each public one.
`Open311Client` is an API key for `POST /open311/v2/requests`: only its hash is kept.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from milieu.core.mixins import Place, Translated
from milieu.core.pictures import PictureBase
from milieu.core.storage import PrivateStorage


class ReportStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("report status", "Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("report status", "Acknowledged")
    IN_PROGRESS = "in_progress", pgettext_lazy("report status", "In progress")
    CLOSED_FIXED = "closed_fixed", pgettext_lazy("report status", "Closed: fixed")
    CLOSED_NOT_FIXED = "closed_not_fixed", pgettext_lazy("report status", "Closed: not fixed")
    DUPLICATE = "duplicate", pgettext_lazy("report status", "Duplicate")


OPEN_STATUSES = (ReportStatus.OPEN, ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS)
CLOSED_STATUSES = (ReportStatus.CLOSED_FIXED, ReportStatus.CLOSED_NOT_FIXED, ReportStatus.DUPLICATE)


class ReportSource(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311 client")


class Department(models.Model):
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="report_departments"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="department_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceCategory(Translated):
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="report_categories"
    )
    code = models.SlugField(_("service code"), max_length=60)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True)
    description_fr = models.CharField(_("description (French)"), max_length=500, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=500, blank=True)
    description_es = models.CharField(_("description (Spanish)"), max_length=500, blank=True)
    group = models.CharField(_("group"), max_length=120, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="categories"
    )
    attributes = models.JSONField(_("extra questions"), default=list, blank=True)
    active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="category_code_once")
        ]
        indexes = [models.Index(fields=["municipality", "active"], name="category_muni_active")]

    def __str__(self) -> str:
        return self.translated("name")


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Report(Place):
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="reports"
    )
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="reports")
    description = models.TextField(_("description"), max_length=4000)
    attributes = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    public_note = models.CharField(_("note to the public"), max_length=1000, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    contact_email = models.EmailField(_("email for updates"), blank=True)
    source = models.CharField(max_length=10, choices=ReportSource.choices, default=ReportSource.WEB)
    client = models.ForeignKey(
        "Open311Client", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token)
    requested_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    expected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        indexes = [
            models.Index(
                fields=["municipality", "status", "-requested_at"], name="report_muni_status"
            ),
            models.Index(fields=["municipality", "-requested_at"], name="report_muni_recent"),
            models.Index(fields=["municipality", "-updated_at"], name="report_muni_updated"),
            models.Index(fields=["category", "status", "cell_r7"], name="report_category_cell"),
            models.Index(fields=["reporter", "-requested_at"], name="report_reporter"),
            models.Index(fields=["department", "status"], name="report_department"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="duplicate", duplicate_of__isnull=False)
                | (~Q(status="duplicate") & Q(duplicate_of__isnull=True)),
                name="report_duplicate_has_original",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=False, longitude__isnull=False),
                name="report_has_point",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReportPhoto(PictureBase):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(storage=PrivateStorage(), upload_to="reports/")

    class Meta:
        ordering = ["report", "position"]


class ReportUpdate(models.Model):
    """One step of a report's history (append-only)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status_from = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    status_to = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    internal = models.BooleanField(_("internal note (staff only)"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "created_at", "pk"]
        indexes = [models.Index(fields=["report", "created_at"], name="report_update_history")]

    def __str__(self) -> str:
        return f"#{self.report_id} {self.status_from} → {self.status_to}"


class Open311Client(models.Model):
    """An application allowed to file reports through Open311 (`api_key`); only the key's
    SHA-256 is kept, with its first characters to recognise it."""

    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="open311_clients"
    )
    name = models.CharField(_("application"), max_length=200)
    key_prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
