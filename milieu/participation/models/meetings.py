"""Council meetings: the municipal council's public sittings, independent of consultations.

A meeting (regular or special) has a numbered agenda, documents (PDF files kept in private
storage, served by a view that checks the meeting is published), a live-stream address, and
after the sitting its minutes (plain text, paragraphs separated by blank lines).

Residents of the municipality send questions before the meeting (`questions_close_at`, by
default two hours before the start), on an agenda item or on "other" business: at most
`QUESTIONS_PER_PERSON` per person and meeting, withdrawn by their author before the close. The
public sees only how many questions each item received; the author sees their own; elected
officials and staff read them with their authors' display names, grouped by agenda item. Staff
answer them or reject them with a reason.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from milieu.core.mixins import Translated
from milieu.core.storage import PrivateStorage

__all__ = [
    "QUESTIONS_CLOSE_BEFORE",
    "QUESTIONS_PER_PERSON",
    "QUESTION_MAX_LENGTH",
    "AgendaItem",
    "CitizenQuestion",
    "Meeting",
    "MeetingDocument",
    "MeetingKind",
    "MeetingStatus",
    "QuestionStatus",
]

QUESTIONS_CLOSE_BEFORE = timedelta(hours=2)
QUESTIONS_PER_PERSON = 3
QUESTION_MAX_LENGTH = 1000


class MeetingKind(models.TextChoices):
    REGULAR = "regular", pgettext_lazy("council meeting", "Regular meeting")
    SPECIAL = "special", pgettext_lazy("council meeting", "Special meeting")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("council meeting status", "Draft")
    PUBLISHED = "published", pgettext_lazy("council meeting status", "Published")
    HELD = "held", pgettext_lazy("council meeting status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("council meeting status", "Cancelled")


class QuestionStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("council question status", "Submitted")
    ANSWERED = "answered", pgettext_lazy("council question status", "Answered")
    WITHDRAWN = "withdrawn", pgettext_lazy("council question status", "Withdrawn")
    REJECTED = "rejected", pgettext_lazy("council question status", "Rejected")


class Meeting(Translated):
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="council_meetings",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    live_stream_url = models.URLField(_("live stream"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    questions_close_at = models.DateTimeField(_("questions close"))
    minutes = models.TextField(_("minutes"), max_length=100_000, blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        indexes = [
            models.Index(
                fields=["municipality", "status", "starts_at"], name="meeting_muni_status"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(questions_close_at__lte=models.F("starts_at")),
                name="meeting_questions_close_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.translated("title") or str(self.get_kind_display())

    @property
    def is_public(self) -> bool:
        return self.status != MeetingStatus.DRAFT and self.published_at is not None

    def questions_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == MeetingStatus.PUBLISHED and now < self.questions_close_at

    def minutes_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.minutes.replace("\r\n", "\n").split("\n\n") if p.strip()]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    number = models.CharField(_("number"), max_length=12, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=5000, blank=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        indexes = [models.Index(fields=["meeting", "position"], name="agenda_item_order")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


def meeting_document_path(instance: MeetingDocument, filename: str) -> str:
    return f"council/documents/{filename}"


class MeetingDocument(models.Model):
    """A PDF of the meeting (a report, a by-law draft), optionally for one agenda item; kept in
    private storage and served by a view: public once the meeting is."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        upload_to=meeting_document_path, storage=PrivateStorage(), max_length=200
    )
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title


class CitizenQuestion(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_questions"
    )
    text = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=QuestionStatus.choices,
        default=QuestionStatus.SUBMITTED,
    )
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(_("reason"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("citizen question")
        verbose_name_plural = _("citizen questions")
        indexes = [
            models.Index(fields=["meeting", "status", "agenda_item"], name="question_meeting"),
            models.Index(fields=["author", "meeting"], name="question_author"),
        ]

    def __str__(self) -> str:
        return self.text[:60]
