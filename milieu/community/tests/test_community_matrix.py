"""The community's permission matrix: every page and every API operation, tried by every kind of
actor against an object of Brossard, the same kind of object of Châteauguay, and (for the
operations that take a municipality and an object) Brossard's address with Châteauguay's object.

One world is built once for the module (inside a transaction that is rolled back at the end) and
every test runs in a savepoint of it. Each cell names its operation, its actor and the city, and
expects one exact outcome: a status code, a redirect to log in (`login`), a redirect to enrol an
authenticator (`mfa`), or another redirect (`redirect`, the page's "done"). Every write that is
refused (and every allowed write that has nothing to do) is proven to have changed none of the
community's rows; every allowed write is proven to have changed some. Where a page or a list
shows posts, the cell also checks which texts it shows (the group on request, the blocks, the
hidden post). A page or an API operation of the community without an entry here fails
`test_every_page_has_an_entry` or `test_every_api_operation_has_an_entry`: nobody adds a page
without deciding who may use it.

Roles: each actor is seen from the municipality of the object. In Brossard they are themselves
(besides the actors the brief names, `author` wrote the posts and administers the groups, so that
what only an author or an administrator may do is tried too); in Châteauguay its citizen and its
staff play the parts of `citizen` and `staff` (they follow the author there, talk with them,
reported their post), and everybody else is an `outsider`.

Cells marked xfail (strict) are access-control bugs found by this matrix, described in their
reason; fixing the bug turns them into failures until the mark is removed.
"""

import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from milieu.accounts.models import Membership, Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.community import search
from milieu.community import translation as community_translation
from milieu.community.models import (
    Block,
    Comment,
    Follow,
    Group,
    GroupMembership,
    Post,
    PostImage,
    Reaction,
    Report,
)
from milieu.community.services import social as social_services
from milieu.community.tests.factories_moderation import conversation, message
from milieu.community.tests.factories_newcomers import (
    buddy_of,
    newcomer_of,
    pairing_of,
    resource_of,
)
from milieu.community.tests.factories_people import libretranslate
from milieu.community.tests.factories_social import accept_netiquette, jpeg_bytes
from milieu.core.pictures import thumbnail_name
from milieu.territory.models import District
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory, RegionFactory

BROSSARD, CHATEAUGUAY, PERSONAL = "brossard", "chateauguay", "personal"
# Brossard's address with Châteauguay's object (`/fr/brossard/.../<id of Châteauguay's>/`): the
# way one municipality's staff would reach another's objects if a lookup forgot its municipality.
MIXED = "brossard-url-chateauguay-object"
CITIES = (BROSSARD, CHATEAUGUAY)
SLUGS = {BROSSARD: BROSSARD, CHATEAUGUAY: CHATEAUGUAY, MIXED: BROSSARD}
ACTORS = [
    "anonymous",
    "citizen",  # of Brossard, netiquette accepted, follows the author, talks with them
    "citizen_other",  # of Châteauguay
    "member",  # of Brossard, an active member of the group on request
    "blocked",  # of Brossard, blocked by the author of the posts
    "blocker",  # of Brossard, who blocked the author of the posts
    "author",  # of Brossard: wrote the posts, administers both groups
    "staff_no_mfa",  # of Brossard, without an authenticator
    "staff",  # of Brossard, with MFA: moderates, coordinates, manages the directory
    "staff_other",  # of Châteauguay, with MFA
    "org_manager",  # organisation manager of Brossard with MFA: a pairing coordinator
    "newcomer",  # the newcomer of Brossard's proposed pairing
    "buddy",  # the buddy of Brossard's proposed pairing
]
NAMESPACES = (
    "community",
    "people",
    "safety",
    "messages",
    "moderation",
    "newcomers",
    "newcomers_staff",
)
API_MARKERS = ("/community/", "/moderation/", "/newcomers/")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}

# Outcomes other than a plain status code.
LOGIN = "login"  # 302 to the login page
MFA = "mfa"  # 302 to enrol a TOTP authenticator (staff without MFA)
REDIRECT = "redirect"  # 302 anywhere else: the page did its work
ALLOWED = {200, 201, 204, REDIRECT}

# Roles, as seen from the city of the object (see `role`).
MEMBERS = {
    "citizen",
    "member",
    "blocked",
    "blocker",
    "author",
    "staff_no_mfa",
    "staff",
    "org_manager",
    "newcomer",
    "buddy",
}
READERS = MEMBERS - {"blocked", "blocker"}  # of the author's district post
GROUP_ACTIVE = {"member", "author"}  # of the group on request
MODERATORS = {"staff"}
COORDINATORS = {"staff", "org_manager"}
PARTIES = {"newcomer", "buddy"}
NO_MFA = {"staff_no_mfa", "outsider_no_mfa"}


def role(actor: str, city: str) -> str:
    """What `actor` is to the objects of `city` (see the module's docstring)."""
    if actor == "anonymous":
        return "anonymous"
    if city == CHATEAUGUAY:  # (MIXED and PERSONAL: as in Brossard)
        if actor in ("citizen_other", "staff_other"):
            return actor.removesuffix("_other")
        return "outsider_no_mfa" if actor == "staff_no_mfa" else "outsider"
    return "outsider" if actor in ("citizen_other", "staff_other") else actor


# --- The world ------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, Any]
    sessions: dict[str, str]
    handles: dict[str, str]
    o: dict[str, dict[str, Any]] = field(default_factory=dict)  # per city: its objects
    client: Client = field(default_factory=lambda: Client(HTTP_ACCEPT_LANGUAGE="fr"))


def _token(kind: str, city: str) -> str:
    """A word found only in one post (searchable: letters only)."""
    return f"{kind}{city[:4]}"


def _post(municipality, author, body: str, *, district=None, group=None, hidden=False) -> Post:
    made = Post.objects.create(
        municipality=municipality,
        district=district,
        group=group,
        author=author,
        body=body,
        language="fr",
        hidden_at=timezone.now() if hidden else None,
        hidden_reason="Propos blessants." if hidden else "",
    )
    search.index_post(made)
    return made


def _group(municipality, slug: str, name: str, visibility: str, admin) -> Group:
    made = Group.objects.create(
        municipality=municipality,
        slug=slug,
        name=name,
        visibility=visibility,
        language="fr",
        created_by=admin,
        member_count=1,
    )
    GroupMembership.objects.create(
        group=made,
        user=admin,
        role=GroupMembership.Role.ADMIN,
        status=GroupMembership.Status.ACTIVE,
        joined_at=timezone.now(),
    )
    search.index_group(made)
    return made


def _in_district(user, municipality, district) -> None:
    Membership.objects.filter(user=user, municipality=municipality).update(district=district)


def _city(municipality, people: dict[str, Any]) -> dict[str, Any]:
    """The objects of one municipality. `people`: author, citizen (follows the author, reacted
    to and reported their district post, talks with them), member (of the group on request),
    requester (waiting to join it), newcomer, buddy, coordinator."""
    slug = municipality.slug
    centre = DistrictFactory(municipality=municipality, name=f"Centre {slug}", slug="centre")
    DistrictFactory(municipality=municipality, name=f"Nord {slug}", slug="nord")
    author, citizen, member = people["author"], people["citizen"], people["member"]
    for user in (author, citizen, member):
        _in_district(user, municipality, centre)
    open_group = _group(municipality, "jardin", "Jardin", Group.Visibility.OPEN, author)
    closed = _group(municipality, "cercle", "Cercle", Group.Visibility.ON_REQUEST, author)
    GroupMembership.objects.create(
        group=closed, user=member, status=GroupMembership.Status.ACTIVE, joined_at=timezone.now()
    )
    GroupMembership.objects.create(
        group=closed, user=people["requester"], status=GroupMembership.Status.PENDING
    )
    district_post = _post(
        municipality, author, f"Corvée au parc {_token('alpaga', slug)}", district=centre
    )
    social_services.post_image_add(
        actor=author,
        post=district_post,
        upload=social_services.Upload(
            file=SimpleUploadedFile("parc.jpg", jpeg_bytes(), content_type="image/jpeg"),
            alt_text="Le parc",
        ),
    )
    open_post = _post(
        municipality, author, f"Pique-nique {_token('toucan', slug)}", group=open_group
    )
    closed_post = _post(
        municipality, author, f"Réunion du cercle {_token('quetzal', slug)}", group=closed
    )
    hidden_post = _post(
        municipality,
        author,
        f"Message masqué {_token('narval', slug)}",
        district=centre,
        hidden=True,
    )
    comment = Comment.objects.create(
        post=district_post, author=author, body=f"Merci {_token('ocelot', slug)}", language="fr"
    )
    Post.objects.filter(pk=district_post.pk).update(comment_count=1, reaction_count=1)
    Reaction.objects.create(post=district_post, user=citizen, kind="like")
    Follow.objects.create(follower=citizen, followed=author)
    pair = conversation(municipality, citizen, author)
    message(pair, author, "Bonjour, voisin!")
    trio = conversation(municipality, citizen, member, author, title="Comité du parc")
    message(trio, citizen, "Qui apporte les pelles?")
    report = Report.objects.create(
        municipality=municipality,
        reporter=citizen,
        target=f"post:{district_post.pk}",
        post=district_post,
        subject=author,
        reason=Report.Reason.SPAM,
        snapshot=district_post.body,
    )
    newcomer = newcomer_of(municipality, user=people["newcomer"])
    buddy = buddy_of(municipality, user=people["buddy"], languages=["fr", "es"], capacity=3)
    proposed = pairing_of(newcomer, buddy, "proposed", by=people["coordinator"])
    active = pairing_of(
        newcomer_of(municipality), buddy_of(municipality), "active", by=people["coordinator"]
    )
    waiting = newcomer_of(municipality)
    return {
        "slug": slug,
        "district": centre.slug,
        "open_group": open_group,
        "closed_group": closed,
        "district_post": district_post.pk,
        "image": district_post.images.get().pk,
        "open_post": open_post.pk,
        "closed_post": closed_post.pk,
        "hidden_post": hidden_post.pk,
        "comment": comment.pk,
        "pair": pair.pk,
        "trio": trio.pk,
        "report": report.pk,
        "author": author,
        "author_handle": author.community_profile.handle,
        "member_id": member.pk,
        "requester_id": people["requester"].pk,
        "newcomer_profile": newcomer.pk,
        "buddy_profile": buddy.pk,
        "proposed": proposed.pk,
        "active": active.pk,
        "waiting": waiting.pk,
        "resource": resource_of(municipality).pk,
        "district_text": district_post.body,
        "closed_text": closed_post.body,
        "hidden_text": hidden_post.body,
        "closed_token": _token("quetzal", slug),
    }


def build_world() -> World:
    region = RegionFactory(slug="roussillon")
    modules = ["districts", "community", "newcomers"]
    brossard = MunicipalityFactory(
        slug=BROSSARD, name="Brossard", region=region, enabled_modules=modules
    )
    chateauguay = MunicipalityFactory(
        slug=CHATEAUGUAY, name="Châteauguay", region=region, enabled_modules=modules
    )
    users = {
        "citizen": citizen_of(brossard, display_name="Carole Citoyenne"),
        "citizen_other": citizen_of(chateauguay, display_name="Olivier Autreville"),
        "member": citizen_of(brossard, display_name="Mélanie Membre"),
        "blocked": citizen_of(brossard, display_name="Bruno Bloqué"),
        "blocker": citizen_of(brossard, display_name="Béatrice Bloqueuse"),
        "author": citizen_of(brossard, display_name="Gisele Tremblay Brossard"),
        "staff_no_mfa": with_role(brossard, Role.STAFF, mfa=False, display_name="Sans Mfa"),
        "staff": with_role(brossard, Role.STAFF, display_name="Sylvie Moderatrice"),
        "staff_other": with_role(chateauguay, Role.STAFF, display_name="Simon Autremod"),
        "org_manager": with_role(
            brossard, Role.ORGANISATION_MANAGER, display_name="Odile Organisme"
        ),
        "newcomer": citizen_of(brossard, display_name="Nora Nouvelle", preferred_language="es"),
        "buddy": citizen_of(brossard, display_name="Paul Parrain"),
    }
    others = {
        "author_c": citizen_of(chateauguay, display_name="Gaston Lefebvre Chateauguay"),
        "member_c": citizen_of(chateauguay, display_name="Maude Membre"),
        "requester_c": citizen_of(chateauguay),
        "newcomer_c": citizen_of(chateauguay, preferred_language="en"),
        "buddy_c": citizen_of(chateauguay),
        "requester": citizen_of(brossard),
    }
    for name, user in users.items():
        accept_netiquette(user, chateauguay if name.endswith("_other") else brossard)
    for name in ("author_c", "member_c"):
        accept_netiquette(others[name], chateauguay)
    Block.objects.create(blocker=users["author"], blocked=users["blocked"])
    Block.objects.create(blocker=users["blocker"], blocked=users["author"])
    world = World(
        users=users,
        sessions={},
        handles={name: user.community_profile.handle for name, user in users.items()},
    )
    world.o[BROSSARD] = _city(
        brossard,
        {
            "author": users["author"],
            "citizen": users["citizen"],
            "member": users["member"],
            "requester": others["requester"],
            "newcomer": users["newcomer"],
            "buddy": users["buddy"],
            "coordinator": users["org_manager"],
        },
    )
    world.o[CHATEAUGUAY] = _city(
        chateauguay,
        {
            "author": others["author_c"],
            "citizen": users["citizen_other"],
            "member": others["member_c"],
            "requester": others["requester_c"],
            "newcomer": others["newcomer_c"],
            "buddy": others["buddy_c"],
            "coordinator": users["staff_other"],
        },
    )
    world.o[MIXED] = world.o[CHATEAUGUAY]
    centre = District.objects.get(municipality=brossard, slug="centre")
    for name in ("blocked", "blocker"):  # neighbours of the author, as the citizen is
        _in_district(users[name], brossard, centre)
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        world.sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once per module in a transaction rolled back at its end; each test runs
    in a savepoint of it (the `db` fixture). A LibreTranslate look-alike answers translations."""
    with django_db_blocker.unblock(), libretranslate() as fake:
        overrides = override_settings(
            TRANSLATION_BACKEND="milieu.community.translation.LibreTranslateBackend",
            LIBRETRANSLATE_URL=fake.url,
        )
        overrides.enable()
        community_translation._backend.cache_clear()
        outer = transaction.atomic()
        outer.__enter__()
        built = None
        try:
            with translation.override("fr"):
                built = build_world()
            yield built
        finally:
            if built is not None:
                _delete_files(PostImage.objects.all())
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            overrides.disable()
            community_translation._backend.cache_clear()


def _delete_files(images) -> None:
    """Pictures are files: the rollback does not remove them."""
    storage = PostImage._meta.get_field("image").storage
    for image in images:
        if image.image.name:
            storage.delete(image.image.name)
            storage.delete(thumbnail_name(image.image.name))


# --- What a refusal must leave as it was ----------------------------------------------------------


@functools.cache
def _snapshot_queries() -> tuple[tuple[str, str], ...]:
    """One `SELECT` of all the columns of each table of the community, in the order of its key."""
    quote = connection.ops.quote_name
    queries = []
    for model in apps.get_app_config("community").get_models():
        meta = model._meta
        columns = ", ".join(quote(f.column) for f in meta.concrete_fields)
        table, key = quote(meta.db_table), quote(meta.pk.column)
        sql = f"SELECT {columns} FROM {table} ORDER BY {key}"  # noqa: S608 - names from the models
        queries.append((model.__name__, sql))
    return tuple(queries)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table of the community, all its columns, in order (raw SQL: no
    conversion of the values, which only need comparing)."""
    with connection.cursor() as cursor:
        state = {}
        for name, sql in _snapshot_queries():
            cursor.execute(sql)
            state[name] = cursor.fetchall()
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- The operations -------------------------------------------------------------------------------

Expect = Callable[[str], Any]  # role -> outcome


@dataclass(frozen=True)
class Op:
    name: str  # the test id
    route: str  # the URL name (`namespace:name`) or the API's operationId
    method: str
    url: Callable[[World, str], str]  # (world, city) -> path
    expect: Expect
    data: Callable[[World, str, str], Any] | None = None  # (world, city, actor) -> body
    cities: tuple[str, ...] = CITIES
    same: frozenset[str] = frozenset()  # roles allowed, with nothing to change
    reveals: Callable[[World, str], list[tuple[str, set[str]]]] | None = None
    bugs: tuple[tuple[frozenset[str], str], ...] = ()  # (roles, reason): strict xfail
    mixed: Expect | None = None  # the outcome with Brossard's address and Châteauguay's object
    api: bool = False
    multipart: bool = False


# Gates, as the code applies them.


def members_page(ok: Expect) -> Expect:
    """A page of the municipality's community: anonymous people log in, people who are not
    members of it are told what it is (403)."""

    def expect(r: str) -> Any:
        if r == "anonymous":
            return LOGIN
        if r not in MEMBERS:
            return 403
        return ok(r)

    return expect


def logged_in(ok: Expect) -> Expect:
    return lambda r: LOGIN if r == "anonymous" else ok(r)


def staff_page(allowed: set[str], ok: Any = 200) -> Expect:
    """`core.http.staff_view`: log in, staff without MFA enrol first, then the permission."""

    def expect(r: str) -> Any:
        if r == "anonymous":
            return LOGIN
        if r in NO_MFA:
            return MFA
        return ok if r in allowed else 403

    return expect


def api(ok: Expect) -> Expect:
    return lambda r: 401 if r == "anonymous" else ok(r)


def everyone(outcome: Any) -> Expect:
    return lambda r: outcome


def only(allowed: set[str], ok: Any, otherwise: Any) -> Expect:
    return lambda r: ok if r in allowed else otherwise


def post_reader(ok: Expect) -> Expect:
    """Through `selectors.social.post_get` (the author's district post): members who are not
    blocked either way."""
    return lambda r: ok(r) if r in READERS else 404


# URLs.


def page(name: str, **kwargs: Callable[[World, str], Any]) -> Callable[[World, str], str]:
    def url(w: World, city: str) -> str:
        values = {key: make(w, city) for key, make in kwargs.items()}
        if city in SLUGS and name.split(":")[0] not in ("people", "messages"):
            values["municipality_slug"] = SLUGS[city]
        with translation.override("fr"):
            return reverse(name, kwargs=values)

    return url


def with_query(
    base: Callable[[World, str], str], query: Callable[[World, str], str]
) -> Callable[[World, str], str]:
    return lambda w, city: f"{base(w, city)}?{query(w, city)}"


def key(name: str) -> Callable[[World, str], Any]:
    return lambda w, city: w.o[city][name]


def slug_of(name: str) -> Callable[[World, str], Any]:
    return lambda w, city: w.o[city][name].slug


def path(template: str) -> Callable[[World, str], str]:
    """An API path: `{slug}` is the city, `{x}` the object `x` of the city (its pk or value)."""

    def url(w: World, city: str) -> str:
        objects = w.o.get(city, {})
        values = {
            name: getattr(value, "pk", value)
            for name, value in objects.items()
            if name != "slug" and "{" + name + "}" in template
        }
        return "/api/v1" + template.format(slug=SLUGS.get(city, ""), **values)

    return url


def form(**fields: Any) -> Callable[[World, str, str], dict]:
    return lambda w, city, actor: {
        name: (value(w, city, actor) if callable(value) else value)
        for name, value in fields.items()
    }


def _report_reason(w: World, city: str, actor: str) -> dict:
    return {"target": f"post:{w.o[city]['district_post']}", "reason": "spam", "details": ""}


def page_operations() -> list[Op]:
    district_post = key("district_post")
    comment = key("comment")
    ops = [
        # --- community: the social pages ----------------------------------------------------------
        Op("community:home GET", "community:home", "GET", page("community:home"), everyone(200)),
        Op(
            "community:district GET",
            "community:district",
            "GET",
            page("community:district", district_slug=key("district")),
            members_page(everyone(200)),
            reveals=lambda w, city: [
                (w.o[city]["district_text"], READERS),
                (w.o[city]["hidden_text"], set()),
            ],
        ),
        Op(
            "community:district POST",
            "community:district",
            "POST",
            page("community:district", district_slug=key("district")),
            members_page(everyone(REDIRECT)),
            data=form(body="Qui a vu mon chat?", language="fr"),
        ),
        Op(
            "community:group_list GET",
            "community:group_list",
            "GET",
            page("community:group_list"),
            members_page(everyone(200)),
        ),
        Op(
            "community:group_create GET",
            "community:group_create",
            "GET",
            page("community:group_create"),
            members_page(everyone(200)),
        ),
        Op(
            "community:group_create POST",
            "community:group_create",
            "POST",
            page("community:group_create"),
            members_page(everyone(REDIRECT)),
            data=form(name="Club de lecture", visibility="open", language="fr"),
        ),
        Op(
            "community:group GET",
            "community:group",
            "GET",
            page("community:group", group_slug=slug_of("closed_group")),
            members_page(everyone(200)),
            reveals=lambda w, city: [(w.o[city]["closed_text"], GROUP_ACTIVE)],
        ),
        Op(
            "community:group POST",
            "community:group",
            "POST",
            page("community:group", group_slug=slug_of("closed_group")),
            members_page(only(GROUP_ACTIVE, REDIRECT, 403)),
            data=form(body="Prochaine réunion jeudi", language="fr"),
        ),
        Op(
            "community:group_edit GET",
            "community:group_edit",
            "GET",
            page("community:group_edit", group_slug=slug_of("closed_group")),
            members_page(only({"author"}, 200, 403)),
        ),
        Op(
            "community:group_edit POST",
            "community:group_edit",
            "POST",
            page("community:group_edit", group_slug=slug_of("closed_group")),
            members_page(only({"author"}, REDIRECT, 403)),
            data=form(name="Cercle renommé", visibility="on_request", language="fr"),
        ),
        Op(
            "community:group_join POST",
            "community:group_join",
            "POST",
            page("community:group_join", group_slug=slug_of("closed_group")),
            # Members of the group are told they already are (a message, nothing changes).
            members_page(everyone(REDIRECT)),
            same=frozenset(GROUP_ACTIVE),
        ),
        Op(
            "community:group_leave POST",
            "community:group_leave",
            "POST",
            page("community:group_leave", group_slug=slug_of("closed_group")),
            # Only its member leaves; its only administrator and non-members are told why not.
            members_page(everyone(REDIRECT)),
            same=frozenset(MEMBERS - {"member"}),
        ),
        Op(
            "community:group_members GET",
            "community:group_members",
            "GET",
            page("community:group_members", group_slug=slug_of("closed_group")),
            members_page(only(GROUP_ACTIVE, 200, 403)),
        ),
        Op(
            "community:group_member_action POST",
            "community:group_member_action",
            "POST",
            page(
                "community:group_member_action",
                group_slug=slug_of("closed_group"),
                user_id=key("requester_id"),
                action=lambda w, city: "approve",
            ),
            members_page(only({"author"}, REDIRECT, 403)),
        ),
        Op(
            "community:post GET",
            "community:post",
            "GET",
            page("community:post", post_id=district_post),
            members_page(post_reader(everyone(200))),
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:post GET [open group]",
            "community:post",
            "GET",
            page("community:post", post_id=key("open_post")),
            members_page(post_reader(everyone(200))),
        ),
        Op(
            "community:post GET [group on request]",
            "community:post",
            "GET",
            page("community:post", post_id=key("closed_post")),
            members_page(only(GROUP_ACTIVE, 200, 404)),
        ),
        Op(
            "community:post GET [hidden]",
            "community:post",
            "GET",
            page("community:post", post_id=key("hidden_post")),
            members_page(only({"author"}, 200, 404)),
        ),
        Op(
            "community:post_edit GET",
            "community:post_edit",
            "GET",
            page("community:post_edit", post_id=district_post),
            members_page(post_reader(only({"author"}, 200, 403))),
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:post_edit POST",
            "community:post_edit",
            "POST",
            page("community:post_edit", post_id=district_post),
            members_page(post_reader(only({"author"}, REDIRECT, 403))),
            data=form(body="Corvée au parc, samedi", language="fr"),
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:post_delete GET",
            "community:post_delete",
            "GET",
            page("community:post_delete", post_id=district_post),
            members_page(post_reader(only({"author"}, 200, 403))),
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:post_delete POST",
            "community:post_delete",
            "POST",
            page("community:post_delete", post_id=district_post),
            members_page(post_reader(only({"author"}, REDIRECT, 403))),
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:comment_create POST",
            "community:comment_create",
            "POST",
            page("community:comment_create", post_id=district_post),
            members_page(post_reader(everyone(REDIRECT))),
            data=form(body="J'apporte des gants.", language="fr"),
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:react POST",
            "community:react",
            "POST",
            page("community:react", post_id=district_post),
            members_page(post_reader(everyone(REDIRECT))),
            data=form(kind="like"),  # the citizen's "like" again takes it back
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:post_image GET",
            "community:post_image",
            "GET",
            page("community:post_image", post_id=district_post, image_id=key("image")),
            # A picture is a file: whoever may not read the post finds nothing (404).
            lambda r: 200 if r in READERS else 404,
            mixed=everyone(404),
        ),
        Op(
            "community:comment_edit GET",
            "community:comment_edit",
            "GET",
            page("community:comment_edit", comment_id=comment),
            members_page(post_reader(only({"author"}, 200, 403))),
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:comment_edit POST",
            "community:comment_edit",
            "POST",
            page("community:comment_edit", comment_id=comment),
            members_page(post_reader(only({"author"}, REDIRECT, 403))),
            data=form(body="Merci à tous!", language="fr"),
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:comment_delete GET",
            "community:comment_delete",
            "GET",
            page("community:comment_delete", comment_id=comment),
            members_page(post_reader(only({"author"}, 200, 403))),
            mixed=members_page(everyone(404)),
        ),
        Op(
            "community:comment_delete POST",
            "community:comment_delete",
            "POST",
            page("community:comment_delete", comment_id=comment),
            members_page(post_reader(only({"author"}, REDIRECT, 403))),
            mixed=members_page(everyone(404)),
        ),
        # --- safety: netiquette and reports -------------------------------------------------------
        Op(
            "safety:netiquette GET",
            "safety:netiquette",
            "GET",
            page("safety:netiquette"),
            everyone(200),
        ),
        Op(
            "safety:netiquette POST",
            "safety:netiquette",
            "POST",
            page("safety:netiquette"),
            # Accepting again changes nothing (everybody here has accepted).
            logged_in(only(MEMBERS, REDIRECT, 403)),
            same=frozenset(MEMBERS),
        ),
        Op(
            "safety:report GET",
            "safety:report",
            "GET",
            with_query(
                page("safety:report"), lambda w, c: f"target=post:{w.o[c]['district_post']}"
            ),
            logged_in(lambda r: 403 if r == "author" else 200 if r in READERS else 404),
        ),
        Op(
            "safety:report POST",
            "safety:report",
            "POST",
            with_query(
                page("safety:report"), lambda w, c: f"target=post:{w.o[c]['district_post']}"
            ),
            # The citizen already reported it (409); the author cannot report their own (403).
            logged_in(
                lambda r: (
                    403
                    if r == "author"
                    else 409
                    if r == "citizen"
                    else REDIRECT
                    if r in READERS
                    else 404
                )
            ),
            data=_report_reason,
        ),
        Op(
            "safety:report_sent GET",
            "safety:report_sent",
            "GET",
            page("safety:report_sent"),
            everyone(200),
        ),
        # --- people: personal pages ---------------------------------------------------------------
        Op(
            "people:feed GET",
            "people:feed",
            "GET",
            page("people:feed"),
            logged_in(everyone(200)),
            cities=(PERSONAL,),
            reveals=lambda w, city: [
                (w.o[BROSSARD]["district_text"], {"citizen", "member", "author"}),
                (w.o[BROSSARD]["closed_text"], GROUP_ACTIVE),
                (w.o[BROSSARD]["hidden_text"], set()),
            ],
        ),
        Op(
            "people:search GET",
            "people:search",
            "GET",
            with_query(page("people:search"), lambda w, c: f"q={w.o[BROSSARD]['closed_token']}"),
            logged_in(everyone(200)),
            cities=(PERSONAL,),
            reveals=lambda w, city: [(w.o[BROSSARD]["closed_text"], GROUP_ACTIVE)],
        ),
        Op(
            "people:profile GET",
            "people:profile",
            "GET",
            page("people:profile"),
            logged_in(everyone(200)),
            cities=(PERSONAL,),
        ),
        Op(
            "people:profile POST",
            "people:profile",
            "POST",
            page("people:profile"),
            logged_in(everyone(REDIRECT)),
            data=lambda w, city, actor: {"handle": w.handles.get(actor, ""), "bio": "Jardinière."},
            cities=(PERSONAL,),
        ),
        Op(
            "people:connections GET",
            "people:connections",
            "GET",
            page("people:connections"),
            logged_in(everyone(200)),
            cities=(PERSONAL,),
        ),
        Op(
            "people:translate GET",
            "people:translate",
            "GET",
            with_query(
                page("people:translate"),
                lambda w, c: f"target=post:{w.o[c]['district_post']}&lang=en",
            ),
            logged_in(lambda r: 200 if r in READERS else 404),
        ),
        Op(
            "people:person GET",
            "people:person",
            "GET",
            page("people:person", handle=key("author_handle")),
            logged_in(only(MEMBERS, 200, 404)),
            reveals=lambda w, city: [
                (w.o[city]["district_text"], READERS),
                (w.o[city]["closed_text"], GROUP_ACTIVE),
                (w.o[city]["hidden_text"], set()),
            ],
        ),
        Op(
            "people:follow POST",
            "people:follow",
            "POST",
            page("people:follow", handle=key("author_handle")),
            # Oneself: 400; the author blocked them: 403; they blocked the author: 409.
            logged_in(
                lambda r: {"author": 400, "blocked": 403, "blocker": 409}.get(
                    r, REDIRECT if r in MEMBERS else 404
                )
            ),
            same=frozenset({"citizen"}),  # already follows
        ),
        Op(
            "people:unfollow POST",
            "people:unfollow",
            "POST",
            page("people:unfollow", handle=key("author_handle")),
            logged_in(only(MEMBERS, REDIRECT, 404)),
            same=frozenset(MEMBERS - {"citizen"}),  # only the citizen follows the author
        ),
        Op(
            "people:block POST",
            "people:block",
            "POST",
            page("people:block", handle=key("author_handle")),
            logged_in(lambda r: 400 if r == "author" else REDIRECT if r in MEMBERS else 404),
            same=frozenset({"blocker"}),  # already blocks
        ),
        Op(
            "people:unblock POST",
            "people:unblock",
            "POST",
            page("people:unblock", handle=key("author_handle")),
            logged_in(lambda r: 404 if r == "author" else REDIRECT if r in MEMBERS else 404),
            same=frozenset(MEMBERS - {"blocker"}),  # only the blocker blocks the author
        ),
        # --- messages -----------------------------------------------------------------------------
        Op(
            "messages:inbox GET",
            "messages:inbox",
            "GET",
            page("messages:inbox"),
            logged_in(everyone(200)),
            cities=(PERSONAL,),
        ),
        Op(
            "messages:new GET",
            "messages:new",
            "GET",
            with_query(page("messages:new"), lambda w, c: f"to={w.o[c]['author_handle']}"),
            logged_in(everyone(200)),
            reveals=lambda w, city: [(w.o[city]["author"].display_name, MEMBERS)],
        ),
        Op(
            "messages:new POST",
            "messages:new",
            "POST",
            page("messages:new"),
            # To oneself: 400; blocked either way or sharing no municipality: 403.
            logged_in(
                lambda r: (
                    400
                    if r == "author"
                    else 403
                    if r in ("blocked", "blocker") or r not in MEMBERS
                    else REDIRECT
                )
            ),
            data=lambda w, city, actor: {
                "to": f"@{w.o[city]['author_handle']}",
                "body": "Bonjour!",
            },
        ),
        Op(
            "messages:conversation GET",
            "messages:conversation",
            "GET",
            page("messages:conversation", conversation_id=key("pair")),
            logged_in(only({"citizen", "author"}, 200, 404)),
        ),
        Op(
            "messages:conversation POST",
            "messages:conversation",
            "POST",
            page("messages:conversation", conversation_id=key("pair")),
            logged_in(only({"citizen", "author"}, REDIRECT, 404)),
            data=form(body="À samedi!"),
        ),
        Op(
            "messages:leave POST",
            "messages:leave",
            "POST",
            page("messages:leave", conversation_id=key("trio")),
            logged_in(only({"citizen", "member", "author"}, REDIRECT, 404)),
        ),
        # --- moderation (staff pages) -------------------------------------------------------------
        Op(
            "moderation:queue GET",
            "moderation:queue",
            "GET",
            page("moderation:queue"),
            staff_page(MODERATORS),
        ),
        Op(
            "moderation:report GET",
            "moderation:report",
            "GET",
            page("moderation:report", report_id=key("report")),
            staff_page(MODERATORS),
            mixed=staff_page(MODERATORS, 404),
        ),
        Op(
            "moderation:act POST",
            "moderation:act",
            "POST",
            page("moderation:act"),
            staff_page(MODERATORS, REDIRECT),
            data=lambda w, city, actor: {
                "kind": "hide",
                "hide-action": "hide",
                "hide-target": f"post:{w.o[city]['district_post']}",
                "hide-report_id": w.o[city]["report"],
                "hide-reason": "Publicité.",
            },
            mixed=staff_page(MODERATORS, 404),
        ),
        Op(
            "moderation:log GET",
            "moderation:log",
            "GET",
            page("moderation:log"),
            staff_page(MODERATORS),
        ),
        Op(
            "moderation:suspensions GET",
            "moderation:suspensions",
            "GET",
            page("moderation:suspensions"),
            staff_page(MODERATORS),
        ),
        Op(
            "moderation:netiquette GET",
            "moderation:netiquette",
            "GET",
            page("moderation:netiquette"),
            staff_page(MODERATORS),
        ),
        Op(
            "moderation:netiquette POST",
            "moderation:netiquette",
            "POST",
            page("moderation:netiquette"),
            staff_page(MODERATORS, REDIRECT),
            data=form(text_fr="Soyons courtois.", text_en="", text_es=""),
        ),
        # --- newcomers ----------------------------------------------------------------------------
        Op("newcomers:home GET", "newcomers:home", "GET", page("newcomers:home"), everyone(200)),
        Op(
            "newcomers:newcomer_profile GET",
            "newcomers:newcomer_profile",
            "GET",
            page("newcomers:newcomer_profile"),
            logged_in(only(MEMBERS, 200, 403)),
        ),
        Op(
            "newcomers:newcomer_profile POST",
            "newcomers:newcomer_profile",
            "POST",
            page("newcomers:newcomer_profile"),
            logged_in(only(MEMBERS, REDIRECT, 403)),
            data=lambda w, city, actor: {
                "arrival_date": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
                "languages_spoken": ["es"],
                "seeking": "on",
            },
        ),
        Op(
            "newcomers:buddy_profile GET",
            "newcomers:buddy_profile",
            "GET",
            page("newcomers:buddy_profile"),
            logged_in(only(MEMBERS, 200, 403)),
        ),
        Op(
            "newcomers:buddy_profile POST",
            "newcomers:buddy_profile",
            "POST",
            page("newcomers:buddy_profile"),
            logged_in(only(MEMBERS, REDIRECT, 403)),
            data=form(languages=["fr"], capacity="2", active="on"),
        ),
        Op(
            "newcomers:pairings GET",
            "newcomers:pairings",
            "GET",
            page("newcomers:pairings"),
            logged_in(everyone(200)),  # my own pairings here (none for most)
        ),
        Op(
            "newcomers:pairing GET",
            "newcomers:pairing",
            "GET",
            page("newcomers:pairing", pairing_id=key("proposed")),
            # Its coordinators are sent to the back office's page of the pairing.
            logged_in(lambda r: 200 if r in PARTIES else REDIRECT if r in COORDINATORS else 404),
            mixed=logged_in(everyone(404)),
        ),
        Op(
            "newcomers:pairing_action POST",
            "newcomers:pairing_action",
            "POST",
            page(
                "newcomers:pairing_action", pairing_id=key("proposed"), action=lambda w, c: "accept"
            ),
            logged_in(lambda r: REDIRECT if r in PARTIES else 403 if r in COORDINATORS else 404),
            mixed=logged_in(everyone(404)),
        ),
        # --- newcomers_staff ----------------------------------------------------------------------
        Op(
            "newcomers_staff:queue GET",
            "newcomers_staff:queue",
            "GET",
            page("newcomers_staff:queue"),
            staff_page(COORDINATORS),
        ),
        Op(
            "newcomers_staff:newcomer GET",
            "newcomers_staff:newcomer",
            "GET",
            page("newcomers_staff:newcomer", profile_id=key("waiting")),
            staff_page(COORDINATORS),
            mixed=staff_page(COORDINATORS, 404),
        ),
        Op(
            "newcomers_staff:newcomer POST",
            "newcomers_staff:newcomer",
            "POST",
            page("newcomers_staff:newcomer", profile_id=key("waiting")),
            staff_page(COORDINATORS, REDIRECT),
            data=lambda w, city, actor: {"buddy": w.o[city]["buddy_profile"], "note": ""},
            mixed=staff_page(COORDINATORS, 404),
        ),
        Op(
            "newcomers_staff:pairings GET",
            "newcomers_staff:pairings",
            "GET",
            page("newcomers_staff:pairings"),
            staff_page(COORDINATORS),
        ),
        Op(
            "newcomers_staff:pairing GET",
            "newcomers_staff:pairing",
            "GET",
            page("newcomers_staff:pairing", pairing_id=key("active")),
            staff_page(COORDINATORS),
            mixed=staff_page(COORDINATORS, 404),
        ),
        Op(
            "newcomers_staff:pairing_action POST",
            "newcomers_staff:pairing_action",
            "POST",
            page(
                "newcomers_staff:pairing_action",
                pairing_id=key("active"),
                action=lambda w, c: "complete",
            ),
            staff_page(COORDINATORS, REDIRECT),
            mixed=staff_page(COORDINATORS, 404),
        ),
        Op(
            "newcomers_staff:resources GET",
            "newcomers_staff:resources",
            "GET",
            page("newcomers_staff:resources"),
            staff_page(MODERATORS),
        ),
        Op(
            "newcomers_staff:resources POST",
            "newcomers_staff:resources",
            "POST",
            page("newcomers_staff:resources"),
            staff_page(MODERATORS, REDIRECT),
            data=form(
                category="language",
                name="Francisation Rive-Sud",
                description_fr="Cours de français.",
                languages=["fr"],
                published="on",
            ),
        ),
        Op(
            "newcomers_staff:resource_edit GET",
            "newcomers_staff:resource_edit",
            "GET",
            page("newcomers_staff:resource_edit", resource_id=key("resource")),
            staff_page(MODERATORS),
            mixed=staff_page(MODERATORS, 404),
        ),
        Op(
            "newcomers_staff:resource_edit POST",
            "newcomers_staff:resource_edit",
            "POST",
            page("newcomers_staff:resource_edit", resource_id=key("resource")),
            staff_page(MODERATORS, REDIRECT),
            data=form(
                category="welcome",
                name="Accueil renommé",
                description_fr="Accueil et installation.",
                languages=["fr"],
                published="on",
            ),
            mixed=staff_page(MODERATORS, 404),
        ),
        Op(
            "newcomers_staff:resource_publish POST",
            "newcomers_staff:resource_publish",
            "POST",
            page("newcomers_staff:resource_publish", resource_id=key("resource")),
            staff_page(MODERATORS, REDIRECT),
            data=form(published="0"),
            mixed=staff_page(MODERATORS, 404),
        ),
        Op(
            "newcomers_staff:resource_delete GET",
            "newcomers_staff:resource_delete",
            "GET",
            page("newcomers_staff:resource_delete", resource_id=key("resource")),
            staff_page(MODERATORS),
            mixed=staff_page(MODERATORS, 404),
        ),
        Op(
            "newcomers_staff:resource_delete POST",
            "newcomers_staff:resource_delete",
            "POST",
            page("newcomers_staff:resource_delete", resource_id=key("resource")),
            staff_page(MODERATORS, REDIRECT),
            mixed=staff_page(MODERATORS, 404),
        ),
    ]
    return ops


def a(operation: str, method: str, template: str, expect: Expect, **kwargs: Any) -> Op:
    """An API operation (`operation`: its operationId without the common prefix)."""
    if kwargs.get("mixed"):
        kwargs["mixed"] = api(kwargs["mixed"])
    return Op(
        f"api {operation}{kwargs.pop('variant', '')}",
        f"milieu_community_api_{operation}",
        method,
        path(template),
        api(expect),
        api=True,
        **kwargs,
    )


def body(**fields: Any) -> Callable[[World, str, str], dict]:
    return form(**fields)


M = "/municipalities/{slug}"


def api_operations() -> list[Op]:
    readers = post_reader

    def see_closed(r: str) -> Any:
        """The group on request's posts and members: its active members; the other members of
        the municipality are told why not (403); nobody else finds it."""
        return 200 if r in GROUP_ACTIVE else 403 if r in MEMBERS else 404

    def admin_of_closed(ok: Any) -> Expect:
        return lambda r: ok if r == "author" else 403 if r in MEMBERS else 404

    return [
        # --- social -------------------------------------------------------------------------------
        a(
            "social_home_feed",
            "GET",
            "/community/feed",
            everyone(200),
            cities=(PERSONAL,),
            reveals=lambda w, city: [
                (w.o[BROSSARD]["district_text"], {"citizen", "member", "author"}),
                (w.o[BROSSARD]["closed_text"], GROUP_ACTIVE),
                (w.o[BROSSARD]["hidden_text"], set()),
            ],
        ),
        a(
            "social_district_posts",
            "GET",
            M + "/community/districts/{district}/posts",
            only(MEMBERS, 200, 404),
            reveals=lambda w, city: [(w.o[city]["district_text"], READERS)],
        ),
        a(
            "social_district_post_create",
            "POST",
            M + "/community/districts/{district}/posts",
            only(MEMBERS, 201, 404),
            data=body(body="Qui a vu mon chat?", language="fr"),
        ),
        a("social_group_list", "GET", M + "/community/groups", only(MEMBERS, 200, 404)),
        a(
            "social_group_create",
            "POST",
            M + "/community/groups",
            only(MEMBERS, 201, 403),
            data=body(name="Club de lecture", visibility="open", language="fr"),
        ),
        a("social_group_get", "GET", "/community/groups/{closed_group}", only(MEMBERS, 200, 404)),
        a(
            "social_group_update",
            "PATCH",
            "/community/groups/{closed_group}",
            admin_of_closed(200),
            data=body(name="Cercle renommé"),
        ),
        a(
            "social_group_join",
            "POST",
            "/community/groups/{closed_group}/join",
            lambda r: 409 if r in GROUP_ACTIVE else 200 if r in MEMBERS else 404,
        ),
        a(
            "social_group_leave",
            "POST",
            "/community/groups/{closed_group}/leave",
            lambda r: 204 if r == "member" else 409 if r in MEMBERS else 404,
        ),
        a("social_group_members", "GET", "/community/groups/{closed_group}/members", see_closed),
        a(
            "social_group_member_approve",
            "POST",
            "/community/groups/{closed_group}/members/{requester_id}/approve",
            admin_of_closed(200),
        ),
        a(
            "social_group_member_refuse",
            "POST",
            "/community/groups/{closed_group}/members/{requester_id}/refuse",
            admin_of_closed(204),
        ),
        a(
            "social_group_member_remove",
            "POST",
            "/community/groups/{closed_group}/members/{member_id}/remove",
            admin_of_closed(204),
        ),
        a(
            "social_group_member_promote",
            "POST",
            "/community/groups/{closed_group}/members/{member_id}/promote",
            admin_of_closed(200),
        ),
        a(
            "social_group_posts",
            "GET",
            "/community/groups/{closed_group}/posts",
            see_closed,
            reveals=lambda w, city: [(w.o[city]["closed_text"], GROUP_ACTIVE)],
        ),
        a(
            "social_group_post_create",
            "POST",
            "/community/groups/{closed_group}/posts",
            lambda r: 201 if r in GROUP_ACTIVE else 403 if r in MEMBERS else 404,
            data=body(body="Prochaine réunion jeudi", language="fr"),
        ),
        a("social_post_get", "GET", "/community/posts/{district_post}", readers(everyone(200))),
        a(
            "social_post_get",
            "GET",
            "/community/posts/{open_post}",
            readers(everyone(200)),
            variant=" [open group]",
        ),
        a(
            "social_post_get",
            "GET",
            "/community/posts/{closed_post}",
            only(GROUP_ACTIVE, 200, 404),
            variant=" [group on request]",
        ),
        a(
            "social_post_get",
            "GET",
            "/community/posts/{hidden_post}",
            only({"author"}, 200, 404),
            variant=" [hidden]",
        ),
        a(
            "social_post_update",
            "PATCH",
            "/community/posts/{district_post}",
            readers(only({"author"}, 200, 403)),
            data=body(body="Corvée au parc, samedi"),
        ),
        a(
            "social_post_delete",
            "DELETE",
            "/community/posts/{district_post}",
            readers(only({"author"}, 204, 403)),
        ),
        a(
            "social_post_image_add",
            "POST",
            "/community/posts/{district_post}/images",
            readers(only({"author"}, 201, 403)),
            data=lambda w, city, actor: {
                "file": SimpleUploadedFile("ajout.jpg", jpeg_bytes(), content_type="image/jpeg"),
                "alt_text": "Des pelles",
            },
            multipart=True,
        ),
        a(
            "social_comment_list",
            "GET",
            "/community/posts/{district_post}/comments",
            readers(everyone(200)),
        ),
        a(
            "social_comment_create",
            "POST",
            "/community/posts/{district_post}/comments",
            readers(everyone(201)),
            data=body(body="J'apporte des gants.", language="fr"),
        ),
        a(
            "social_comment_update",
            "PATCH",
            "/community/comments/{comment}",
            readers(only({"author"}, 200, 403)),
            data=body(body="Merci à tous!"),
        ),
        a(
            "social_comment_delete",
            "DELETE",
            "/community/comments/{comment}",
            readers(only({"author"}, 204, 403)),
        ),
        a(
            "social_reaction_set",
            "PUT",
            "/community/posts/{district_post}/reaction",
            readers(everyone(200)),
            data=body(kind="thanks"),
        ),
        a(
            "social_reaction_remove",
            "DELETE",
            "/community/posts/{district_post}/reaction",
            readers(everyone(200)),
            same=frozenset(READERS - {"citizen"}),  # only the citizen reacted
        ),
        # --- people -------------------------------------------------------------------------------
        a("people_my_profile", "GET", "/community/me/profile", everyone(200), cities=(PERSONAL,)),
        a(
            "people_my_profile_update",
            "PATCH",
            "/community/me/profile",
            everyone(200),
            data=body(bio="Jardinière."),
            cities=(PERSONAL,),
        ),
        a(
            "people_person_get",
            "GET",
            "/community/people/{author_handle}",
            only(MEMBERS, 200, 404),
            reveals=lambda w, city: [
                (w.o[city]["district_text"], READERS),
                (w.o[city]["closed_text"], GROUP_ACTIVE),
                (w.o[city]["hidden_text"], set()),
            ],
        ),
        a(
            "people_follow",
            "PUT",
            "/community/people/{author_handle}/follow",
            lambda r: {"author": 400, "blocked": 403, "blocker": 409}.get(
                r, 200 if r in MEMBERS else 404
            ),
            same=frozenset({"citizen"}),
        ),
        a(
            "people_unfollow",
            "DELETE",
            "/community/people/{author_handle}/follow",
            only(MEMBERS, 204, 404),
            same=frozenset(MEMBERS - {"citizen"}),
        ),
        a(
            "people_block",
            "PUT",
            "/community/people/{author_handle}/block",
            lambda r: 400 if r == "author" else 200 if r in MEMBERS else 404,
            same=frozenset({"blocker"}),
        ),
        a(
            "people_unblock",
            "DELETE",
            "/community/people/{author_handle}/block",
            lambda r: 404 if r == "author" else 204 if r in MEMBERS else 404,
            same=frozenset(MEMBERS - {"blocker"}),
        ),
        a("people_following", "GET", "/community/me/following", everyone(200), cities=(PERSONAL,)),
        a("people_blocked", "GET", "/community/me/blocked", everyone(200), cities=(PERSONAL,)),
        a(
            "people_search",
            "GET",
            "/community/search?q=" + "{closed_token}",
            everyone(200),
            reveals=lambda w, city: [(w.o[city]["closed_text"], GROUP_ACTIVE)],
        ),
        a(
            "people_translations",
            "GET",
            "/community/translations?lang=en&target=post:{district_post}",
            readers(everyone(200)),
        ),
        # --- messages -----------------------------------------------------------------------------
        a(
            "messages_list_conversations",
            "GET",
            "/community/conversations",
            everyone(200),
            cities=(PERSONAL,),
        ),
        a(
            "messages_start_conversation",
            "POST",
            "/community/conversations",
            # The citizen already talks with the author: 200, the message goes there.
            lambda r: (
                400
                if r == "author"
                else 403
                if r in ("blocked", "blocker") or r not in MEMBERS
                else 200
                if r == "citizen"
                else 201
            ),
            data=lambda w, city, actor: {"to": [w.o[city]["author_handle"]], "body": "Bonjour!"},
        ),
        a(
            "messages_get_conversation",
            "GET",
            "/community/conversations/{pair}",
            only({"citizen", "author"}, 200, 404),
        ),
        a(
            "messages_list_messages",
            "GET",
            "/community/conversations/{pair}/messages",
            only({"citizen", "author"}, 200, 404),
        ),
        a(
            "messages_send_message",
            "POST",
            "/community/conversations/{pair}/messages",
            only({"citizen", "author"}, 201, 404),
            data=body(body="À samedi!"),
        ),
        a(
            "messages_mark_read",
            "POST",
            "/community/conversations/{pair}/read",
            only({"citizen", "author"}, 204, 404),
        ),
        a(
            "messages_leave",
            "POST",
            "/community/conversations/{trio}/leave",
            only({"citizen", "member", "author"}, 204, 404),
        ),
        # --- moderation ---------------------------------------------------------------------------
        Op(
            "api moderation_get_netiquette",
            "milieu_community_api_moderation_get_netiquette",
            "GET",
            path(M + "/community/netiquette"),
            everyone(200),  # public, also to anonymous visitors
            api=True,
        ),
        a(
            "moderation_accept_netiquette",
            "POST",
            M + "/community/netiquette/accept",
            only(MEMBERS, 200, 403),
            same=frozenset(MEMBERS),  # everybody here has accepted already
        ),
        a(
            "moderation_create_report",
            "POST",
            M + "/community/reports",
            lambda r: (
                403 if r == "author" else 409 if r == "citizen" else 201 if r in READERS else 404
            ),
            data=_report_reason,
        ),
        a("moderation_list_reports", "GET", M + "/moderation/reports", only(MODERATORS, 200, 403)),
        a(
            "moderation_get_report",
            "GET",
            M + "/moderation/reports/{report}",
            only(MODERATORS, 200, 403),
            mixed=only(MODERATORS, 404, 403),
        ),
        a(
            "moderation_create_action",
            "POST",
            M + "/moderation/actions",
            only(MODERATORS, 201, 403),
            data=lambda w, city, actor: {
                "action": "hide",
                "target": f"post:{w.o[city]['district_post']}",
                "reason": "Publicité.",
                "report_id": w.o[city]["report"],
            },
            mixed=only(MODERATORS, 404, 403),
        ),
        a("moderation_list_actions", "GET", M + "/moderation/actions", only(MODERATORS, 200, 403)),
        a(
            "moderation_list_suspensions",
            "GET",
            M + "/moderation/suspensions",
            only(MODERATORS, 200, 403),
        ),
        a(
            "moderation_publish_netiquette",
            "POST",
            M + "/moderation/netiquette",
            only(MODERATORS, 201, 403),
            data=body(text_fr="Soyons courtois."),
        ),
        # --- newcomers ----------------------------------------------------------------------------
        Op(
            "api newcomers_resources_list",
            "milieu_community_api_newcomers_resources_list",
            "GET",
            path(M + "/newcomers/resources"),
            everyone(200),  # public, also to anonymous visitors
            api=True,
        ),
        a(
            "newcomers_resources_create",
            "POST",
            M + "/newcomers/resources",
            only(MODERATORS, 201, 403),
            data=body(category="language", name="Francisation", description_fr="Cours."),
        ),
        a(
            "newcomers_resources_update",
            "PATCH",
            M + "/newcomers/resources/{resource}",
            only(MODERATORS, 200, 403),
            data=body(name="Accueil renommé"),
            mixed=only(MODERATORS, 404, 403),
        ),
        a(
            "newcomers_resources_delete",
            "DELETE",
            M + "/newcomers/resources/{resource}",
            only(MODERATORS, 204, 403),
            mixed=only(MODERATORS, 404, 403),
        ),
        a(
            "newcomers_my_newcomer_profile",
            "GET",
            M + "/newcomers/me",
            only({"newcomer"}, 200, 404),  # 404 until one has a profile here
        ),
        a(
            "newcomers_my_newcomer_profile_save",
            "PUT",
            M + "/newcomers/me",
            only(MEMBERS, 200, 403),
            data=lambda w, city, actor: {
                "arrival_date": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
                "languages_spoken": ["es"],
            },
        ),
        a("newcomers_my_buddy_profile", "GET", M + "/newcomers/buddy", only({"buddy"}, 200, 404)),
        a(
            "newcomers_my_buddy_profile_save",
            "PUT",
            M + "/newcomers/buddy",
            only(MEMBERS, 200, 403),
            data=body(languages=["fr"], capacity=2),
        ),
        a(
            "newcomers_pairings_mine",
            "GET",
            "/community/pairings",
            everyone(200),
            cities=(PERSONAL,),
        ),
        a(
            "newcomers_pairing_detail",
            "GET",
            "/community/pairings/{proposed}",
            only(PARTIES | COORDINATORS, 200, 404),
        ),
        a(
            "newcomers_pairing_accept",
            "POST",
            "/community/pairings/{proposed}/accept",
            lambda r: 200 if r in PARTIES else 403 if r in COORDINATORS else 404,
        ),
        a(
            "newcomers_pairing_decline",
            "POST",
            "/community/pairings/{proposed}/decline",
            lambda r: 200 if r in PARTIES else 403 if r in COORDINATORS else 404,
        ),
        a(
            "newcomers_pairing_end",
            "POST",
            "/community/pairings/{active}/end",
            only(COORDINATORS, 200, 404),
            data=body(reason="Déménagement."),
        ),
        a(
            "newcomers_pairing_complete",
            "POST",
            "/community/pairings/{active}/complete",
            only(COORDINATORS, 200, 404),
        ),
        a(
            "newcomers_pairing_feedback",
            "POST",
            "/community/pairings/{proposed}/feedback",
            # Its two people may: once it is over (409 while proposed). Coordinators may not.
            lambda r: 409 if r in PARTIES else 403 if r in COORDINATORS else 404,
            data=body(rating=5, comment="Très bien."),
        ),
        a("newcomers_queue", "GET", M + "/newcomers/queue", only(COORDINATORS, 200, 403)),
        a(
            "newcomers_matches",
            "GET",
            M + "/newcomers/{waiting}/matches",
            only(COORDINATORS, 200, 403),
            mixed=only(COORDINATORS, 404, 403),
        ),
        a(
            "newcomers_propose",
            "POST",
            M + "/newcomers/pairings",
            only(COORDINATORS, 201, 403),
            data=lambda w, city, actor: {
                "newcomer_id": w.o[city]["waiting"],
                "buddy_id": w.o[city]["buddy_profile"],
            },
            mixed=only(COORDINATORS, 404, 403),
        ),
        a("newcomers_pairings", "GET", M + "/newcomers/pairings", only(COORDINATORS, 200, 403)),
    ]


OPERATIONS = page_operations() + api_operations()


def _cells() -> list:
    cells = []
    for op in OPERATIONS:
        for city in op.cities + ((MIXED,) if op.mixed else ()):
            for actor in ACTORS:
                marks = [
                    pytest.mark.xfail(strict=True, reason=reason)
                    for roles, reason in op.bugs
                    if role(actor, city) in roles
                ]
                cells.append(
                    pytest.param(op, actor, city, id=f"{op.name}|{actor}|{city}", marks=marks)
                )
    return cells


# --- Running one cell -----------------------------------------------------------------------------


def _client(world: World, actor: str) -> Client:
    """The module's one client (its handler loads the middleware once, not per test), with the
    actor's session and nothing else."""
    client = world.client
    client.cookies = SimpleCookie()
    if actor != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]
    return client


def _send(client: Client, op: Op, url: str, data: Any):
    if op.method == "GET":
        return client.get(url)
    if op.api and not op.multipart:
        return client.generic(
            op.method, url, json.dumps(data or {}), content_type="application/json"
        )
    return client.post(url, data or {})


def _observed(response) -> Any:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        with translation.override("fr"):
            if location.startswith(reverse("account_login")):
                return LOGIN
            if location.startswith(reverse("mfa_activate_totp")):
                return MFA
        return REDIRECT
    return response.status_code


@pytest.mark.parametrize(("op", "actor", "city"), _cells())
def test_matrix(world, db, op: Op, actor: str, city: str):
    who = role(actor, city)
    expected = (op.mixed if city == MIXED else op.expect)(who)
    url = op.url(world, city)
    data = op.data(world, city, actor) if op.data else None
    write = op.method in WRITES
    before = snapshot() if write else None

    response = _send(_client(world, actor), op, url, data)

    observed = _observed(response)
    assert observed == expected, (
        f"{op.name} by {actor} ({who}) on {city}: expected {expected}, got {observed}: "
        f"{response.content[:300]!r}"
    )
    if write:
        after = snapshot()
        _delete_files(PostImage.objects.exclude(pk__in=[row[0] for row in before["PostImage"]]))
        changed = changed_tables(before, after)
        if expected in ALLOWED and who not in op.same:
            assert changed, (
                f"{op.name} by {actor} on {city} answered {observed} but changed nothing"
            )
        else:
            assert not changed, f"{op.name} by {actor} on {city} was refused but changed {changed}"
    if op.reveals is not None and observed == 200:
        text = response.content.decode()
        for secret, seen_by in op.reveals(world, city):
            shown = secret in text or json.dumps(secret)[1:-1] in text
            assert shown == (who in seen_by), (
                f"{op.name} by {actor} on {city}: {secret!r} {'shown' if shown else 'not shown'}"
            )


# --- Every page and every API operation has its entry ---------------------------------------------


def _methods(view) -> set[str]:
    """The methods a view accepts, from its `require_http_methods` (every community view has
    one; a view without it must be given one before it gets an entry here)."""
    current = view
    while current is not None:
        code = getattr(current, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = current.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        current = getattr(current, "__wrapped__", None)
    return {"<no require_http_methods>"}


def _patterns(resolver, namespace: str | None = None, prefix: str = ""):
    """(namespace, route, URL name, view) of every URL pattern."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace, route)
        elif isinstance(entry, URLPattern):
            yield namespace, route, entry.name, entry.callback


def test_every_page_has_an_entry():
    pages = {
        (f"{namespace}:{name}", method)
        for namespace, _route, name, view in _patterns(get_resolver())
        if namespace in NAMESPACES
        for method in _methods(view)
    }
    covered = {(op.route, op.method) for op in OPERATIONS if not op.api}
    assert sorted(pages - covered) == [], "pages without an entry in the matrix"
    assert sorted(covered - pages) == [], "entries of the matrix without their page"


def _api_operations_routed(ninja_api) -> set[tuple[str, str]]:
    """(operationId, method) of the API's URL patterns under the community's paths, from the
    resolver: also the operations left out of the schema."""
    found = set()
    for namespace, route, _name, view in _patterns(get_resolver()):
        if namespace != "api" or not any(marker in "/" + route for marker in API_MARKERS):
            continue
        cells = [cell.cell_contents for cell in view.__closure__ or ()]
        path_view = next(c for c in cells if hasattr(c, "operations"))
        for operation in path_view.operations:
            operation_id = operation.operation_id or ninja_api.get_openapi_operation_id(operation)
            found |= {(operation_id, method.upper()) for method in operation.methods}
    return found


def test_every_api_operation_has_an_entry():
    from config.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    documented = {
        (operation["operationId"], method.upper())
        for route, methods in schema["paths"].items()
        if any(marker in route for marker in API_MARKERS)
        for method, operation in methods.items()
    }
    routed = _api_operations_routed(ninja_api)
    assert documented and routed, "the community's API operations were not found"
    operations = documented | routed
    covered = {(op.route, op.method) for op in OPERATIONS if op.api}
    assert sorted(operations - covered) == [], "API operations without an entry in the matrix"
    assert sorted(covered - operations) == [], "entries of the matrix without their operation"


def test_outsiders_get_a_denial_everywhere():
    """Nobody changes anything of a municipality they do not belong to: outsiders are refused
    every write of the matrix that is about one municipality's objects."""
    for op in OPERATIONS:
        if op.method in WRITES and op.cities == CITIES:
            assert op.expect("outsider") not in ALLOWED, op.name
