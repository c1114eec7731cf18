"""Benchmark data for the toolkit: the platform's three courses (`toolkit_content`), `scaled(40)`
more platform courses (at least 25, so the list has two pages) and `scaled(10)` courses per
region, each of 3 lessons (a quiz on the last), all published; completions for the sample
residents (the harness's sessions: three courses each, the first completed) and `scaled(30)`
completions per 1,000 residents; `scaled(10)` coaching requests per municipality with staff.
Leaves `manifest["toolkit"]`: the course count."""

from __future__ import annotations

from datetime import timedelta

from milieu.core.bench import BenchContext
from milieu.territory.models import Region

from .models import CoachingRequest, Course, CourseStatus, Lesson, LessonCompletion
from .toolkit_content import load_platform_courses

LESSONS = 3


def generate(ctx: BenchContext) -> dict[str, int]:
    if Course.objects.filter(key__startswith="bench-").exists():
        return {}
    rng = ctx.rng("toolkit")
    writer = ctx.writer
    load_platform_courses()
    owners: list[int | None] = [None] * ctx.scaled(40, minimum=25)
    for region_pk in Region.objects.order_by("pk").values_list("pk", flat=True):
        owners += [region_pk] * ctx.scaled(10, minimum=2)
    first_course = writer.reserve(Course, len(owners))
    courses = []
    for index, region_id in enumerate(owners):
        number = index + 1
        staff_only = index % 4 == 3
        published = ctx.now - timedelta(days=number)
        courses.append(
            (
                first_course + index,
                f"bench-{number}",
                region_id,
                "fr",
                f"Cours {number} : le numérique au quotidien",
                f"Course {number}: digital life day to day",
                f"Curso {number}: lo digital en el día a día",
                f"Résumé du cours {number}.",
                f"Summary of course {number}.",
                f"Resumen del curso {number}.",
                not staff_only,
                staff_only or index % 3 == 0,
                index % 5 == 0,
                CourseStatus.PUBLISHED,
                published,
                published,
            )
        )
    writer.insert(
        Course,
        [
            "id",
            "key",
            "region",
            "original_language",
            "title_fr",
            "title_en",
            "title_es",
            "summary_fr",
            "summary_en",
            "summary_es",
            "for_residents",
            "for_staff",
            "for_elected",
            "status",
            "created_at",
            "published_at",
        ],
        courses,
    )
    first_lesson = writer.reserve(Lesson, len(courses) * LESSONS)
    lessons = []
    for c, course in enumerate(courses):
        for position in range(1, LESSONS + 1):
            quiz = position == LESSONS
            lessons.append(
                (
                    first_lesson + c * LESSONS + position - 1,
                    course[0],
                    position,
                    "fr",
                    f"Leçon {position}",
                    f"Lesson {position}",
                    f"Lección {position}",
                    "Un paragraphe.\n\n- un point\n- un autre",
                    "A paragraph.\n\n- a point\n- another",
                    "Un párrafo.\n\n- un punto\n- otro",
                    "Vrai ou faux?" if quiz else "",
                    "True or false?" if quiz else "",
                    "¿Verdadero o falso?" if quiz else "",
                    "Vrai\nFaux" if quiz else "",
                    "True\nFalse" if quiz else "",
                    "Verdadero\nFalso" if quiz else "",
                    0 if quiz else None,
                )
            )
    writer.insert(
        Lesson,
        [
            "id",
            "course",
            "position",
            "original_language",
            "title_fr",
            "title_en",
            "title_es",
            "body_fr",
            "body_en",
            "body_es",
            "question_fr",
            "question_en",
            "question_es",
            "choices_fr",
            "choices_en",
            "choices_es",
            "quiz_answer",
        ],
        lessons,
    )
    resident_courses = [row[0] for row in courses if row[10] and row[2] is None]
    done: set[tuple[int, int]] = set()
    for users in ctx.state.get("sample_residents", {}).values():
        for user_id in users:
            picks = rng.sample(resident_courses, 3)
            for k, course_id in enumerate(picks):
                count = LESSONS if k == 0 else 1
                base = first_lesson + (course_id - first_course) * LESSONS
                done.update((user_id, base + p) for p in range(count))
    for municipality in ctx.state.get("municipalities", []):
        residents = ctx.state.get("residents", {}).get(municipality["id"], [])
        if not residents:
            continue
        for _ in range(ctx.scaled(30 * len(residents) / 1000, minimum=1)):
            course_id = rng.choice(resident_courses)
            lesson = first_lesson + (course_id - first_course) * LESSONS + rng.randrange(LESSONS)
            done.add((rng.choice(residents), lesson))
    first_completion = writer.reserve(LessonCompletion, len(done))
    writer.insert(
        LessonCompletion,
        ["id", "user", "lesson", "completed_at"],
        (
            (first_completion + i, user_id, lesson_id, ctx.now - timedelta(hours=i % 500))
            for i, (user_id, lesson_id) in enumerate(sorted(done))
        ),
    )
    requests = []
    staff = ctx.state.get("staff", {})
    for municipality in ctx.state.get("municipalities", []):
        residents = ctx.state.get("residents", {}).get(municipality["id"], [])
        if not residents or not staff.get(municipality["id"]):
            continue
        for i in range(ctx.scaled(10, minimum=1)):
            status = ("open", "scheduled", "done")[i % 3]
            requests.append(
                (
                    rng.choice(residents),
                    municipality["id"],
                    "Aide pour créer mon compte et utiliser le courriel.",
                    "Le matin",
                    status,
                    ctx.now - timedelta(days=i + 1) if status != "open" else None,
                    ctx.now - timedelta(days=i + 2),
                    ctx.now - timedelta(days=i + 1),
                )
            )
    first_request = writer.reserve(CoachingRequest, len(requests))
    writer.insert(
        CoachingRequest,
        [
            "id",
            "user",
            "municipality",
            "topic",
            "preferred_time",
            "status",
            "scheduled_for",
            "created_at",
            "updated_at",
        ],
        ((first_request + i, *row) for i, row in enumerate(requests)),
    )
    ctx.manifest["toolkit"] = {"courses": len(courses) + 3}
    return {
        "courses": len(courses),
        "lessons": len(lessons),
        "completions": len(done),
        "coaching_requests": len(requests),
    }
