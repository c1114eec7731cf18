"""The events API (tag `events`): the agendas, events and their dates, registrations, check-in,
attractions, and the private calendar feed's address."""

from ninja import Router

router = Router(tags=["events"])
