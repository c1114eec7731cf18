"""The practices' services: writing and publishing, tags, adoptions (once, never one's own),
comments and their hiding; every refusal changes nothing."""

import pytest

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.network import services_practices as services
from milieu.network.models import Adoption, Practice, PracticeComment, PracticeTag

from .practices_factories import practice, staff, town, values

pytestmark = pytest.mark.django_db


def test_staff_write_a_draft_with_normalised_shared_tags():
    here = town()
    writer = staff(here)
    created = services.practice_create(
        actor=writer,
        municipality=here,
        values=values(title="  Wi-Fi public  ", tags="Wi-Fi, aînés ,wi fi,, Aînés"),
    )
    assert (created.title, created.status, created.published_at) == ("Wi-Fi public", "draft", None)
    assert sorted(created.tags.values_list("slug", flat=True)) == ["aines", "wi-fi"]
    assert sorted(created.tags.values_list("name", flat=True)) == ["aînés", "wi-fi"]
    assert PracticeTag.objects.count() == 2


def test_tags_are_shared_between_municipalities():
    first = practice(town(), tags=["Wi-Fi"])
    second = practice(town(), tags=["wi-fi", "Bibliothèque"])
    assert PracticeTag.objects.count() == 2
    assert set(first.tags.all()) < set(second.tags.all())


def test_publish_sets_the_date_once_and_withdraw_makes_a_draft_again():
    here = town()
    writer = staff(here)
    created = practice(here, author=writer, published=False)
    services.practice_publish(actor=writer, practice=created)
    first_date = Practice.objects.get(pk=created.pk).published_at
    assert first_date is not None
    services.practice_publish(actor=writer, practice=created)
    assert Practice.objects.get(pk=created.pk).published_at == first_date
    services.practice_withdraw(actor=writer, practice=created)
    created.refresh_from_db()
    assert (created.status, created.published_at) == ("draft", None)


def test_update_replaces_fields_and_tags():
    here = town()
    writer = staff(here)
    created = practice(here, author=writer)
    services.practice_update(
        actor=writer, practice=created, values=values(title="Nouveau titre", tags=["bibliothèque"])
    )
    created.refresh_from_db()
    assert created.title == "Nouveau titre"
    assert list(created.tags.values_list("slug", flat=True)) == ["bibliotheque"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("problem", " "),
        ("solution", ""),
        ("contact", ""),
        ("title", "x" * 201),
        ("language", "de"),
        ("dimension", "cooking"),
        ("tags", [f"tag{n}" for n in range(9)]),
        ("tags", ["x" * 61]),
        ("tags", ["!!!"]),
    ],
)
def test_invalid_values_are_refused_naming_the_field(field, value):
    here = town()
    with pytest.raises(ApplicationError) as refused:
        services.practice_create(
            actor=staff(here), municipality=here, values=values(**{field: value})
        )
    assert refused.value.code == "validation"
    assert list(refused.value.extra["fields"]) == [field]
    assert Practice.objects.count() == 0
    assert PracticeTag.objects.count() == 0


@pytest.mark.parametrize("who", ["citizen", "other_staff", "staff_without_mfa", "elected"])
def test_only_the_towns_staff_write_publish_and_withdraw(who):
    here = town()
    actor = {
        "citizen": lambda: citizen_of(here),
        "other_staff": lambda: staff(town()),
        "staff_without_mfa": lambda: staff(here, mfa=False),
        "elected": lambda: with_role(here, Role.ELECTED),
    }[who]()
    draft = practice(here, published=False)
    with pytest.raises(PermissionDenied):
        services.practice_create(actor=actor, municipality=here, values=values())
    with pytest.raises(PermissionDenied):
        services.practice_update(actor=actor, practice=draft, values=values(title="Changé"))
    with pytest.raises(PermissionDenied):
        services.practice_publish(actor=actor, practice=draft)
    draft.refresh_from_db()
    assert (Practice.objects.count(), draft.status, draft.title) == (1, "draft", draft.title)
    assert not draft.title.startswith("Changé")


def test_another_towns_staff_adopt_once_then_take_it_back():
    shared = practice(town())
    there = town()
    adopter = staff(there)
    adoption = services.adoption_add(
        actor=adopter, practice=shared, municipality=there, note="Adapté."
    )
    assert (adoption.municipality, adoption.adopted_by, adoption.note) == (
        there,
        adopter,
        "Adapté.",
    )
    with pytest.raises(Conflict) as again:
        services.adoption_add(actor=staff(there), practice=shared, municipality=there)
    assert again.value.code == "already_adopted"
    assert Adoption.objects.count() == 1
    services.adoption_remove(actor=adopter, practice=shared, municipality=there)
    assert Adoption.objects.count() == 0
    with pytest.raises(NotFound):
        services.adoption_remove(actor=adopter, practice=shared, municipality=there)


def test_a_town_does_not_adopt_its_own_practice():
    here = town()
    own = practice(here)
    with pytest.raises(Conflict) as refused:
        services.adoption_add(actor=staff(here), practice=own, municipality=here)
    assert refused.value.code == "own_practice"
    assert Adoption.objects.count() == 0


def test_a_draft_cannot_be_adopted_or_commented():
    draft = practice(town(), published=False)
    there = town()
    with pytest.raises(NotFound):
        services.adoption_add(actor=staff(there), practice=draft, municipality=there)
    with pytest.raises(NotFound):
        services.comment_add(actor=staff(there), practice=draft, municipality=there, body="Oui")
    assert (Adoption.objects.count(), PracticeComment.objects.count()) == (0, 0)


def test_adopting_for_a_town_where_one_is_not_staff_is_refused():
    shared = practice(town())
    there, elsewhere = town(), town()
    with pytest.raises(PermissionDenied):
        services.adoption_add(actor=staff(there), practice=shared, municipality=elsewhere)
    with pytest.raises(PermissionDenied):
        services.adoption_add(actor=citizen_of(there), practice=shared, municipality=there)
    assert Adoption.objects.count() == 0


def test_staff_and_elected_comment_in_their_towns_name_residents_do_not():
    shared = practice(town())
    there = town()
    comment = services.comment_add(
        actor=with_role(there, Role.ELECTED), practice=shared, municipality=there, body=" Bravo "
    )
    assert (comment.body, comment.municipality, comment.hidden) == ("Bravo", there, False)
    services.comment_add(actor=staff(there), practice=shared, municipality=there, body="Merci")
    with pytest.raises(PermissionDenied):
        services.comment_add(
            actor=citizen_of(there), practice=shared, municipality=there, body="Moi aussi"
        )
    with pytest.raises(ApplicationError) as empty:
        services.comment_add(actor=staff(there), practice=shared, municipality=there, body=" ")
    assert list(empty.value.extra["fields"]) == ["body"]
    assert PracticeComment.objects.count() == 2


def test_only_the_practices_own_staff_hide_a_comment():
    here, there = town(), town()
    shared = practice(here)
    comment = services.comment_add(
        actor=staff(there), practice=shared, municipality=there, body="Pub"
    )
    with pytest.raises(PermissionDenied):
        services.comment_hide(actor=staff(there), comment=comment)
    assert PracticeComment.objects.get().hidden is False
    services.comment_hide(actor=staff(here), comment=comment)
    assert PracticeComment.objects.get().hidden is True
    services.comment_hide(actor=staff(here), comment=comment, hidden=False)
    assert PracticeComment.objects.get().hidden is False


def test_the_acting_municipality_is_the_only_one_or_must_be_named():
    first, second = town(), town()
    person = staff(first)
    assert services.acting_municipality(person) == first
    with_role(second, Role.STAFF, mfa=True)  # someone else: changes nothing for person
    from milieu.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=person, role=Role.STAFF, municipality=second)
    person = type(person).objects.get(pk=person.pk)
    with pytest.raises(ApplicationError) as several:
        services.acting_municipality(person)
    assert list(several.value.extra["fields"]) == ["municipality"]
    assert services.acting_municipality(person, second.slug) == second
    with pytest.raises(PermissionDenied):
        services.acting_municipality(citizen_of(first))
