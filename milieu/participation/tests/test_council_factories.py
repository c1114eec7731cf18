"""Test data of council meetings (helpers, no tests): towns with the module on, their staff,
elected officials and verified residents, and meetings published by the staff."""

from datetime import timedelta
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.accounts.tests.factories_card import resident_of
from milieu.participation import services_council as services
from milieu.participation.demo_council import demo_pdf
from milieu.territory.tests.factories import MunicipalityFactory

_numbers = count(1)


def town(**kwargs):
    number = next(_numbers)
    return MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-conseil-{number}"),
        name=kwargs.pop("name", f"Ville conseil {number}"),
        enabled_modules=list(kwargs.pop("modules", ("council",))),
        **kwargs,
    )


def staff(municipality, **kwargs):
    return with_role(municipality, Role.STAFF, **kwargs)


def elected(municipality, **kwargs):
    return with_role(municipality, Role.ELECTED, **kwargs)


def resident(municipality, **kwargs):
    """A verified resident (a valid citizen id) of `municipality`."""
    return resident_of(municipality, **kwargs).user


def member(municipality, **kwargs):
    """A member of `municipality` without a citizen id (not a verified resident)."""
    return citizen_of(municipality, **kwargs)


def meeting(
    municipality, *, actor=None, publish: bool = True, starts_in=timedelta(days=7), **values
):
    actor = actor or staff(municipality)
    values = {
        "title_fr": f"Séance {next(_numbers)}",
        "starts_at": timezone.now() + starts_in,
        "place": "Hôtel de ville",
        **values,
    }
    created = services.meeting_create(actor=actor, municipality=municipality, values=values)
    if publish:
        created = services.meeting_publish(actor=actor, meeting=created)
    return created


def item(meeting_, title: str = "Point", *, actor=None, number: str = ""):
    actor = actor or staff(meeting_.municipality)
    return services.agenda_item_add(
        actor=actor, meeting=meeting_, values={"title": title, "number": number}
    )


def pdf(name: str = "rapport.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else demo_pdf("Rapport"), "application/pdf"
    )


def held(meeting_, actor):
    """Move the meeting into the past and mark it as held."""
    from milieu.participation.models import Meeting

    past = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting_.pk).update(
        starts_at=past, questions_close_at=past - timedelta(hours=2)
    )
    meeting_.refresh_from_db()
    return services.meeting_mark_held(actor=actor, meeting=meeting_)
