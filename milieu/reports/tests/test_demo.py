"""The reports demo (`make run`): the module on in Brossard and Ville-Marie, their categories
and departments, reports in every state (one with a photo, by Camille), and that loading it
twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from milieu.accounts.models import User
from milieu.core import demo
from milieu.territory.models import Municipality

from ..models import Department, Report, ReportPhoto, ReportStatus, ReportUpdate, ServiceCategory

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded():
    return _load()


def test_the_loader_comes_after_the_accounts_it_uses():
    names = [loader.name for loader in demo.loaders()]
    assert names.index("reports") > names.index("accounts")


def test_brossard_and_ville_marie_offer_five_categories_and_two_departments(loaded):
    for slug in ("brossard", "ville-marie"):
        town = Municipality.objects.get(slug=slug)
        assert "reports" in town.enabled_modules
        codes = set(
            ServiceCategory.objects.filter(municipality=town).values_list("code", flat=True)
        )
        assert codes == {"pothole", "streetlight", "graffiti", "snow-removal", "other"}
        assert Department.objects.filter(municipality=town).count() == 2
    assert "Problem reports:" in loaded


def test_the_reports_show_every_kind_of_step(loaded):
    brossard = Municipality.objects.get(slug="brossard")
    camille = User.objects.get(email="citoyenne@demo.milieu.test")
    gabriel = User.objects.get(email="resident@demo.milieu.test")
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {
        ReportStatus.OPEN,
        ReportStatus.ACKNOWLEDGED,
        ReportStatus.IN_PROGRESS,
        ReportStatus.CLOSED_FIXED,
        ReportStatus.CLOSED_NOT_FIXED,
        ReportStatus.DUPLICATE,
    }
    pothole = Report.objects.get(municipality=brossard, status=ReportStatus.OPEN)
    assert pothole.reporter == camille
    assert pothole.attributes == {"size": "large"}
    assert ReportPhoto.objects.filter(report=pothole).count() == 1
    duplicate = Report.objects.get(status=ReportStatus.DUPLICATE)
    assert duplicate.duplicate_of == pothole
    assert Report.objects.filter(reporter=gabriel, municipality__slug="ville-marie").count() == 2
    light = Report.objects.get(status=ReportStatus.IN_PROGRESS)
    assert light.department.name == "Travaux publics"
    assert light.public_note.startswith("Une équipe")


def test_loading_twice_changes_nothing(loaded):
    counts = (
        Report.objects.count(),
        ReportUpdate.objects.count(),
        ServiceCategory.objects.count(),
        Department.objects.count(),
        ReportPhoto.objects.count(),
    )
    _load()
    assert counts == (
        Report.objects.count(),
        ReportUpdate.objects.count(),
        ServiceCategory.objects.count(),
        Department.objects.count(),
        ReportPhoto.objects.count(),
    )
