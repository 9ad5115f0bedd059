"""The outbound port: how the scheduler hands a message to Telegram, whatever the framework.

An adapter implements `OutboundPort` on top of its Bot API client and reports what Telegram
said as a `SendResult`, never by raising: sent (with the message id), retry after N seconds
(429), blocked (403: the person blocked the bot or deleted their account), a transient failure
(network, 5xx: worth retrying) or a rejection (any other 4xx: retrying will not help).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from flows.reply import CommandMenu, Outgoing


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"
    BLOCKED = "blocked"
    TRANSIENT = "transient"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float | None = None
    # Telegram's own description of a failure (never our text), safe to log.
    description: str = ""

    @classmethod
    def sent(cls, message_id: int) -> SendResult:
        return cls(Outcome.SENT, message_id=message_id)

    @classmethod
    def retry(cls, seconds: float) -> SendResult:
        return cls(Outcome.RETRY_AFTER, retry_after=seconds, description="Too Many Requests")

    @classmethod
    def blocked(cls, description: str = "Forbidden") -> SendResult:
        return cls(Outcome.BLOCKED, description=description)

    @classmethod
    def transient(cls, description: str) -> SendResult:
        return cls(Outcome.TRANSIENT, description=description)

    @classmethod
    def rejected(cls, description: str) -> SendResult:
        return cls(Outcome.REJECTED, description=description)


class OutboundPort(Protocol):
    async def send(self, message: Outgoing) -> SendResult:
        """Send `message`, or edit `message.edit_message_id` in place when it is set (an edit
        that is impossible or changes nothing counts as sent)."""
        ...

    async def set_menus(self, menus: Sequence[CommandMenu]) -> None:
        """Command menus the housekeeping tick wants (staff joining or leaving)."""
        ...
