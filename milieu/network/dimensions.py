"""The seven dimensions of digital maturity (UMQ seed), shared by the diagnostic, the digital
plan, the practices and recognition. A dimension's key is stored; its name is translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    STRATEGY = "strategy", _("Strategy and governance")
    CONNECTIVITY = "connectivity", _("Connectivity and infrastructure")
    SERVICES = "services", _("Online services")
    DATA = "data", _("Data and open data")
    PARTICIPATION = "participation", _("Citizen participation")
    SKILLS = "skills", _("Skills and culture")
    SECURITY = "security", _("Security and privacy")


MAX_SCORE = 5
