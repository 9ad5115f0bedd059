"""Reply markup validation: inline keyboards, reply keyboards, keyboard removal, force reply.

Telegram rejects malformed keyboards with specific errors; a bot that builds callback data from
ids can silently cross the 64-byte limit, so these checks are the point of the emulator.
"""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import BUTTON_DATA_INVALID, ApiError, bad_request

Markup = dict[str, Any]

INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_REPLY_REQUESTS = (
    "request_users",
    "request_chat",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)
_MAX_BUTTONS = 100
_URL_SCHEMES = ("http://", "https://", "tg://")


def _markup_error() -> ApiError:
    return bad_request("can't parse reply keyboard markup JSON object")


def _rows(value: Any, what: str) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(f'field "{what}" must be an Array of Arrays')
    if sum(len(row) for row in value) > _MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return value


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str) or not text:
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [name for name in INLINE_ACTIONS if button.get(name) is not None]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used"
        )
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or not 1 <= len(data.encode()) <= 64):
        raise bad_request(BUTTON_DATA_INVALID)
    url = button.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith(_URL_SCHEMES)):
        raise bad_request("BUTTON_URL_INVALID")
    return dict(button)


def _reply_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            "can't parse keyboard button: KeyboardButton must be a String or an Object"
        )
    if not button["text"]:
        raise bad_request("can't parse keyboard button: Text must be non-empty")
    if sum(1 for name in _REPLY_REQUESTS if button.get(name)) > 1:
        raise bad_request("can't parse keyboard button: only one request field can be used")
    return dict(button)


def validate_markup(markup: Any) -> Markup | None:
    """Checks a decoded reply_markup and returns it normalized (string buttons become objects)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _markup_error()
    if "inline_keyboard" in markup:
        rows = _rows(markup["inline_keyboard"], "inline_keyboard")
        return {"inline_keyboard": [[_inline_button(b) for b in row] for row in rows]}
    if "keyboard" in markup:
        rows = _rows(markup["keyboard"], "keyboard")
        if not any(rows):
            raise bad_request("keyboard must be non-empty")
        placeholder = markup.get("input_field_placeholder")
        if isinstance(placeholder, str) and len(placeholder) > 64:
            raise bad_request("input field placeholder is too long")
        normal = {k: v for k, v in markup.items() if k != "keyboard"}
        return {"keyboard": [[_reply_button(b) for b in row] for row in rows], **normal}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return dict(markup)
    raise _markup_error()


def is_inline(markup: Markup | None) -> bool:
    return markup is not None and "inline_keyboard" in markup


def inline_buttons(markup: Markup | None) -> list[dict[str, Any]]:
    if not is_inline(markup):
        return []
    assert markup is not None
    return [button for row in markup["inline_keyboard"] for button in row]


def reply_buttons(markup: Markup | None) -> list[dict[str, Any]]:
    if markup is None or "keyboard" not in markup:
        return []
    return [button for row in markup["keyboard"] for button in row]
