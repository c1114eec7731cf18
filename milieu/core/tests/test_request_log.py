"""The request log: one line per request, without the secrets some paths carry."""

import logging

import pytest

from milieu.core.middleware import loggable_path


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/fr/events/calendar/abc123def456.ics", "/fr/events/calendar/…"),
        ("/fr/brossard/events/check-in/Zk3-ticket_value/", "/fr/brossard/events/check-in/…/"),
        ("/notifications/unsubscribe/tok.en:value/", "/notifications/unsubscribe/…/"),
        ("/fr/brossard/events/check-in/", "/fr/brossard/events/check-in/"),
        ("/fr/brossard/events/12/", "/fr/brossard/events/12/"),
    ],
)
def test_the_log_keeps_the_route_and_leaves_the_secret_out(path, logged):
    assert loggable_path(path) == logged


@pytest.mark.django_db
def test_a_private_feed_request_is_logged_without_its_token(client, caplog):
    with caplog.at_level(logging.INFO, logger="milieu.request"):
        client.get("/fr/events/calendar/" + "a" * 56 + ".ics")
    paths = [record.path for record in caplog.records if record.name == "milieu.request"]
    assert paths == ["/fr/events/calendar/…"]
