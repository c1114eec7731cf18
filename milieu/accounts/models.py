from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # email is the username field

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email.split("@")[0]


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


MUNICIPAL_ROLES = [Role.ORGANISATION_MANAGER, Role.MERCHANT, Role.STAFF, Role.ADMIN]
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
