import pytest

from .. import services_consultations as services
from ..models import ConsultationStatus
from . import factories as f

pytestmark = pytest.mark.django_db


def test_create_publish_and_close_a_survey():
    town = f.town()
    consultation = f.consultation(town)
    assert consultation.status == ConsultationStatus.PUBLISHED
    assert [p.kind for p in consultation.phases.all()] == ["information", "answering", "results"]
    closed = services.consultation_close(actor=f.staff(town), consultation=consultation)
    assert closed.status == ConsultationStatus.CLOSED
    assert closed.results == {"responses": 0, "questions": {}}
    assert closed.results_computed_at == closed.closed_at
