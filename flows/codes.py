"""Every code a button carries, declared once, grouped by the router that reads it.

A button's callback data is one of these codes, signed by `flows.callbacks`. Menu codes ride
with the menu's nonce and mean something only on the screen that drew them; global codes outlive
menus (a status card, a reminder, a staff notice). One letter means one thing in what one router
sees: `ROUTERS` lists those sets, and tests/unit/test_codes.py checks that no code there can be
read as another and that each fits Telegram's 64 bytes at its widest. The wire format is that of
the first buttons ever sent, so buttons already in chats keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

ID: Final = "9999999999"  # the widest id a code carries, for the size test


@dataclass(frozen=True, slots=True)
class Code:
    """`head`, then its arguments joined by `sep`: `R.12.c`, `o:12`, or the bare head `b`."""

    head: str
    sep: str = ":"
    # Its arguments at their longest, so the size test measures the worst button.
    widest: tuple[str, ...] = ()

    def __call__(self, *args: object) -> str:
        return self.sep.join((self.head, *(str(arg) for arg in args)))

    def args(self, code: str) -> list[str] | None:
        """The arguments when `code` is this code; None when it is another one."""
        if code == self.head:
            return []
        start = self.head + self.sep
        return code[len(start) :].split(self.sep) if code.startswith(start) else None


class StepCode:
    """The menu of a flow's step (patients' flows, and the therapy flow staff run)."""

    OPTION = Code("v", widest=("!question_from_kept",))
    """`v:<value>`: an option of a choice (picks or unpicks it in a multiple choice)."""
    QUICK = Code("q", widest=("!question_from_kept",))
    """`q:<value>`: a quick answer offered for a typed step."""
    BACK = Code("b")
    """Back to the step before (on a flow's first step, staff go back to the card)."""
    CANCEL = Code("x")
    """Cancel: leave the flow or staff prompt on screen."""
    DONE = Code("d")
    """Done: the files sent, or the options picked, are all."""
    SKIP = Code("k")
    """Skip an optional step."""
    SEND = Code("s")
    """Send the request the summary shows."""


# The screens after consent was declined or withdrawn: any tap there offers consent again.
CONSENT_AGAIN: Final = StepCode.OPTION("again")


class FilterOp(StrEnum):
    KIND = "k"  # the next request kind, or all
    STATE = "s"  # the next state, or all open ones
    MINE = "m"  # only the requests assigned to me, or everyone's


class CardOp(StrEnum):
    """Card actions besides the lifecycle's own (`flows.lifecycle.Action` values)."""

    URGENT = "urgent"  # mark or unmark urgent
    SLOT = "slot"  # propose a visit slot (prompts for it)
    FILES = "files"  # send the request's files to this chat
    INSIST = "slotyes"  # propose the pending slot on a closed day all the same


class VerifyOp(StrEnum):
    VERIFY = "v"
    BLOCK = "b"


class StaffCode:
    """The staff routes' menus: the inbox, a request's card, a prompt, the patients to verify."""

    INBOX = Code("i", widest=("999",))
    """`i:<page>`: a page of the inbox; `i:-1` the page last shown."""
    FILTER = Code("f", widest=(FilterOp.KIND,))
    """`f:<FilterOp>`: change one of the inbox's filters."""
    OPEN = Code("o", widest=(ID,))
    """`o:<request>`: open a request's card (also a global button on a staff notice)."""
    ACT = Code("a", widest=(ID, CardOp.INSIST, ID))
    """`a:<request>:<action>[:<version seen>]`: act on the card (a `lifecycle.Action` value
    or a `CardOp`); a card gone stale since is shown again instead."""
    PATIENT = Code("p", widest=(ID, VerifyOp.VERIFY))
    """`p:<patient>:<VerifyOp>`: verify or block a newly registered patient."""
    TEMPLATE = Code("t", widest=("d30",))
    """`t:<template index>`, `t:-` (no note) or `t:d<days>` (snooze): completes the prompt."""
    CANCEL = StepCode.CANCEL
    """Cancel a prompt: the card or the inbox again."""
    PROGRAMMES = Code("g", widest=("s", "p" * 32))  # a programme id is at most 32 long
    """`g:<ProgrammeStaffOp>[:<programme id>]`: the programmes, a card, its preview, Da chiamare."""
    TAG = Code("y", widest=(ID, "99"))
    """`y:<patient>[:<tag index>]`: a patient's condition tags, one toggled."""


LAST_PAGE: Final = -1  # INBOX's argument for the page last shown
NO_NOTE: Final = "-"  # TEMPLATE's argument for "without a note"
SNOOZE_DAYS: Final = "d"  # TEMPLATE's argument `d<days>`: snooze for that many days


class RequestOp(StrEnum):
    CANCEL = "c"
    ANSWER = "a"


class DoseOp(StrEnum):
    TAKEN = "t"
    SNOOZE = "s"
    SKIP = "k"
    REFILL = "r"  # ask the practice for a refill
    NEW_BOX = "b"  # a new box started: the count starts again


class AppointmentOp(StrEnum):
    CONFIRM = "y"
    CANCEL = "n"  # asks to be sure first
    CANCEL_YES = "c"
    KEEP = "k"


class CheckbackOp(StrEnum):
    BETTER = "b"
    SAME = "s"
    WORSE = "w"


class TherapyOp(StrEnum):
    PAUSE = "p"  # pause or resume its reminders
    DELETE = "d"  # asks to be sure first
    DELETE_YES = "y"
    MANAGE = "m"  # the therapy list again (after "no, keep it")
    LIST = "l"  # back from the list


class AnswerOp(StrEnum):
    """A yes/no button pair: a proposed visit slot, attendance after a visit."""

    YES = "y"
    NO = "n"


class AttendanceOp(StrEnum):
    ATTENDED = "a"
    NO_SHOW = "n"


RATINGS: Final = "12345"  # the old 1–5 stars: buttons still in chats are answered kindly


class SatisfactionOp(StrEnum):
    """The six answers to "how was your experience with our service?", best first."""

    VERY_GOOD = "vg"
    GOOD = "g"
    NEITHER = "n"
    POOR = "p"
    VERY_POOR = "vp"
    DONT_KNOW = "dk"


class ProgrammeOp(StrEnum):
    """A patient's answer to a programme's message, and the follow-up questions it asks."""

    BOOK = "b"
    DONE = "d"  # asks roughly when
    LATER = "l"  # asks for how long
    DECLINE = "n"  # asks to be sure first
    WHEN = "w"  # `w.<rough>`: done roughly then (`flows.programmes.answers.ROUGHLY`)
    SNOOZE = "s"  # `s.<days>`: remind me in that many days
    DECLINE_YES = "y"
    KEEP = "k"  # "no, keep me in": the message as it was


class PreventionOp(StrEnum):
    YES = "y"
    NO = "n"


class ProgrammeStaffOp(StrEnum):
    """What staff do on `/programmes`: `g:<op>[:<programme or enrolment>[:<outcome>]]`."""

    LIST = "l"
    CARD = "o"
    PREVIEW = "p"  # the preview, with the confirmation to start
    START = "s"
    PAUSE = "u"
    RESUME = "r"
    STOP = "x"
    CALLS = "c"  # Da chiamare
    OUTCOME = "k"  # `k:<enrolment>:<letter>` (`CALL_LETTERS`)
    CHART = "f"  # the funnel chart, sent as a photo


CALL_LETTERS: Final = {"b": "booked", "n": "no_answer", "r": "refuses", "w": "wrong_number"}


class PatientGlobal:
    """Patients' buttons that outlive menus: the status card and every pushed message."""

    REQUEST = Code("R", ".", widest=(ID, RequestOp.CANCEL))
    """`R.<request>.<RequestOp>`: the status card's Cancel or Answer."""
    CAREGIVER = Code("C", ".", widest=(ID, "a"))
    """`C.<caregiver link>.a`: a caregiver starts acting for the patient."""
    DOSE = Code("M", ".", widest=(ID, DoseOp.TAKEN))
    """`M.<reminder>.<DoseOp>`: the answer to a dose reminder."""
    APPOINTMENT = Code("A", ".", widest=(ID, AppointmentOp.CONFIRM))
    """`A.<reminder>.<AppointmentOp>`: the answer to an appointment reminder."""
    RATING = Code("G", ".", widest=(ID, RATINGS[-1]))
    """`G.<request>.<1-5>`: the old stars for a closed request (no longer sent)."""
    SATISFACTION = Code("S", ".", widest=(ID, SatisfactionOp.VERY_GOOD))
    """`S.<satisfaction answer>.<SatisfactionOp>`: the overall experience, after a touchpoint."""
    CHECKBACK = Code("K", ".", widest=(ID, CheckbackOp.BETTER))
    """`K.<reminder>.<CheckbackOp>`: how the patient feels, days after a visit."""
    THERAPY = Code("T", ".", widest=(ID, TherapyOp.PAUSE))
    """`T.<therapy>.<TherapyOp>`: managing therapy reminders (`T.0.l`, `T.0.m`: the list)."""
    VISIT = Code("V", ".", widest=(ID, AnswerOp.YES))
    """`V.<appointment>.<AnswerOp>`: the answer to a visit slot staff proposed."""
    HOME = Code("H", ".")
    """«🏠 Menu» on a pushed message: a new menu below it."""
    PROGRAMME = Code("Q", ".", widest=(ID, ProgrammeOp.WHEN, "months_6_12"))
    """`Q.<enrolment>.<ProgrammeOp>[.<argument>]`: the answer to a programme's message."""
    PREVENTION = Code("P", ".", widest=(PreventionOp.YES,))
    """`P.<PreventionOp>`: consent to prevention reminders, asked once."""


CAREGIVER_ACT: Final = "a"  # CAREGIVER's only operation


class StaffGlobal:
    """Staff buttons that outlive menus: notices and attendance questions."""

    OPEN = StaffCode.OPEN
    """`o:<request>`: «Apri» on a notice opens the request's card."""
    ATTENDANCE = Code("N", ".", widest=(ID, AttendanceOp.ATTENDED))
    """`N.<appointment>.<AttendanceOp>`: did the patient come to the visit."""


def declared(*namespaces: type) -> tuple[Code, ...]:
    """The codes the namespace classes declare, each once (a shared one counts once)."""
    found: dict[int, Code] = {}
    for namespace in namespaces:
        for value in vars(namespace).values():
            if isinstance(value, Code):
                found.setdefault(id(value), value)
    return tuple(found.values())


@dataclass(frozen=True, slots=True)
class Routed:
    """What one router reads: `menu` codes carry the menu's nonce, global ones do not."""

    name: str
    menu: bool
    codes: tuple[Code, ...]


ROUTERS: Final = (
    Routed("patient menu", True, declared(StepCode)),
    # Staff in the therapy flow tap its step codes; elsewhere their own.
    Routed("staff menu", True, declared(StaffCode, StepCode)),
    Routed("patient buttons", False, declared(PatientGlobal)),
    Routed("staff buttons", False, declared(StaffGlobal)),
)
