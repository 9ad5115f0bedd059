"""Emulator options: latency, flood control, callback timeout and webhook retries, changeable
at run time."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class EmulatorOptions:
    """Knobs for tests and benchmarks; all can be changed through the driver's /config."""

    latency_ms: float = 0.0
    """Added to every Bot API call (not to driver calls), without blocking the server."""
    flood_control: bool = False
    global_per_second: float = 30.0
    """Sends and edits per second allowed over all chats, when flood control is on."""
    per_chat_per_second: float = 1.0
    """Sustained sends and edits per second in one chat, when flood control is on."""
    per_chat_burst: int = 3
    """Sends allowed back to back in one chat before the per-second rate applies."""
    callback_timeout_s: float = 15.0
    """Age after which answerCallbackQuery is refused, as Telegram does."""
    webhook_retry_first_s: float = 0.1
    """Pause before a failed webhook delivery is tried again; it doubles on each failure."""
    webhook_retry_max_s: float = 1.0
    """Longest pause between webhook retries (Telegram's is much longer; tests want speed)."""
    webhook_timeout_s: float = 10.0
    """How long a webhook request may take before it counts as failed and is sent again."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def update(self, changes: dict[str, Any]) -> None:
        """Applies driver changes, refusing unknown names and wrong types with ValueError."""
        known = {f.name: f for f in fields(self)}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown option {name!r}")
            current = getattr(self, name)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"option {name!r} must be a boolean")
            elif not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"option {name!r} must be a non-negative number")
            setattr(self, name, type(current)(value))
        if self.global_per_second <= 0 or self.per_chat_per_second <= 0 or self.per_chat_burst < 1:
            raise ValueError("rates must be positive and per_chat_burst at least 1")
