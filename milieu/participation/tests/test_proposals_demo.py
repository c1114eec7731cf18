"""The calls for proposals of the demo (`make run`): what Camille and Brossard's staff find, and
that loading the demo twice changes nothing."""

from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.urls import reverse

from milieu.accounts.models import User
from milieu.core.testing import client_for

from .. import services_proposals as services
from ..models import Consultation, Proposal, Support

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def test_the_demo_has_a_riverside_call_in_brossard_and_a_wharf_call_in_ville_marie():
    printed = _load()
    assert "Calls for proposals:" in printed
    brossard = Consultation.objects.get(
        municipality__slug="brossard", kind="proposals", title_fr="Idées pour le parc riverain"
    )
    ideas = {p.title: p for p in Proposal.objects.filter(consultation=brossard)}
    assert len(ideas) == 4
    benches = ideas["Des bancs à l'ombre le long de la rivière"]
    assert (benches.support_count, benches.status) == (6, "accepted")
    assert benches.threshold_reached_at is not None and benches.answered_at is not None
    splash = ideas["Une aire de jeux d'eau pour les enfants"]
    assert splash.awaits_answer
    for idea in ideas.values():
        assert Support.objects.filter(proposal=idea).count() == idea.support_count
    assert Consultation.objects.filter(municipality__slug="ville-marie", kind="proposals").exists()

    # Camille supports the lit trail; the answered idea's page shows the city's answer.
    camille = User.objects.get(email="citoyenne@demo.milieu.test")
    services.support_add(actor=camille, proposal=ideas["Un sentier éclairé le soir"])
    page = client_for().get(reverse("participation:proposal", args=["brossard", benches.pk]))
    assert "huit bancs seront installés" in page.content.decode()
    clerk = User.objects.get(email="employe.brossard@demo.milieu.test")
    TOTP.activate(clerk, generate_totp_secret())  # staff enrol on their first visit
    queue = client_for(clerk).get(reverse("participation_staff:proposals", args=["brossard"]))
    assert queue.status_code == 200
    assert splash.title.replace("'", "&#x27;") in queue.content.decode()

    counts = (Consultation.objects.count(), Proposal.objects.count(), Support.objects.count())
    _load()
    assert (
        Consultation.objects.count(),
        Proposal.objects.count(),
        Support.objects.count(),
    ) == counts
