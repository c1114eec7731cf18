"""Demo toolkit (see `core.demo`): the platform's three courses (`toolkit_content`), a course of
the MRC de Témiscamingue for municipal staff and elected officials (written by its consortium
administrator, admin.mrc@demo.milieu.test), Gabriel's progress (resident@demo.milieu.test,
Ville-Marie: "Using Milieu" completed, one lesson of the passwords course) and his coaching
request to Ville-Marie. Idempotent: courses are found by `key`, completions and the request are
written once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import User
from milieu.territory.models import Municipality, Region

from .models import CoachingRequest, Course, CourseStatus, Lesson, LessonCompletion
from .toolkit_content import load_platform_courses

REGION_COURSE = {
    "key": "temiscamingue-plan-numerique",
    "title_fr": "Préparer le plan numérique de votre municipalité",
    "title_en": "Preparing your municipality's digital plan",
    "title_es": "Preparar el plan digital de su municipio",
    "summary_fr": "De l'autodiagnostic au plan d'action : la démarche de la MRC.",
    "summary_en": "From the self-diagnostic to the action plan: the MRC's approach.",
    "summary_es": "Del autodiagnóstico al plan de acción: el enfoque de la MRC.",
}
REGION_LESSON = {
    "title_fr": "Du diagnostic au plan",
    "title_en": "From the diagnostic to the plan",
    "title_es": "Del diagnóstico al plan",
    "body_fr": "Remplissez l'autodiagnostic en équipe, puis retenez deux ou trois actions "
    "pour les dimensions les plus faibles.\n\n- Un responsable par action\n- Une date "
    "d'échéance réaliste",
    "body_en": "Fill in the self-diagnostic as a team, then keep two or three actions for the "
    "weakest dimensions.\n\n- One owner per action\n- A realistic due date",
    "body_es": "Complete el autodiagnóstico en equipo y luego elija dos o tres acciones para "
    "las dimensiones más débiles.\n\n- Un responsable por acción\n- Una fecha límite realista",
}


@transaction.atomic
def load() -> list[str]:
    courses = {course.key: course for course in load_platform_courses()}
    lines = [f"  toolkit: {len(courses)} platform courses (/fr/toolkit/)"]
    region = Region.objects.filter(slug="temiscamingue").first()
    admin = User.objects.filter(email="admin.mrc@demo.milieu.test").first()
    if region is not None:
        course, created = Course.objects.get_or_create(
            key=REGION_COURSE["key"],
            defaults={
                **REGION_COURSE,
                "region": region,
                "for_residents": False,
                "for_staff": True,
                "for_elected": True,
                "status": CourseStatus.PUBLISHED,
                "published_at": timezone.now(),
                "created_by": admin,
            },
        )
        if created:
            Lesson.objects.create(course=course, position=1, **REGION_LESSON)
        lines.append("  toolkit: a Témiscamingue course for staff and elected officials")
    resident = User.objects.filter(email="resident@demo.milieu.test").first()
    town = Municipality.objects.filter(slug="ville-marie").first()
    if resident is not None and town is not None:
        lessons = list(courses["using-milieu"].lessons.all())
        lessons += list(courses["passwords-and-scams"].lessons.all())[:1]
        for lesson in lessons:
            LessonCompletion.objects.get_or_create(user=resident, lesson=lesson)
        if not CoachingRequest.objects.filter(user=resident, municipality=town).exists():
            CoachingRequest.objects.create(
                user=resident,
                municipality=town,
                topic="Faire des appels vidéo avec mes petits-enfants et reconnaître les "
                "courriels frauduleux.",
                preferred_time="En semaine, le matin, par téléphone",
            )
        lines.append(
            "  toolkit: resident@demo.milieu.test has progress and a coaching request "
            "(/fr/ville-marie/staff/coaching/)"
        )
    return lines
