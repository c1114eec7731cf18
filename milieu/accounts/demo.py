"""Demo accounts, one per role. Idempotent: existing accounts are left as they are."""

from allauth.account.models import EmailAddress
from django.db import transaction

from milieu.territory.models import District, Municipality, Region

from .models import Membership, Role, RoleAssignment, User

DEMO_PASSWORD = "milieu-demo-2026"  # noqa: S105 - printed on purpose: demo data only

# email, display name, home municipality, role, scope (municipality or region slug)
DEMO_ACCOUNTS = [
    ("citoyenne@demo.milieu.test", "Camille (citoyenne)", "brossard", None, None),
    ("resident@demo.milieu.test", "Gabriel (Témiscamingue)", "ville-marie", None, None),
    ("commerce@demo.milieu.test", "Café du Quartier", "brossard", Role.MERCHANT, "brossard"),
    (
        "organisme@demo.milieu.test",
        "Entraide Brossard",
        "brossard",
        Role.ORGANISATION_MANAGER,
        "brossard",
    ),
    ("employe.brossard@demo.milieu.test", "Employé Brossard", "brossard", Role.STAFF, "brossard"),
    ("admin.brossard@demo.milieu.test", "Admin Brossard", "brossard", Role.ADMIN, "brossard"),
    (
        "employe.chateauguay@demo.milieu.test",
        "Employée Châteauguay",
        "chateauguay",
        Role.STAFF,
        "chateauguay",
    ),
    (
        "admin.mrc@demo.milieu.test",
        "Admin MRC de Témiscamingue",
        "ville-marie",
        Role.CONSORTIUM_ADMIN,
        "temiscamingue",
    ),
]
OPERATOR = ("operateur@demo.milieu.test", "Opérateur de la plateforme")


def _account(email: str, name: str, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name, **extra)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load() -> list[str]:
    lines = [f"Demo accounts (password for all: {DEMO_PASSWORD}):"]
    for email, name, home_slug, role, scope in DEMO_ACCOUNTS:
        user = _account(email, name)
        home = Municipality.objects.get(slug=home_slug)
        if not Membership.objects.filter(user=user, is_home=True).exists():
            Membership.objects.update_or_create(
                user=user,
                municipality=home,
                defaults={
                    "is_home": True,
                    "district": District.objects.filter(municipality=home).first(),
                },
            )
        label = f"citizen — {home.name}"
        if role == Role.CONSORTIUM_ADMIN:
            region = Region.objects.get(slug=scope)
            RoleAssignment.objects.active().get_or_create(user=user, role=role, region=region)
            label = f"{role.label} — {region.name}"
        elif role is not None:
            municipality = Municipality.objects.get(slug=scope)
            RoleAssignment.objects.active().get_or_create(
                user=user, role=role, municipality=municipality
            )
            label = f"{role.label} — {municipality.name}"
        lines.append(f"  {email:<40} {label}")
    operator = _account(OPERATOR[0], OPERATOR[1], is_staff=True, is_superuser=True)
    lines.append(f"  {operator.email:<40} platform operator (Django admin at /admin/)")
    lines.append("  Staff and administrators enrol a TOTP authenticator on their first visit.")
    return lines
