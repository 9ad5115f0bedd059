"""Telegram text formatting: parse_mode to plain text plus entities, with Telegram's errors.

The transcript must show what a patient sees, so HTML / MarkdownV2 markup is parsed the way
Telegram does, and malformed markup (an unescaped `<` or `.` from user data) is refused with
Telegram's "can't parse entities" error, which is the bug this catches in the bot.
"""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.errors import ApiError, bad_request

Entity = dict[str, Any]

_HTML_KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^>]*)?)/?>")
_ATTR = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MD2_KINDS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


def _entities_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


class _Builder:
    """Accumulates plain text and keeps the UTF-16 offset Telegram's entities use."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[Entity] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.offset += utf16_len(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.offset > start:
            self.entities.append({"type": kind, "offset": start, "length": self.offset - start})
            self.entities[-1].update(extra)

    def result(self) -> tuple[str, list[Entity]]:
        return "".join(self.parts), sorted(self.entities, key=lambda e: e["offset"])


def _parse_html(src: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    stack: list[tuple[str, int, dict[str, str]]] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "&":
            m = _ENTITY.match(src, i)
            if m:
                code = m.group(1)
                if code.startswith("#x"):
                    out.add(chr(int(code[2:], 16)))
                elif code.startswith("#"):
                    out.add(chr(int(code[1:])))
                else:
                    out.add(_NAMED[code])
                i = m.end()
                continue
        if ch != "<":
            out.add(ch)
            i += 1
            continue
        m = _TAG.match(src, i)
        where = f"at byte offset {_byte_offset(src, i)}"
        if m is None:
            bad = re.match(r"</?([^\s>]*)", src[i:])
            raise _entities_error(f'Unsupported start tag "{bad.group(1) if bad else ""}" {where}')
        closing, name = m.group(1) == "/", m.group(2).lower()
        attrs = {a[0].lower(): a[1] or a[2] or a[3] for a in _ATTR.findall(m.group(3) or "")}
        if closing:
            if not stack:
                raise _entities_error(f"Unexpected end tag {where}")
            top, start, top_attrs = stack.pop()
            if top != name:
                raise _entities_error(
                    f'Unmatched end tag {where}, expected "</{top}>", found "</{name}>"'
                )
            _close_html(out, top, start, top_attrs, stack)
        else:
            if name not in _HTML_KINDS or (name == "span" and attrs.get("class") != "tg-spoiler"):
                raise _entities_error(f'Unsupported start tag "{name}" {where}')
            stack.append((name, out.offset, attrs))
        i = m.end()
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html(
    out: _Builder,
    tag: str,
    start: int,
    attrs: dict[str, str],
    stack: list[tuple[str, int, dict[str, str]]],
) -> None:
    kind = _HTML_KINDS[tag]
    if tag == "code" and stack and stack[-1][0] == "pre" and "class" in attrs:
        # <pre><code class="language-x"> is one pre entity with a language in Telegram.
        stack[-1][2]["language"] = attrs["class"].removeprefix("language-")
        return
    if kind == "text_link":
        out.entity(kind, start, url=attrs.get("href", ""))
    elif kind == "pre" and attrs.get("language"):
        out.entity(kind, start, language=attrs["language"])
    elif kind == "blockquote" and "expandable" in attrs:
        out.entity("expandable_blockquote", start)
    elif kind == "custom_emoji":
        out.entity(kind, start, custom_emoji_id=attrs.get("emoji-id", ""))
    else:
        out.entity(kind, start)


def _parse_markdown_v2(src: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    open_marks: dict[str, tuple[int, int]] = {}
    link_start: tuple[int, int] | None = None
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\" and i + 1 < n and 0 < ord(src[i + 1]) < 127:
            out.add(src[i + 1])
            i += 2
        elif ch == "`":
            fence = "```" if src.startswith("```", i) else "`"
            end = src.find(fence, i + len(fence))
            if end < 0:
                kind = "Pre" if fence == "```" else "Code"
                raise _entities_error(
                    f"Can't find end of {kind} entity at byte offset {_byte_offset(src, i)}"
                )
            body, start = src[i + len(fence) : end], out.offset
            language = ""
            if fence == "```" and "\n" in body:
                language, body = body.split("\n", 1)
            out.add(re.sub(r"\\([`\\])", r"\1", body))
            extra = {"language": language} if language else {}
            out.entity("pre" if fence == "```" else "code", start, **extra)
            i = end + len(fence)
        elif ch in "*_~|":
            mark = src[i : i + 2] if src.startswith(("__", "||"), i) else ch
            if mark == "|":
                raise _reserved(ch)
            if mark in open_marks:
                start, _ = open_marks.pop(mark)
                out.entity(_MD2_KINDS[mark], start)
            else:
                open_marks[mark] = (out.offset, i)
            i += len(mark)
        elif ch == "[" and link_start is None:
            link_start = (out.offset, i)
            i += 1
        elif ch == "]" and link_start is not None:
            m = re.compile(r"\(((?:\\.|[^)\\])*)\)").match(src, i + 1)
            if m is None:
                raise _reserved(ch)
            out.entity("text_link", link_start[0], url=re.sub(r"\\(.)", r"\1", m.group(1)))
            link_start = None
            i = m.end()
        elif ch == ">" and (i == 0 or src[i - 1] == "\n"):
            i += 1  # a blockquote marker; the quote itself is not tracked
        elif ch in _MD2_RESERVED:
            raise _reserved(ch)
        else:
            out.add(ch)
            i += 1
    for mark, (_, at) in open_marks.items():
        kind = _MD2_KINDS[mark].capitalize()
        raise _entities_error(f"Can't find end of {kind} entity at byte offset {at}")
    if link_start is not None:
        raise _entities_error(f"Can't find end of TextUrl entity at byte offset {link_start[1]}")
    return out.result()


def _reserved(ch: str) -> ApiError:
    return _entities_error(
        f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
    )


def _parse_markdown(src: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    kinds = {"*": "bold", "_": "italic", "`": "code"}
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\" and i + 1 < n and src[i + 1] in "*_`[":
            out.add(src[i + 1])
            i += 2
        elif ch in kinds:
            end = src.find(ch, i + 1)
            if end < 0:
                raise _entities_error(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(src, i)}"
                )
            start = out.offset
            out.add(src[i + 1 : end])
            out.entity(kinds[ch], start)
            i = end + 1
        elif ch == "[" and (m := re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(src, i)):
            start = out.offset
            out.add(m.group(1))
            out.entity("text_link", start, url=m.group(2))
            i = m.end()
        else:
            out.add(ch)
            i += 1
    return out.result()


def _strip(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram drops leading and trailing whitespace; entities are moved and clipped to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def parse_text(
    text: str, parse_mode: str | None, entities: list[Entity] | None
) -> tuple[str, list[Entity]]:
    """Returns the text a user sees and its entities, as Telegram would store them."""
    mode = (parse_mode or "").strip().lower()
    if entities or not mode:
        plain, found = text, list(entities or [])
    elif mode == "html":
        plain, found = _parse_html(text)
    elif mode == "markdownv2":
        plain, found = _parse_markdown_v2(text)
    elif mode == "markdown":
        plain, found = _parse_markdown(text)
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    return _strip(plain, found)
