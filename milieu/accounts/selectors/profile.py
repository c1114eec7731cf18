from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from milieu.accounts.access import access_facts
from milieu.accounts.models import Membership, RoleAssignment, User
from milieu.core.compiled import CompiledQuery
from milieu.core.errors import NotFound, PermissionDenied
from milieu.territory.models import Municipality


def home_membership(*, user: User) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("municipality", "district")
        .filter(user=user, is_home=True)
        .first()
    )


def membership_get(*, user: User | AnonymousUser, municipality: Municipality) -> Membership | None:
    """The user's tie to this municipality, if any (None for visitors)."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, municipality=municipality).first()


def membership_status(*, user: User | AnonymousUser, municipality: Municipality) -> dict | None:
    """`{"is_home": …}` when the user belongs to the municipality, else None — from the cached
    access facts, for pages that only need to know (no query)."""
    if not user.is_authenticated:
        return None
    facts = access_facts(user)
    if municipality.pk not in facts.memberships:
        return None
    return {"is_home": facts.home_id == municipality.pk}


def membership_list(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("municipality", "district")
        .filter(user=user)
        .order_by("-is_home", "municipality__name")
    )


# The person's own memberships and roles as `/api/v1/me` shows them, compiled once per process
# (`core.compiled`): these two queries were most of a cold `/api/v1/me`.
MY_MEMBERSHIPS = CompiledQuery(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id)
        .order_by("-is_home", "municipality__name")
        .values_list(
            "municipality__slug", "municipality__name", "district_id", "district__name", "is_home"
        )
    ),
    converted=True,
)
MY_ROLES = CompiledQuery(
    lambda user_id: (
        RoleAssignment.objects.active()
        .filter(user_id=user_id)
        .order_by("role", "pk")
        .values_list("role", "municipality__slug", "region__slug")
    )
)


def my_memberships(*, user: User) -> list[dict]:
    """My memberships, home first: municipality (slug), municipality_name, district_id,
    district_name, is_home."""
    return [
        {
            "municipality": slug,
            "municipality_name": name,
            "district_id": district_id,
            "district_name": district_name,
            "is_home": is_home,
        }
        for slug, name, district_id, district_name, is_home in MY_MEMBERSHIPS.rows(user.pk)
    ]


def my_roles(*, user: User) -> list[dict]:
    """My active roles: role, municipality (slug or None), region (slug or None)."""
    return [
        {"role": role, "municipality": municipality, "region": region}
        for role, municipality, region in MY_ROLES.rows(user.pk)
    ]


def role_list(*, visible_to: User, municipality: Municipality) -> QuerySet[RoleAssignment]:
    """Active roles in a municipality, for those who may manage them."""
    if not visible_to.has_perm("accounts.manage_roles", municipality):
        raise PermissionDenied(_("You are not allowed to see this municipality's roles."))
    return (
        RoleAssignment.objects.active()
        .filter(municipality=municipality)
        .select_related("user", "granted_by")
        .order_by("role", "user__email")
    )


def role_get(*, visible_to: User, municipality: Municipality, assignment_id: int) -> RoleAssignment:
    try:
        return role_list(visible_to=visible_to, municipality=municipality).get(pk=assignment_id)
    except RoleAssignment.DoesNotExist:
        raise NotFound(_("This role does not exist.")) from None


def user_roles(*, user: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.active()
        .filter(user=user)
        .select_related("municipality", "region")
        .order_by("role")
    )
