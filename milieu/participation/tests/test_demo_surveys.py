"""The surveys demo (`make run`): Camille may answer Brossard's library survey, Gabriel
Ville-Marie's, the dog park's results are out; loading it twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from milieu.accounts.models import User

from .. import demo_surveys
from ..eligibility import refusal
from ..models import Ballot, Consultation, Question, SurveyResponse

pytestmark = pytest.mark.django_db


def test_the_demo_surveys_can_be_answered_and_load_once():
    call_command("load_demo", force=True, stdout=StringIO())
    library = Consultation.objects.get(title_fr="Nouvelles heures de la bibliothèque")
    transport = Consultation.objects.get(title_fr="Transport collectif vers Rouyn-Noranda")
    dog_park = Consultation.objects.get(title_fr="Aménagement du parc canin")
    camille = User.objects.get(email="citoyenne@demo.milieu.test")
    gabriel = User.objects.get(email="resident@demo.milieu.test")
    assert refusal(camille, library) is None
    assert refusal(gabriel, transport) is None
    assert Question.objects.filter(consultation=library, show_if_choice__isnull=False).count() == 1
    assert dog_park.status == "closed"
    brossard_people = User.objects.filter(
        memberships__municipality__slug="brossard", memberships__is_home=True
    ).count()
    # answered by the Brossard accounts there when it loads (other demos add neighbours later)
    ballots = Ballot.objects.filter(consultation=dog_park).count()
    assert dog_park.results["responses"] == ballots
    assert 3 <= ballots <= brossard_people
    assert SurveyResponse.objects.filter(consultation=dog_park, user__isnull=False).count() == 0
    counts = (Consultation.objects.count(), Ballot.objects.count(), Question.objects.count())
    demo_surveys.load()
    assert (
        Consultation.objects.count(),
        Ballot.objects.count(),
        Question.objects.count(),
    ) == counts
