"""The toolkit: short courses of lessons written by the platform or a region in three languages,
each learner's progress, and residents' requests for free coaching from their municipality."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milieu.core.mixins import Translated

__all__ = [
    "CoachingRequest",
    "CoachingStatus",
    "Course",
    "CourseStatus",
    "Lesson",
    "LessonCompletion",
]


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Shown:
    """Template helpers: a text field in the reader's language (or the original's) and the
    language it is actually in (for the `lang` attribute)."""

    def shown_language(self, field: str = "title") -> str:
        from django.utils.translation import get_language

        language = (get_language() or "fr")[:2]
        original: str = getattr(self, "original_language", "fr")
        return language if getattr(self, f"{field}_{language}", "") else original

    @property
    def title(self) -> str:
        return self.translated("title")  # type: ignore[attr-defined]

    @property
    def language(self) -> str:
        return self.shown_language("title")


class Course(Shown, Translated):
    """A short course. `region` null: written by the platform for everyone; else by the region's
    consortium administrator for the people of its member municipalities. Audiences say who it
    is for (residents, municipal staff, elected officials); `key` names the courses the platform
    loads itself (`load_toolkit`), so that loading them again updates them."""

    key = models.SlugField(max_length=60, unique=True, null=True, blank=True)
    region = models.ForeignKey(
        "territory.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="toolkit_courses",
    )
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_es = models.TextField(_("summary (Spanish)"), blank=True)
    for_residents = models.BooleanField(_("for residents"), default=True)
    for_staff = models.BooleanField(_("for municipal staff"), default=False)
    for_elected = models.BooleanField(_("for elected officials"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "region"], name="course_status_region")]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.translated("title")

    @property
    def summary(self) -> str:
        return self.translated("summary")

    @property
    def is_published(self) -> bool:
        return self.status == CourseStatus.PUBLISHED

    # With `selectors_toolkit`'s annotations (`lesson_count`, `done_count`): a learner's progress.
    @property
    def percent(self) -> int:
        total = getattr(self, "lesson_count", 0)
        return round(100 * getattr(self, "done_count", 0) / total) if total else 0

    @property
    def is_completed(self) -> bool:
        total = getattr(self, "lesson_count", 0)
        return bool(total) and getattr(self, "done_count", 0) >= total


class Lesson(Shown, Translated):
    """One lesson of a course, in order (`position`). Its body is plain text with a little
    Markdown (paragraphs, `- ` lists, `**bold**`), rendered escaped. An optional quiz: one
    question, its choices one a line (the same order in every language) and the right one's
    number (`quiz_answer`, from 0)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    body_fr = models.TextField(_("text (French)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    body_es = models.TextField(_("text (Spanish)"), blank=True)
    question_fr = models.CharField(_("quiz question (French)"), max_length=300, blank=True)
    question_en = models.CharField(_("quiz question (English)"), max_length=300, blank=True)
    question_es = models.CharField(_("quiz question (Spanish)"), max_length=300, blank=True)
    choices_fr = models.TextField(_("quiz choices (French), one a line"), blank=True)
    choices_en = models.TextField(_("quiz choices (English), one a line"), blank=True)
    choices_es = models.TextField(_("quiz choices (Spanish), one a line"), blank=True)
    quiz_answer = models.PositiveSmallIntegerField(
        _("number of the right choice (from 0)"), null=True, blank=True
    )

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.translated("title")

    @property
    def body_html(self) -> str:
        from milieu.network.toolkit_text import render

        return render(self.translated("body"))

    @property
    def question(self) -> str:
        return self.translated("question")

    @property
    def has_quiz(self) -> bool:
        return self.quiz_answer is not None

    def choices(self, language: str | None = None) -> list[str]:
        text = self.translated("choices", language)
        return [line.strip() for line in text.splitlines() if line.strip()]


class LessonCompletion(models.Model):
    """A learner finished a lesson (and answered its quiz right). A course is completed when all
    of its lessons are."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_completion_once")
        ]
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.lesson_id}"


class CoachingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")


class CoachingRequest(models.Model):
    """A resident asks their municipality for free help with digital tools."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_requests"
    )
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="coaching_requests"
    )
    topic = models.TextField(_("what you would like help with"), max_length=1000)
    preferred_time = models.CharField(
        _("when you prefer to be contacted"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CoachingStatus.choices, default=CoachingStatus.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scheduled_for = models.DateTimeField(_("appointment"), null=True, blank=True)
    note = models.TextField(_("staff note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "status", "-created_at"], name="coaching_queue")
        ]
        verbose_name = _("coaching request")
        verbose_name_plural = _("coaching requests")

    def __str__(self) -> str:
        return f"{self.municipality_id} #{self.pk}"
