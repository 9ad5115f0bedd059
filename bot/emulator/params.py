"""Bot API parameter parsing: every encoding Telegram accepts, coerced per parameter.

Telegram takes parameters from the query string, a JSON body, a url-encoded form or multipart
form data. Clients differ: python-telegram-bot JSON-encodes non-string values into form fields,
aiogram sends multipart with JSON strings. Coercion is done per accessor (not by guessing from
the value) because a message text of "123" must stay a string while a chat_id of "123" is a
number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.emulator.errors import CHAT_NOT_FOUND, ApiError, bad_request

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None


class Params:
    """Raw request parameters with typed, Telegram-like accessors."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self._values = values
        self._uploads = uploads

    def __contains__(self, name: str) -> bool:
        return name in self._values or name in self._uploads

    def raw(self, name: str) -> Any:
        return self._values.get(name)

    def string(self, name: str, *, required: bool = False) -> str | None:
        value = self._values.get(name)
        if value is None:
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, str):
            return value
        raise bad_request(f'field "{name}" must be of type String')

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise bad_request(f'field "{name}" must be of type Integer')

    def chat_id(self, *, required: bool = True) -> int | None:
        """A chat id; an @username (or anything else) names no chat an emulated bot can reach."""
        try:
            return self.integer("chat_id", required=required)
        except ApiError as error:
            if "is empty" in error.description:
                raise
            raise bad_request(CHAT_NOT_FOUND) from None

    def number(self, name: str) -> float | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Float') from None

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self._values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise bad_request(f'field "{name}" must be of type Boolean')

    def json(self, name: str, *, what: str | None = None) -> Any:
        """A JSON-serialized parameter (reply_markup, scope, commands, ...), decoded."""
        value = self._values.get(name)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {what or name} JSON object") from None
        return value

    def file(self, name: str) -> Upload | str | None:
        """An InputFile: an upload (direct or `attach://`), or a file_id / URL string."""
        if name in self._uploads:
            return self._uploads[name]
        value = self._values.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise bad_request(f'field "{name}" must be of type InputFile or String')
        if value.startswith("attach://"):
            upload = self._uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"{name} file not found in the request")
            return upload
        return value


async def parse_params(request: web.Request) -> Params:
    """Collects parameters from the query string and whatever body encoding was used."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return Params(values, uploads)
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: JSON request body must be an object")
        values.update(body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, field in form.items():
            if isinstance(field, web.FileField):
                uploads[key] = Upload(field.file.read(), field.filename, field.content_type)
            elif isinstance(field, (bytes, bytearray)):
                values[key] = bytes(field).decode("utf-8", errors="replace")
            else:
                values[key] = field
    return Params(values, uploads)
