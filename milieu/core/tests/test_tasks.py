import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from milieu.core.tasks import send_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_database_worker_sends_an_enqueued_email():
    send_email.using(backend="default").enqueue(
        subject="Bienvenue", body="Bonjour", to=["camille@example.org"]
    )
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert [m.subject for m in mail.outbox] == ["Bienvenue"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
