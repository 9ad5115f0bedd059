"""Random people and what they send, for fuzzing the front desk; and the checks on what it said.

`Persona` is a made-up patient with a name, a codice fiscale and a marker that every text they
type carries, so a leak of their data into another chat or into the logs can be found by plain
substring search. `random_action` picks what a person does next from what they can see (their
buttons), what they should not have (other people's buttons, old or truncated data) and what no
person would send (5,000 characters of RTL, zero-width and control characters).
"""

from __future__ import annotations

import logging
import random
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

from flows.parsing import fiscal_code_check_char

CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"
# Unicode a phone can send that a desk might choke on: RTL, zero-width, control, combining, emoji.
ODD_PIECES = (
    "مرحبا بالطبيب",
    "שלום",
    "\u200f\u202e",
    "\u200b\u200c\u200d\u2060\ufeff",
    "\x00\x01\x07\x1b\x7f",
    "e\u0301\u0308\u20dd",
    "👨‍👩‍👧‍👦🏳️‍🌈",
    "\ud7ff\U0010fffd",
    "<b>grassetto</b> *x* _y_ `z` [a](b)",
    "\n\n\t  ",
    "'; DROP TABLE patients; --",
    "%s %d {0} {name} ${x}",
    "Ĳ ǅ ﬁ ß İ",
)
COMMANDS = (
    "/start",
    "/start qr-ricetta",
    "/start ../../etc/passwd",
    "/start@frontdesk_bot",
    "/START",
    "/help",
    "/inbox",
    "/close 1",
    "/close 1 fatto",
    "/take 99999",
    "/take -1",
    "/ask 1 come sta?",
    "/ready 2",
    "/reject 3 no",
    "/snooze 1 30/11",
    "/slot 1 25/11 10:30",
    "/assign 1 Rossi",
    "/urgent 1",
    "/patients",
    "/templates",
    "/stats 30d",
    "/stats -5x",
    "/",
    "//",
    "/take 1 2 3 4 5 6 7 8 9",
)
MIME_TYPES = (None, "", "application/pdf", "image/png", "application/x-msdownload", "text/html")
OTHER = ("sticker", "voice", "audio", "video", "video_note", "animation", "location", "poll")
# Words that betray an internal failure if a person ever reads them.
INTERNAL = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|File \"")
KEY_LIKE = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b")


def fiscal_code(number: int) -> str:
    """A valid codice fiscale, one per `number`, for someone born on 01/01/1980 (the date
    onboarding types)."""
    letters = ""
    for _ in range(6):
        number, digit = divmod(number, len(CONSONANTS))
        letters += CONSONANTS[digit]
    first15 = f"{letters}80A01H501"
    return first15 + fiscal_code_check_char(first15)


@dataclass
class Persona:
    user_id: int
    first_name: str
    last_name: str
    cf: str
    marker: str
    typed: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, user_id: int) -> Persona:
        """Made up from the user id alone: unique while the ids are."""
        rng = random.Random(user_id)

        def word() -> str:
            return "".join(rng.choice(string.ascii_lowercase) for _ in range(7)).capitalize()

        marker = "zq" + "".join(rng.choice("0123456789abcdef") for _ in range(10))
        return cls(
            user_id, "Ilv" + word().lower(), "Orm" + word().lower(), fiscal_code(user_id), marker
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never be seen outside this person's chat and the staff's, nor logged."""
        return (self.first_name, self.last_name, self.cf, self.marker)


def odd_text(rng: random.Random, persona: Persona) -> str:
    """Random text: pieces of odd unicode, random code points, sometimes 5,000 characters."""
    size = rng.choice((1, 3, 12, 80, 600, 5000))
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        kind = rng.random()
        if kind < 0.4:
            parts.append(rng.choice(ODD_PIECES))
        elif kind < 0.7:
            parts.append(chr(rng.randrange(0x20, 0x2FFF)))
        else:
            parts.append(" ".join(rng.choice(("ricetta", "febbre", "grazie", "sì", "no", "1"))))
    text = "".join(parts)[:size]
    if rng.random() < 0.6:
        text = f"{text} {persona.marker}"[-5000:]
    return text


@dataclass(frozen=True)
class Action:
    """One thing a person does. `kind`: text, command, tap, file, contact, other, press."""

    kind: str
    text: str = ""
    data: str = ""
    message_id: int | None = None
    contact_user_id: int | None = None
    mime_type: str | None = None
    size: int | None = None
    file_name: str | None = None
    what: str = ""


def random_action(
    rng: random.Random,
    persona: Persona,
    own_buttons: list[tuple[int, str]],
    foreign_buttons: list[tuple[int, str]],
    keyboard: list[str],
    others: list[Persona],
) -> Action:
    """What `persona` does next; buttons are (message_id, data) pairs."""
    roll = rng.random()
    if roll < 0.30 and own_buttons:
        message_id, data = rng.choice(own_buttons[-12:])
        return Action("tap", data=data, message_id=message_id)
    if roll < 0.36 and own_buttons:  # an old button, a message long gone
        message_id, data = rng.choice(own_buttons)
        return Action("tap", data=data, message_id=message_id)
    if roll < 0.42 and foreign_buttons:
        message_id, data = rng.choice(foreign_buttons)
        return Action("tap", data=data, message_id=message_id)
    if roll < 0.46 and own_buttons:
        message_id, data = rng.choice(own_buttons)
        return Action("tap", data=data[: rng.randrange(len(data) or 1)], message_id=message_id)
    if roll < 0.50:
        garbage = rng.choice(
            ("", "~", "é~éééééééé", "x" * 64, "0:a~AAAAAAAA", odd_text(rng, persona))
        )
        return Action("tap", data=garbage[:64], message_id=rng.choice((None, 1, 10**9)))
    if roll < 0.56 and keyboard:
        return Action("press", text=rng.choice(keyboard))
    if roll < 0.68:
        return Action("command", text=rng.choice(COMMANDS))
    if roll < 0.85:
        return Action("text", text=odd_text(rng, persona))
    if roll < 0.92:
        caption = odd_text(rng, persona) if rng.random() < 0.5 else None
        return Action(
            "file",
            text=caption or "",
            what=rng.choice(("photo", "document")),
            mime_type=rng.choice(MIME_TYPES),
            size=rng.choice((None, 0, 1, 5_000, 20_000_000, 10**10)),
            file_name=rng.choice((None, "", "referto.pdf", "a" * 300, "..\\..\\x.exe", "ﬁ.pdf")),
        )
    if roll < 0.97:
        other = rng.choice(others).user_id if others and rng.random() < 0.7 else None
        return Action("contact", text="+39 333 " + str(rng.randrange(10**7)), contact_user_id=other)
    return Action("other", what=rng.choice(OTHER))


ONBOARDING = ("Accetto",)


@dataclass
class Findings:
    """The fuzz figures: what was sent, and everything wrong that was seen."""

    sequences: int = 0
    updates: int = 0
    crashes: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    wedges: list[str] = field(default_factory=list)

    def merge(self, other: Findings) -> None:
        self.sequences += other.sequences
        self.updates += other.updates
        for name in ("crashes", "leaks", "internal", "unanswered", "wedges"):
            getattr(self, name).extend(getattr(other, name))

    @property
    def clean(self) -> bool:
        return not (self.crashes or self.leaks or self.internal or self.unanswered or self.wedges)

    def summary(self, title: str) -> str:
        return (
            f"{title}: sequences {self.sequences}, updates {self.updates}, "
            f"crashes {len(self.crashes)}, leaks {len(self.leaks) + len(self.internal)}, "
            f"wedges {len(self.wedges)}, unanswered {len(self.unanswered)}"
        )

    def examples(self, limit: int = 5) -> str:
        lines = []
        for name in ("crashes", "leaks", "internal", "unanswered", "wedges"):
            lines += [f"{name}: {item}" for item in getattr(self, name)[:limit]]
        return "\n".join(lines)


def check_shown(
    findings: Findings,
    chat_id: int,
    text: str,
    people: Iterable[Persona],
    staff: set[int],
    keys: set[str],
) -> None:
    """What the bot showed in `chat_id`: nothing internal, and no one else's data (staff see
    their patients' data: that is their work)."""
    if INTERNAL.search(text):
        findings.internal.append(f"chat {chat_id}: {INTERNAL.search(text).group(0)!r}")  # type: ignore[union-attr]
    for key in KEY_LIKE.findall(text):
        if key in keys:
            findings.internal.append(f"chat {chat_id}: raw catalog key {key!r}")
    if chat_id in staff:
        return
    for person in people:
        if person.user_id == chat_id:
            continue
        for secret in person.secrets:
            if secret in text:
                findings.leaks.append(f"chat {chat_id} shows data of {person.user_id}")


class LogTrap(logging.Handler):
    """Every log record while fuzzing, to search for personal data and count errors."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def check(self, findings: Findings, people: Iterable[Persona]) -> None:
        secrets = [secret for person in people for secret in person.secrets]
        for record in self.records:
            text = record.getMessage() + (self.format(record) if record.exc_info else "")
            if record.levelno >= logging.ERROR:
                findings.crashes.append(f"{record.name}: {text.splitlines()[0][:120]}")
            if any(secret in text for secret in secrets):
                findings.leaks.append(f"log {record.name} carries personal data")
        self.records.clear()
