"""Updates in shapes Telegram's current server would not send, as fuzzing the bot found them.

Each shape is a function of the sender's user id that returns the update without its update_id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import raw_message

Shape = Callable[[int], dict[str, Any]]


def message_of(user_id: int, **changes: Any) -> dict[str, Any]:
    """A private text message, with fields changed (None: removed)."""
    message = raw_message(user_id, "buongiorno")["message"]
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    return message


def _tap(user_id: int, *missing: str) -> dict[str, Any]:
    query = {
        "id": "q-malformed",
        "from": {"id": user_id, "is_bot": False, "first_name": "Maria"},
        "chat_instance": "42",
        "data": "nothing~AAAAAAAA",
        "message": message_of(user_id),
    }
    for key in missing:
        query.pop(key)
    return {"callback_query": query}


def _old_poll(user_id: int) -> dict[str, Any]:
    options = [{"text": "sì", "voter_count": 0}, {"text": "no", "voter_count": 0}]
    poll = {
        "id": "p1",
        "question": "?",
        "options": options,
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
    }
    return {"message": message_of(user_id, text=None, poll=poll)}


SHAPES: dict[str, Shape] = {
    "message without chat": lambda uid: {"message": message_of(uid, chat=None)},
    "message without date": lambda uid: {"message": message_of(uid, date=None)},
    "chat id not a number": lambda uid: {
        "message": message_of(uid, chat={"id": "abc", "type": "private", "first_name": "Maria"})
    },
    "tap without from": lambda uid: _tap(uid, "from"),
    "tap without chat_instance": lambda uid: _tap(uid, "chat_instance"),
    "user without first_name": lambda uid: {
        "message": message_of(uid, **{"from": {"id": uid, "is_bot": False}})
    },
    "text that is a number": lambda uid: {"message": message_of(uid, text=12345)},
    "poll of an older Bot API": _old_poll,
}
