"""The reports services: departments and categories with their extra questions, filing a report
(checks, point, answers, photos without metadata, rate limit), handling it (status, duplicate,
department, notes, each a step of its history that tells the reporter when public), and the
Open311 keys."""

from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from milieu.core.errors import ApplicationError, Conflict, PermissionDenied, RateLimited
from milieu.notifications.models import Notification
from milieu.reports import services
from milieu.reports.models import (
    Department,
    Open311Client,
    Report,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    ServiceCategory,
)

from .factories import (
    MAGOG,
    attributes,
    category,
    member,
    offset,
    photo,
    report,
    staff,
    town,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def linked(monkeypatch):
    """Notifications link to a page that exists without the reports' pages."""
    monkeypatch.setattr(
        services,
        "report_link",
        lambda report: (
            "territory:municipality_home",
            {"municipality_slug": report.municipality.slug},
        ),
    )


def files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def fields_of(error: ApplicationError) -> dict:
    return error.extra["fields"]


# --- Departments and categories -------------------------------------------------------------------


def test_staff_create_and_rename_a_department():
    city = town()
    clerk = staff(city)
    roads = services.department_create(actor=clerk, municipality=city, name="Travaux publics")
    services.department_update(
        actor=clerk, department=roads, name="Voirie", email="voirie@ville.ca"
    )
    roads.refresh_from_db()
    assert (roads.name, roads.email) == ("Voirie", "voirie@ville.ca")


def test_a_department_name_is_unique_in_its_municipality():
    city = town()
    clerk = staff(city)
    services.department_create(actor=clerk, municipality=city, name="Voirie")
    with pytest.raises(ApplicationError) as error:
        services.department_create(actor=clerk, municipality=city, name="voirie")
    assert list(fields_of(error.value)) == ["name"]
    assert Department.objects.filter(municipality=city).count() == 1


def test_a_category_keeps_its_checked_extra_questions_in_order():
    city = town()
    created = category(city, attributes=list(reversed(attributes())))
    assert [a["code"] for a in created.attributes] == ["size", "depth", "sides", "seen", "more"]
    assert created.attributes[0] == {
        "code": "size",
        "datatype": "singlevaluelist",
        "required": True,
        "description": "How big is it?",
        "order": 1,
        "variable": True,
        "values": [{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
    }
    assert created.original_language == "fr"


@pytest.mark.parametrize(
    "bad",
    [
        [{"code": "x", "datatype": "colour", "description": "?"}],
        [{"code": "bad code", "datatype": "string", "description": "?"}],
        [{"code": "x", "datatype": "string", "description": ""}],
        [{"code": "x", "datatype": "singlevaluelist", "description": "?", "values": []}],
        [
            {"code": "x", "datatype": "string", "description": "?"},
            {"code": "x", "datatype": "text", "description": "?"},
        ],
        "not a list",
    ],
)
def test_a_category_with_a_bad_extra_question_is_refused(bad):
    city = town()
    with pytest.raises(ApplicationError) as error:
        category(city, attributes=bad)
    assert list(fields_of(error.value)) == ["attributes"]
    assert ServiceCategory.objects.filter(municipality=city).count() == 0


def test_a_category_code_is_unique_and_needs_a_name():
    city = town()
    clerk = staff(city)
    category(city, actor=clerk, code="graffiti")
    with pytest.raises(ApplicationError) as error:
        category(city, actor=clerk, code="graffiti")
    assert list(fields_of(error.value)) == ["code"]
    with pytest.raises(ApplicationError) as error:
        category(city, actor=clerk, code="other", name_fr="", name_en="")
    assert list(fields_of(error.value)) == ["name_fr"]


def test_a_category_takes_only_a_department_of_its_municipality():
    city, elsewhere = town(), town()
    theirs = services.department_create(actor=staff(elsewhere), municipality=elsewhere, name="X")
    with pytest.raises(ApplicationError) as error:
        category(city, department=theirs.pk)
    assert list(fields_of(error.value)) == ["department"]


def test_a_category_update_keeps_what_is_not_given():
    city = town()
    clerk = staff(city)
    created = category(city, actor=clerk, code="lights", group="Rues")
    services.category_update(actor=clerk, category=created, values={"active": False})
    created.refresh_from_db()
    assert (created.code, created.group, created.active) == ("lights", "Rues", False)


def test_a_member_cannot_create_a_category():
    city = town()
    with pytest.raises(PermissionDenied):
        category(city, actor=member(city))
    assert ServiceCategory.objects.count() == 0


# --- Filing a report ------------------------------------------------------------------------------


def test_a_member_files_a_report_placed_with_its_cells_and_its_department():
    city = town()
    clerk = staff(city)
    roads = services.department_create(actor=clerk, municipality=city, name="Voirie")
    pothole = category(city, actor=clerk, department=roads.pk)
    person = member(city)
    filed = report(city, actor=person, category_=pothole, address="12 rue Principale")
    assert filed.status == ReportStatus.OPEN
    assert (filed.reporter, filed.department, filed.source) == (person, roads, ReportSource.WEB)
    assert filed.cell and filed.cell_r7 and filed.cell_r6 and filed.cell_r5
    assert filed.address == "12 rue Principale"
    [first] = ReportUpdate.objects.filter(report=filed)
    assert (first.status_from, first.status_to, first.author) == ("", "open", person)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"category": "nope"}, "category"),
        ({"description": "  "}, "description"),
        ({"latitude": None, "longitude": None}, "latitude"),
        ({"latitude": "north"}, "latitude"),
        ({"latitude": MAGOG[0], "longitude": MAGOG[1]}, "latitude"),
        ({"contact_email": "not an email"}, "contact_email"),
    ],
)
def test_a_report_with_a_bad_value_is_refused_and_nothing_is_saved(values, field):
    city = town()
    pothole = category(city)
    with pytest.raises(ApplicationError) as error:
        report(city, category_=pothole, **values)
    assert list(fields_of(error.value)) == [field]
    assert Report.objects.count() == 0
    assert ReportUpdate.objects.count() == 0


def test_an_inactive_category_takes_no_report():
    city = town()
    clerk = staff(city)
    closed = category(city, actor=clerk, active=False)
    with pytest.raises(ApplicationError):
        report(city, category_=closed)


def test_the_answers_are_checked_against_the_category_questions():
    city = town()
    pothole = category(city, attributes=attributes())
    filed = report(
        city,
        category_=pothole,
        attributes={
            "size": "large",
            "depth": "12,5",
            "sides": ["north", "south", "north"],
            "seen": "2026-12-01T08:30:00-05:00",
            "unknown": "dropped",
        },
    )
    assert filed.attributes == {
        "size": "large",
        "depth": 12.5,
        "sides": ["north", "south"],
        "seen": "2026-12-01T08:30:00-05:00",
    }


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"depth": "3"}, "attributes.size"),
        ({"size": "huge", "depth": "3"}, "attributes.size"),
        ({"size": "small"}, "attributes.depth"),
        ({"size": "small", "depth": "deep"}, "attributes.depth"),
        ({"size": "small", "depth": "3", "sides": ["east"]}, "attributes.sides"),
        ({"size": "small", "depth": "3", "seen": "yesterday"}, "attributes.seen"),
    ],
)
def test_a_wrong_or_missing_answer_is_refused(answers, field):
    city = town()
    pothole = category(city, attributes=attributes())
    with pytest.raises(ApplicationError) as error:
        report(city, category_=pothole, attributes=answers)
    assert list(fields_of(error.value)) == [field]
    assert Report.objects.count() == 0


def test_photos_are_kept_without_metadata(private_media):
    city = town()
    filed = report(city, photos=[photo("Le trou"), photo()])
    kept = list(ReportPhoto.objects.filter(report=filed).order_by("position"))
    assert [(p.position, p.alt_text) for p in kept] == [(0, "Le trou"), (1, "")]
    assert len(files(private_media)) == 4  # each photo and its list-sized copy
    with Image.open(kept[0].image.path) as image:
        assert (image.width, image.height) == (40, 60)  # turned upright
        assert dict(image.getexif()) == {}


def test_a_fourth_photo_is_refused_and_nothing_is_written(private_media):
    city = town()
    pothole = category(city)
    with pytest.raises(ApplicationError) as error:
        report(city, category_=pothole, photos=[photo(), photo(), photo(), photo()])
    assert list(fields_of(error.value)) == ["images"]
    assert (Report.objects.count(), files(private_media)) == (0, [])


def test_a_failed_photo_write_leaves_no_file(private_media, monkeypatch):
    city = town()
    pothole = category(city)
    original = ReportPhoto.save

    def broken(self, *args, **kwargs):
        if self.position == 1:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReportPhoto, "save", broken)
    with pytest.raises(OSError):
        report(city, category_=pothole, photos=[photo(), photo()])
    assert (Report.objects.count(), ReportPhoto.objects.count()) == (0, 0)
    assert files(private_media) == []


@pytest.mark.parametrize("who", ["anonymous", "other_city_member", "module_off"])
def test_only_a_member_files_while_the_module_is_on(who):
    from django.contrib.auth.models import AnonymousUser

    city = town() if who != "module_off" else town(modules=())
    pothole = category(city)
    actor = {
        "anonymous": AnonymousUser(),
        "other_city_member": member(town()),
        "module_off": member(city),
    }[who]
    with pytest.raises(PermissionDenied):
        report(city, category_=pothole, actor=actor)
    assert Report.objects.count() == 0


def test_an_open311_client_files_without_an_account():
    from django.contrib.auth.models import AnonymousUser

    city = town()
    pothole = category(city)
    client, _key = services.open311_client_create(actor=staff(city), municipality=city, name="App")
    filed = services.report_create(
        actor=AnonymousUser(),
        municipality=city,
        values={
            "category": pothole.code,
            "description": "Lampadaire éteint",
            "latitude": city.latitude,
            "longitude": city.longitude,
            "contact_email": "someone@example.org",
        },
        client=client,
    )
    assert (filed.reporter, filed.client, filed.source) == (None, client, ReportSource.OPEN311)
    assert filed.contact_email == "someone@example.org"


def test_a_revoked_or_foreign_client_files_nothing():
    from django.contrib.auth.models import AnonymousUser

    city, elsewhere = town(), town()
    pothole = category(city)
    clerk = staff(city)
    revoked, _key = services.open311_client_create(actor=clerk, municipality=city, name="Old")
    services.open311_client_revoke(actor=clerk, client=revoked)
    revoked.refresh_from_db()
    foreign, _key = services.open311_client_create(
        actor=staff(elsewhere), municipality=elsewhere, name="Theirs"
    )
    values = {
        "category": pothole.code,
        "description": "x",
        "latitude": city.latitude,
        "longitude": city.longitude,
    }
    for client in (revoked, foreign):
        with pytest.raises(PermissionDenied):
            services.report_create(
                actor=AnonymousUser(), municipality=city, values=values, client=client
            )
    assert Report.objects.count() == 0


def test_filing_too_often_is_refused(still_clock):
    city = town()
    pothole = category(city)
    person = member(city)
    for _ in range(10):
        report(city, actor=person, category_=pothole)
    with pytest.raises(RateLimited):
        report(city, actor=person, category_=pothole)
    assert Report.objects.count() == 10


# --- Handling a report ----------------------------------------------------------------------------


def test_closing_sets_closed_at_and_reopening_clears_it(linked, django_capture_on_commit_callbacks):
    city = town()
    clerk = staff(city)
    filed = report(city)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_set_status(
            actor=clerk, report=filed, status=ReportStatus.CLOSED_FIXED, note="Réparé."
        )
    filed.refresh_from_db()
    assert (filed.status, filed.public_note) == ("closed_fixed", "Réparé.")
    assert filed.closed_at is not None
    services.report_set_status(actor=clerk, report=filed, status=ReportStatus.IN_PROGRESS)
    filed.refresh_from_db()
    assert (filed.status, filed.closed_at) == ("in_progress", None)
    steps = list(ReportUpdate.objects.filter(report=filed).values_list("status_from", "status_to"))
    assert steps == [("", "open"), ("open", "closed_fixed"), ("closed_fixed", "in_progress")]


def test_a_public_change_tells_the_reporter_in_their_language(
    linked, django_capture_on_commit_callbacks
):
    city = town()
    clerk = staff(city)
    person = member(city, preferred_language="en")
    filed = report(city, actor=person)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_set_status(actor=clerk, report=filed, status=ReportStatus.ACKNOWLEDGED)
        services.report_add_note(actor=clerk, report=filed, note="Demain.", internal=False)
        services.report_add_note(actor=clerk, report=filed, note="Budget?", internal=True)
    updates = list(ReportUpdate.objects.filter(report=filed).order_by("pk"))
    notified = list(Notification.objects.filter(user=person).order_by("pk"))
    assert [n.key for n in notified] == [
        f"reports:update:{updates[1].pk}",
        f"reports:update:{updates[2].pk}",
    ]
    assert [n.topic for n in notified] == ["reports", "reports"]
    name = filed.category.name_en
    assert notified[0].title == f"Your report #{filed.pk} ({name}) is now: Acknowledged."
    assert notified[1].title == f"The municipality wrote about your report #{filed.pk} ({name})."


def test_a_duplicate_names_another_report_of_the_same_municipality():
    city, elsewhere = town(), town()
    clerk = staff(city)
    first, second = report(city), report(city)
    theirs = report(elsewhere)
    for target in (None, second.pk, theirs.pk, 999_999):
        with pytest.raises(ApplicationError) as error:
            services.report_set_status(
                actor=clerk, report=second, status=ReportStatus.DUPLICATE, duplicate_of=target
            )
        assert list(fields_of(error.value)) == ["duplicate_of"]
    services.report_set_status(
        actor=clerk, report=second, status=ReportStatus.DUPLICATE, duplicate_of=first.pk
    )
    second.refresh_from_db()
    assert (second.status, second.duplicate_of, second.closed_at is not None) == (
        "duplicate",
        first,
        True,
    )
    with pytest.raises(ApplicationError):  # the original cannot then repeat its duplicate
        services.report_set_status(
            actor=clerk, report=first, status=ReportStatus.DUPLICATE, duplicate_of=second
        )
    services.report_set_status(actor=clerk, report=second, status=ReportStatus.OPEN)
    second.refresh_from_db()
    assert (second.duplicate_of, second.closed_at) == (None, None)


def test_the_same_status_twice_is_a_conflict():
    city = town()
    filed = report(city)
    with pytest.raises(Conflict):
        services.report_set_status(actor=staff(city), report=filed, status=ReportStatus.OPEN)
    with pytest.raises(ApplicationError) as error:
        services.report_set_status(actor=staff(city), report=filed, status="lost")
    assert list(fields_of(error.value)) == ["status"]


def test_assigning_is_an_internal_step_with_a_department_of_the_municipality():
    city, elsewhere = town(), town()
    clerk = staff(city)
    parks = services.department_create(actor=clerk, municipality=city, name="Parcs")
    theirs = services.department_create(actor=staff(elsewhere), municipality=elsewhere, name="P")
    filed = report(city)
    with pytest.raises(ApplicationError):
        services.report_assign(actor=clerk, report=filed, department=theirs.pk)
    services.report_assign(actor=clerk, report=filed, department=parks)
    filed.refresh_from_db()
    assert filed.department == parks
    last = ReportUpdate.objects.filter(report=filed).latest("pk")
    assert (last.department, last.internal, last.status_to) == (parks, True, "")
    with pytest.raises(Conflict):
        services.report_assign(actor=clerk, report=filed, department=parks.pk)


def test_an_internal_note_stays_off_the_public_note():
    city = town()
    filed = report(city)
    services.report_add_note(actor=staff(city), report=filed, note="Interne", internal=True)
    filed.refresh_from_db()
    assert filed.public_note == ""
    with pytest.raises(ApplicationError) as error:
        services.report_add_note(actor=staff(city), report=filed, note=" ", internal=False)
    assert list(fields_of(error.value)) == ["note"]


def test_a_handling_step_moves_updated_at():
    city = town()
    filed = report(city)
    before = filed.updated_at
    services.report_add_note(actor=staff(city), report=filed, note="Vu", internal=True)
    filed.refresh_from_db()
    assert filed.updated_at > before


# --- Open311 keys ---------------------------------------------------------------------------------


def test_a_client_key_is_given_once_and_only_its_hash_is_kept():
    city = town()
    client, key = services.open311_client_create(actor=staff(city), municipality=city, name="App")
    assert len(key) >= 40
    assert client.key_prefix == key[:8]
    assert key not in client.key_hash
    assert services.open311_client_for_key(key) == client
    assert services.open311_client_for_key(key + "x") is None
    assert services.open311_client_for_key("") is None


def test_a_revoked_key_opens_nothing_and_cannot_be_revoked_twice():
    city = town()
    clerk = staff(city)
    client, key = services.open311_client_create(actor=clerk, municipality=city, name="App")
    services.open311_client_revoke(actor=clerk, client=client)
    assert services.open311_client_for_key(key) is None
    with pytest.raises(Conflict):
        services.open311_client_revoke(actor=clerk, client=client)


def test_a_member_cannot_create_a_client_key():
    city = town()
    with pytest.raises(PermissionDenied):
        services.open311_client_create(actor=member(city), municipality=city, name="App")
    assert Open311Client.objects.count() == 0


def test_a_near_point_is_in_range():
    city = town()
    filed = report(city, at=offset((city.latitude, city.longitude), north_m=30_000))
    assert filed.pk


def test_an_open311_report_without_account_is_emailed_its_public_steps(
    mailoutbox, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import AnonymousUser

    city = town()
    clerk = staff(city)
    pothole = category(city, actor=clerk, name_fr="Nid-de-poule")
    client, _key = services.open311_client_create(actor=clerk, municipality=city, name="App")
    filed = services.report_create(
        actor=AnonymousUser(),
        municipality=city,
        values={
            "category": pothole.code,
            "description": "Trou",
            "latitude": city.latitude,
            "longitude": city.longitude,
            "contact_email": "app.user@example.org",
        },
        client=client,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_add_note(actor=clerk, report=filed, note="Interne", internal=True)
        services.report_set_status(
            actor=clerk, report=filed, status=ReportStatus.CLOSED_FIXED, note="Réparé."
        )
    [message] = mailoutbox
    assert message.to == ["app.user@example.org"]
    with translation.override("fr"):
        expected = gettext("Your report #%(number)s (%(category)s) in %(town)s") % {
            "number": filed.pk,
            "category": "Nid-de-poule",
            "town": city.name,
        }
    assert message.subject == expected
    assert "Réparé." in message.body
    assert "Interne" not in message.body
