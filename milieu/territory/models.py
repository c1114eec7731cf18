from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from milieu.core.colour import contrast_ratio

# Slugs that would clash with the language-prefixed pages outside a municipality.
RESERVED_SLUGS = {
    "accounts",
    "regions",
    "i18n",
    "profile",
    "staff",
    "api",
    "admin",
    "static",
    "card",
    "oidc",
    "notifications",
    "rewards",
    "community",
    "messages",
    "open-data",
    "toolkit",
    "practices",
    "recognition",
}


def validate_municipality_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This web address is reserved; choose another one."))


def validate_brand_colour(value: str) -> None:
    """The brand colour is the header's background behind white text: it must reach WCAG AA."""
    if contrast_ratio(value, "#ffffff") < 4.5:
        raise ValidationError(
            _(
                "This colour is too light for white text (contrast below 4.5:1); choose a darker one."
            )
        )


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class Region(models.Model):
    class Kind(models.TextChoices):
        CONSORTIUM = "consortium", _("Consortium")
        MRC = "mrc", _("Regional county municipality (MRC)")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("City")
        MUNICIPALITY = "municipality", _("Municipality")
        UNORGANISED = "unorganised-territory", _("Unorganised territory")
        INDIGENOUS_NATION = "indigenous-nation", _("Indigenous nation")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    slug = models.SlugField(unique=True, validators=[validate_municipality_slug])
    name = models.CharField(_("name"), max_length=200)
    id_code = models.CharField(
        _("citizen id prefix"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,5}$", _("Use 2 to 5 capital letters."))],
        help_text=_("Fixed once citizen ids have been issued, e.g. BRO."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    indigenous = models.BooleanField(_("Indigenous community"), default=False)
    population = models.PositiveIntegerField(_("population"), default=0)
    population_source = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(_("latitude of the centre"))
    longitude = models.FloatField(_("longitude of the centre"))
    enabled_modules = models.JSONField(_("enabled modules"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1d4f91",
        validators=[hex_colour, validate_brand_colour],
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    privacy_officer_name = models.CharField(_("privacy officer"), max_length=200, blank=True)
    privacy_officer_email = models.EmailField(_("privacy officer's email"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        indexes = [models.Index(fields=["region", "name"], name="municipality_region_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="municipality_centre_on_earth",
            )
        ]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A neighbourhood inside a municipality, with a rough centre and area (never a boundary)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="districts"
    )
    slug = models.SlugField()
    name = models.CharField(_("name"), max_length=200)
    latitude = models.FloatField(_("latitude of the centre"), null=True, blank=True)
    longitude = models.FloatField(_("longitude of the centre"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("approximate area (km²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="district_unique_slug"),
            models.UniqueConstraint(fields=["municipality", "name"], name="district_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


from .models_committees import *  # noqa: E402, F403
