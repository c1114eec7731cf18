from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

phone_number = RegexValidator(
    r"^\+[1-9]\d{7,14}$", _("Enter the number in international form, e.g. +15145551234.")
)


class DeliverySettings(models.Model):
    """A person's general delivery choices (one row, created with the defaults when needed)."""

    class Digest(models.TextChoices):
        NONE = "none", _("Send each message as it comes")
        DAILY = "daily", _("One email a day")
        WEEKLY = "weekly", _("One email a week")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_settings"
    )
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    digest = models.CharField(
        _("email digest for non-urgent topics"),
        max_length=10,
        choices=Digest.choices,
        default=Digest.NONE,
    )
    sms_number = models.CharField(
        _("mobile number for text messages"),
        max_length=16,
        blank=True,
        validators=[phone_number],
    )

    def __str__(self) -> str:
        return f"{self.user}"


class Preference(models.Model):
    """A person's choice for one topic on one channel; without a row, the topic's default holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    topic = models.CharField(max_length=40)
    channel = models.CharField(max_length=20)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic", "channel"], name="notification_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.topic}/{self.channel}={self.enabled}"


class DistrictFollow(models.Model):
    """Districts whose geotargeted alerts a person receives (besides their home district)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_districts"
    )
    district = models.ForeignKey(
        "territory.District", on_delete=models.CASCADE, related_name="followers"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "district"], name="district_follow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.district}"


class Alert(models.Model):
    """A message staff send to the residents of their municipality (or of some districts)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="alerts"
    )
    topic = models.CharField(_("topic"), max_length=40)
    urgent = models.BooleanField(_("urgent"), default=False)
    title_fr = models.CharField(_("title (French)"), max_length=140)
    title_en = models.CharField(_("title (English)"), max_length=140, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=140, blank=True)
    body_fr = models.TextField(_("message (French)"), max_length=2000)
    body_en = models.TextField(_("message (English)"), max_length=2000, blank=True)
    body_es = models.TextField(_("message (Spanish)"), max_length=2000, blank=True)
    districts = models.ManyToManyField("territory.District", blank=True, related_name="alerts")
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    audience_size = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "-created_at"], name="alert_list")]

    def __str__(self) -> str:
        return self.title_fr

    def text_in(self, language: str) -> tuple[str, str]:
        """Title and body in `language`, falling back to French when not written."""
        title = getattr(self, f"title_{language}", "") or self.title_fr
        body = getattr(self, f"body_{language}", "") or self.body_fr
        return title, body


class Notification(models.Model):
    """One message to one person: the notification centre's item and the parent of deliveries.

    `key` makes `notify` idempotent: the same key for the same person creates nothing new.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(max_length=40)
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_centre"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One notification on one channel: the delivery log. One row per (notification, channel),
    so a retried task finds the row already sent and sends nothing twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        HELD = "held", _("Held for quiet hours")
        DIGEST = "digest", _("Waiting for the digest")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_one_per_channel"
            )
        ]
        indexes = [
            models.Index(fields=["status", "channel"], name="delivery_status"),
            models.Index(fields=["provider_id"], name="delivery_provider_id"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.channel}: {self.status}"
