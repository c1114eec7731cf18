"""Test data of the toolkit: courses (platform or region) with lessons, a world of two regions
with a town each and the people of the permission matrix."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from milieu.accounts.models import Role, RoleAssignment, User
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.network.models import Course, CourseStatus, Lesson
from milieu.territory.models import Municipality, Region
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

_numbers = count(1)


def course(
    region: Region | None = None,
    *,
    lessons: int = 2,
    quiz: bool = True,
    published: bool = True,
    **kwargs,
) -> Course:
    number = next(_numbers)
    kwargs.setdefault("title_fr", f"Cours {number}")
    kwargs.setdefault("title_en", f"Course {number}")
    kwargs.setdefault("summary_fr", f"Résumé {number}")
    made = Course.objects.create(
        region=region,
        status=CourseStatus.PUBLISHED if published else CourseStatus.DRAFT,
        published_at=timezone.now() if published else None,
        **kwargs,
    )
    for position in range(1, lessons + 1):
        with_quiz = quiz and position == lessons
        Lesson.objects.create(
            course=made,
            position=position,
            title_fr=f"Leçon {position} du cours {number}",
            title_en=f"Lesson {position} of course {number}",
            body_fr="Un paragraphe.\n\n- un point",
            question_fr="Vrai ou faux?" if with_quiz else "",
            choices_fr="Vrai\nFaux" if with_quiz else "",
            quiz_answer=1 if with_quiz else None,
        )
    return made


def consortium_admin(region: Region, *, mfa: bool = True) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.CONSORTIUM_ADMIN, region=region)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def operator() -> User:
    return UserFactory(is_staff=True)


@dataclass
class World:
    region: Region
    other_region: Region
    town: Municipality
    other_town: Municipality
    citizen: User
    other_citizen: User
    staff: User
    other_staff: User
    region_admin: User
    operator: User


def world() -> World:
    region = RegionFactory(slug="temiscamingue", name="MRC de Témiscamingue")
    other_region = RegionFactory()
    town = MunicipalityFactory(
        region=region, slug="ville-marie", name="Ville-Marie", population=2600
    )
    other_town = MunicipalityFactory(region=other_region)
    return World(
        region=region,
        other_region=other_region,
        town=town,
        other_town=other_town,
        citizen=citizen_of(town, display_name="Gabriel"),
        other_citizen=citizen_of(other_town),
        staff=with_role(town, Role.STAFF),
        other_staff=with_role(other_town, Role.STAFF),
        region_admin=consortium_admin(region),
        operator=operator(),
    )
