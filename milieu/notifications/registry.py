"""The registries of the notifications app: topics (what a message is about) and channels (how it
reaches a person). Apps add topics in their AppConfig.ready(); adding a channel is adding a class.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .models import Delivery

IN_APP, EMAIL, SMS = "in_app", "email", "sms"


@dataclass(frozen=True)
class Topic:
    key: str
    name: Any  # lazily translated
    description: Any
    default_channels: frozenset[str] = field(default_factory=lambda: frozenset({IN_APP}))
    geotargeted: bool = False  # alerts of this topic can target districts
    urgent: bool = False  # may override quiet hours and digests
    staff_alerts: bool = False  # municipal staff may send alerts of this topic
    order: int = 100


_topics: dict[str, Topic] = {}


def register_topic(topic: Topic) -> Topic:
    if topic.key in _topics and _topics[topic.key] != topic:
        raise ValueError(f"Topic {topic.key!r} is already registered differently")
    _topics[topic.key] = topic
    return topic


def topic(key: str) -> Topic:
    return _topics[key]


def topics() -> list[Topic]:
    return sorted(_topics.values(), key=lambda t: (t.order, t.key))


class Channel:
    """How a delivery reaches a person. `send` raises `DeliveryError` to be retried later, or
    `PermanentDeliveryError` when retrying cannot help (no address, refused by the provider)."""

    key: ClassVar[str]
    name: ClassVar[Any]
    order: ClassVar[int] = 100

    def available_for(self, user) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def send(self, delivery: "Delivery") -> str:  # pragma: no cover - overridden
        """Send and return the provider's message id (or "")."""
        raise NotImplementedError

    def offered(self) -> bool:
        """Whether this installation offers the channel at all (the preferences show it)."""
        return True

    def unavailable_reason(self, user) -> Any:
        """Why `available_for(user)` is false, said to the person on their preferences page."""
        return ""

    def editable_when_unavailable(self, user) -> bool:
        """Whether the person may still choose topics for the channel while it cannot reach
        them (SMS: yes, the mobile number may be typed on the same page)."""
        return False


class DeliveryError(Exception):
    """A temporary failure: the delivery is retried with backoff."""


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help: the delivery is marked failed at once."""


_channels: dict[str, Channel] = {}


def register_channel(channel: Channel) -> Channel:
    _channels[channel.key] = channel
    return channel


def channel(key: str) -> Channel:
    return _channels[key]


def channels() -> list[Channel]:
    return sorted(_channels.values(), key=lambda c: (c.order, c.key))
