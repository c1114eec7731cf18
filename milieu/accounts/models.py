from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milieu.core.storage import private_storage


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One account per person, whatever municipalities they belong to.

    `is_staff` means platform operator (Django admin), not municipal staff: municipal roles are
    `RoleAssignment` rows scoped to one municipality or region.
    """

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        MEMBERS = "members", _("Members of my municipalities")
        PUBLIC = "public", _("Everyone")

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    profile_visibility = models.CharField(
        _("who can see my profile"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(_("platform operator"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The last day the person used the platform (set at most once a day by
    # `insights.middleware.ActivityMiddleware`): what counts monthly active residents without
    # keeping any browsing history.
    last_active_on = models.DateField(_("last active on"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # email is the username field

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def __getstate__(self) -> dict:
        """Pickled (for the cache) without what a request memoised on it (`_milieu_*`: the
        prefetched entries, the access facts, the trust levels)."""
        state = super().__getstate__()
        return {name: value for name, value in state.items() if not name.startswith("_milieu_")}


class Membership(models.Model):
    """A person's tie to a municipality: exactly one home (with a district), any number visited."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="memberships"
    )
    district = models.ForeignKey(
        "territory.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_home = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="membership_unique_municipality"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_home=True), name="membership_one_home"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "is_home"], name="membership_muni_home")]

    def __str__(self) -> str:
        return f"{self.user} — {self.municipality}"


class Role(models.TextChoices):
    ORGANISATION_MANAGER = "organisation_manager", _("Organisation manager")
    MERCHANT = "merchant", _("Merchant")
    STAFF = "staff", _("Municipal staff")
    ADMIN = "admin", _("Municipal administrator")
    CONSORTIUM_ADMIN = "consortium_admin", _("Consortium administrator")
    ELECTED = "elected", _("Elected official")


MUNICIPAL_ROLES = [Role.ORGANISATION_MANAGER, Role.MERCHANT, Role.STAFF, Role.ADMIN, Role.ELECTED]
# The roles that manage a municipality's services. An elected official is not staff: they read
# what residents ask the council (with MFA, like staff: `holds_any_staff_role`) but manage
# nothing; apps that let them read something ask for `Role.ELECTED` by name.
STAFF_ROLES = {Role.STAFF, Role.ADMIN}


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self) -> "RoleAssignmentQuerySet":
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(models.Model):
    """A role held in one municipality (or, for consortium admins, one region).

    Being a citizen is a `Membership`, not a role. Revoking keeps the row (who, when) as history.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    region = models.ForeignKey(
        "territory.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="consortium_admin", region__isnull=False, municipality__isnull=True)
                    | (
                        ~Q(role="consortium_admin")
                        & Q(municipality__isnull=False, region__isnull=True)
                    )
                ),
                name="role_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(revoked_at__isnull=True, municipality__isnull=False),
                name="role_unique_active_municipal",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(revoked_at__isnull=True, region__isnull=False),
                name="role_unique_active_regional",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "role"], name="role_municipality_role"),
            models.Index(fields=["user", "revoked_at"], name="role_user_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


# --- Identity: residency verification, citizen ids, background checks, card keys ---------------


class TrustLevel(models.IntegerChoices):
    """What the platform knows of a person in one municipality, in increasing order."""

    VISITOR = 0, _("Visitor")
    MEMBER = 1, _("Member (email verified)")
    RESIDENT = 2, _("Verified resident")
    SCREENED = 3, _("Screened (background check)")


class CivicAddress(models.Model):
    """One line of a municipality's civic-address registry (imported by staff as CSV)."""

    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="civic_addresses"
    )
    civic_number = models.CharField(_("civic number"), max_length=16)
    street = models.CharField(_("street"), max_length=200)
    street_key = models.CharField(max_length=200, editable=False)  # normalised for matching
    postal_code = models.CharField(_("postal code"), max_length=6)  # normalised: H0H0H0
    district = models.ForeignKey(
        "territory.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("civic address")
        verbose_name_plural = _("civic addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "postal_code", "civic_number", "street_key"],
                name="civic_address_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.civic_number} {self.street}, {self.postal_code_display}"

    @property
    def postal_code_display(self) -> str:
        """As written on an envelope: `H0H 0H0`."""
        return f"{self.postal_code[:3]} {self.postal_code[3:]}".strip()


class Verification(models.Model):
    """A request to be recognised as a resident, decided by one registered method.

    Methods live in `accounts.verification` (a registry). The decision is kept (who, when, how);
    the evidence is not: letter codes are stored hashed and proofs of address are deleted as soon
    as staff decide.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verifications")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="verifications"
    )
    method = models.CharField(_("method"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    address = models.ForeignKey(
        CivicAddress, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    letter_code_hash = models.CharField(max_length=128, blank=True)
    letter_printed_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    document = models.FileField(
        upload_to="verification/%Y/%m/", storage=private_storage, blank=True
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(status="pending"),
                name="verification_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "method"], name="verification_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.municipality} ({self.method}, {self.status})"


class CitizenId(models.Model):
    """The identifier a municipality issues to a verified resident, valid one year.

    `number` is CODE-YEAR-SERIAL-CHECK, e.g. BRO-2026-004217-7. Confirming renews `expires_at`.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="citizen_ids")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="citizen_ids"
    )
    verification = models.ForeignKey(Verification, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("citizen id"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reminded_days = models.JSONField(default=list, blank=True)  # e.g. [30, 7]: reminders sent
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "serial"], name="citizen_id_unique_serial"
            ),
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(revoked_at__isnull=True),
                name="citizen_id_one_active",
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="citizen_id_expiry")]

    def __str__(self) -> str:
        return self.number


class BackgroundCheck(models.Model):
    """A check recorded by staff (type, date, expiry). No document is ever kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="background_checks")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="background_checks"
    )
    kind = models.CharField(_("type of check"), max_length=100)
    checked_on = models.DateField(_("date of the check"))
    expires_on = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "municipality"], name="background_check_user")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("checked_on")), name="background_check_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind}"


class ResidencyShareConsent(models.Model):
    """The citizen lets a visited municipality rely on their home municipality's verification."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="residency_consents")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(withdrawn_at__isnull=True),
                name="residency_consent_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.municipality}"


class CardKey(models.Model):
    """An Ed25519 key a municipality signs citizen cards with.

    Keys rotate: the newest active key signs; a retired key stays published in the JWKS until the
    last card it signed has expired (`publish_until`).
    """

    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="card_keys"
    )
    kid = models.CharField(max_length=64, unique=True)
    private_jwk = models.TextField()  # encrypted at rest with a key derived from SECRET_KEY
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    publish_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "retired_at"], name="card_key_active")]

    def __str__(self) -> str:
        return self.kid
