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


# A few civic addresses of Brossard, so that the registry-and-letter verification can be tried.
DEMO_STREETS = ["boulevard Taschereau", "rue Rome", "avenue Panama", "rue de Bordeaux"]


def load_identity() -> list[str]:
    """Demo identity: a verified resident (Camille), a screened organisation manager, and a small
    civic-address registry for Brossard. Idempotent."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import BackgroundCheck, CitizenId, CivicAddress, Verification
    from .selectors.verification import street_key
    from .services import citizen_id_issue

    brossard = Municipality.objects.get(slug="brossard")
    district = District.objects.filter(municipality=brossard).first()
    for index, street in enumerate(DEMO_STREETS):
        for number in range(100, 110):
            CivicAddress.objects.get_or_create(
                municipality=brossard,
                civic_number=str(number + index * 1000),
                street_key=street_key(street),
                postal_code=f"J4W{index}A{number % 10}",
                defaults={"street": street, "district": district},
            )
    admin = User.objects.get(email="admin.brossard@demo.milieu.test")
    lines = []
    for email in ("citoyenne@demo.milieu.test", "organisme@demo.milieu.test"):
        user = User.objects.get(email=email)
        if not CitizenId.objects.filter(user=user, municipality=brossard).exists():
            verification = Verification.objects.create(
                user=user, municipality=brossard, method="counter"
            )
            citizen_id_issue(verification=verification, decided_by=admin)
        citizen_id = CitizenId.objects.get(
            user=user, municipality=brossard, revoked_at__isnull=True
        )
        lines.append(f"  {email:<40} verified resident, citizen id {citizen_id.number}")
    organiser = User.objects.get(email="organisme@demo.milieu.test")
    today = timezone.localdate()
    BackgroundCheck.objects.get_or_create(
        user=organiser,
        municipality=brossard,
        kind="Vérification des antécédents judiciaires",
        defaults={
            "checked_on": today - timedelta(days=30),
            "expires_on": today + timedelta(days=3 * 365),
            "recorded_by": admin,
        },
    )
    lines.append(
        "  Brossard's demo civic registry: 100-109 boulevard Taschereau (postal codes J4W0A0 to "
        "J4W0A9), 1100-1109 rue Rome (J4W1A0 to J4W1A9), ..."
    )
    return lines
