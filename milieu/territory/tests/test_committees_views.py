"""The committees' pages: lists whose query count does not grow, the results published with
their population figures, and every form refusing bad input clearly with nothing saved."""

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import assert_constant_queries, client_for
from milieu.territory import services_committees as services
from milieu.territory.models import Committee, CommitteeSeat, Motion, MotionVote

from .committees_factories import (
    committee,
    consortium_admin,
    idees_collectives,
    seat,
    small_region,
)
from .test_committees_services import NO_SIDE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """These tests read the pages and messages in English (URLs reversed under /en/)."""
    with translation.override("en"):
        yield


def body(response) -> str:
    return response.content.decode()


def test_the_committee_list_runs_the_same_queries_for_many_committees():
    region, towns = small_region(3)
    url = reverse("committees:list", args=[region.slug])

    def add(n):
        names = []
        for _ in range(n):
            board = committee(region)
            seat(board, towns[0], display_name=f"Délégué {board.slug}")
            names += [board.name, f"Délégué {board.slug}"]
        return names

    assert_constant_queries(client_for(), url, add)


def test_the_committee_page_runs_the_same_queries_for_many_motions_and_seats():
    region, towns = small_region(3)
    board = committee(region)
    proposer = seat(board, towns[0])
    url = reverse("committees:detail", args=[region.slug, board.slug])

    def add(n):
        titles = []
        for _ in range(n):
            motion = services.motion_propose(
                actor=proposer,
                committee=board,
                values={"title": f"Motion {Motion.objects.count()}"},
            )
            titles.append(motion.title)
        return titles

    admin = consortium_admin(region)
    assert_constant_queries(client_for(admin), url, add, many=20)
    assert "?page=2" not in body(client_for().get(url))
    add(1)  # 21 motions: 20 a page
    assert "?page=2" in body(client_for().get(url))


def test_the_motion_page_runs_the_same_queries_for_many_votes():
    region, towns = small_region(1)
    board = committee(region)
    proposer = seat(board, towns[0])
    motion = services.motion_propose(actor=proposer, committee=board, values={"title": "M"})
    services.motion_vote(actor=proposer, motion=motion, choice="yes")
    url = reverse("committees:motion", args=[region.slug, board.slug, motion.number])

    def add(n):
        names = []
        for _ in range(n):
            from .committees_factories import MunicipalityFactory

            town = MunicipalityFactory(region=region)
            MotionVote.objects.create(
                motion=motion, round="equal", municipality=town, choice="no", population=7
            )
            names.append(town.name)
        return names

    assert_constant_queries(client_for(proposer), url, add)


def test_the_results_of_a_weighted_vote_are_published_with_the_populations():
    region, towns = idees_collectives()
    board = committee(region, slug="produit", name="Comité produit")
    delegates = {slug: seat(board, town) for slug, town in towns.items()}
    motion = services.motion_propose(
        actor=delegates["delson"], committee=board, values={"title": "Plateforme commune"}
    )
    url = reverse("committees:motion", args=[region.slug, board.slug, motion.number])
    for slug, user in delegates.items():
        services.motion_vote(actor=user, motion=motion, choice="no" if slug in NO_SIDE else "yes")
    # Before the weighted vote: a delegate is offered to ask for it.
    page = body(client_for(delegates["brossard"]).get(url))
    assert "Ask for the weighted vote" in page
    response = client_for(delegates["brossard"]).post(
        reverse("committees:weighted", args=[region.slug, board.slug, motion.number]),
        {"reason": "Les grandes villes sont contre."},
    )
    assert response.status_code == 302
    page = body(client_for().get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "The vote is open. How each municipality voted is published when it closes." in page
    assert "Ville de Brossard" in page
    for slug, user in delegates.items():
        services.motion_vote(actor=user, motion=motion, choice="no" if slug in NO_SIDE else "yes")
    page = body(client_for().get(url.replace("/fr/", "/en/")))
    assert "135,661 residents for, 160,986 against, 0 abstaining." in page
    assert "8 for, 3 against, 0 abstaining (abstentions do not count)." in page
    assert "85,721" in page  # Brossard's weight
    assert "28.9 %" in page  # 85,721 of 296,647
    assert page.count("<rect ") == 6  # one bar per round, three parts each
    assert 'width="45.7"' in page  # 135,661 of 296,647 for
    assert 'width="54.3"' in page


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_every_page_renders_in_each_language(language):
    region, towns = small_region(2)
    board = committee(region)
    a, b = seat(board, towns[0]), seat(board, towns[1])
    motion = services.motion_propose(actor=a, committee=board, values={"title": "M"})
    services.motion_vote(actor=a, motion=motion, choice="yes")
    services.motion_vote(actor=b, motion=motion, choice="no")
    admin = consortium_admin(region)
    with translation.override(language):
        pages = [
            reverse("committees:list", args=[region.slug]),
            reverse("committees:detail", args=[region.slug, board.slug]),
            reverse("committees:motion", args=[region.slug, board.slug, motion.number]),
            reverse("committees:create", args=[region.slug]),
        ]
    for page in pages:
        response = client_for(admin).get(page)
        assert response.status_code == 200, page
        assert f'lang="{language}"' in body(response)


def test_creating_a_committee_with_a_taken_address_says_so_and_saves_nothing():
    region, _towns = small_region(1)
    admin = consortium_admin(region)
    committee(region, slug="legal")
    url = reverse("committees:create", args=[region.slug])
    response = client_for(admin).post(url, {"name": "Légal", "slug": "legal", "language": "fr"})
    assert response.status_code == 400
    assert "Another committee of the region has this web address." in body(response)
    assert Committee.objects.count() == 1
    response = client_for(admin).post(url, {"name": "Comité légal", "language": "fr"})
    assert response.status_code == 302
    assert Committee.objects.filter(slug="comite-legal").exists()


def test_a_second_seat_for_a_municipality_is_refused_on_the_form():
    region, towns = small_region(2)
    admin = consortium_admin(region)
    board = committee(region)
    seat(board, towns[0])
    other = with_role(towns[0], Role.ADMIN)
    url = reverse("committees:seat_assign", args=[region.slug, board.slug])
    response = client_for(admin).post(url, {"municipality": towns[0].pk, "delegate": other.pk})
    assert response.status_code == 400
    assert "already has a delegate on this committee" in body(response)
    assert CommitteeSeat.objects.count() == 1


def test_a_second_vote_on_the_page_is_refused_clearly():
    region, towns = small_region(2)
    board = committee(region)
    a = seat(board, towns[0])
    seat(board, towns[1])
    motion = services.motion_propose(actor=a, committee=board, values={"title": "M"})
    url = reverse("committees:vote", args=[region.slug, board.slug, motion.number])
    assert client_for(a).post(url, {"choice": "yes"}).status_code == 302
    response = client_for(a).post(url, {"choice": "no"})
    assert response.status_code == 400
    assert "has already voted in this round; a vote cannot be changed." in body(response)
    assert list(MotionVote.objects.values_list("choice", flat=True)) == ["yes"]
    response = client_for(a).post(url, {"choice": "maybe"})
    assert response.status_code == 400
    assert MotionVote.objects.count() == 1


def test_asking_for_a_weighted_vote_without_a_reason_is_refused():
    region, towns = small_region(2)
    board = committee(region)
    a = seat(board, towns[0])
    motion = services.motion_propose(actor=a, committee=board, values={"title": "M"})
    services.motion_close_round(actor=a, motion=motion)
    with translation.override("en"):
        url = reverse("committees:weighted", args=[region.slug, board.slug, motion.number])
    response = client_for(a).post(url, {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in body(response)
    assert motion.rounds.count() == 1


def test_the_region_page_links_to_its_committees():
    region, _towns = small_region(1)
    page = body(client_for().get(reverse("territory:region_detail", args=[region.slug])))
    assert reverse("committees:list", args=[region.slug]) in page
