"""Actions that need words from staff: the prompt, canned replies, and completing the action."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flows.codes import NO_NOTE, SNOOZE_DAYS, StaffCode
from flows.errors import DomainError
from flows.lifecycle import Action
from flows.parsing import Invalid, clean_text, parse_date
from flows.reply import Button, FileRef, Outgoing
from flows.staff import actions, screens, visits
from flows.staff.templates import for_action, label, templates
from flows.turn import Turn

MAX_NOTE = 1000


async def ask_for(turn: Turn, number: int, action: str) -> None:
    request = await actions.load(turn, number)
    turn.conversation.flow = "staff"
    turn.conversation.step = f"prompt:{action}"
    turn.conversation.answers = {**(turn.conversation.answers or {}), "request": request.id}
    turn.new_menu()
    rows: list[tuple[Button, ...]] = []
    for i, template in for_action(await templates(turn), action):
        rows.append((turn.button_text(f"💬 {label(template.text)}", StaffCode.TEMPLATE(i)),))
    if action in (Action.READY.value, Action.CLOSE.value):
        rows.append((turn.button("staff.prompt.no_note", StaffCode.TEMPLATE(NO_NOTE)),))
    if action == Action.SNOOZE.value:
        days = (7, 14, 30)
        code = StaffCode.TEMPLATE
        rows.append(
            tuple(turn.button(f"staff.snooze.{d}", code(f"{SNOOZE_DAYS}{d}")) for d in days)
        )
    rows.append((turn.button("button.cancel", StaffCode.CANCEL()),))
    turn.show(turn.t(f"staff.prompt.{action}", number=number), tuple(rows))


async def answer(turn: Turn, raw: str) -> None:
    step = turn.conversation.step or ""
    action = step.removeprefix("prompt:")
    number = (turn.conversation.answers or {}).get("request")
    if not isinstance(number, int):
        await screens.show_inbox(turn)
        return
    await complete(turn, number, action, raw)


async def use_template(turn: Turn, code: str) -> None:
    number = (turn.conversation.answers or {}).get("request")
    action = (turn.conversation.step or "").removeprefix("prompt:")
    if not isinstance(number, int) or not action:
        await screens.show_inbox(turn)
        return
    if code == NO_NOTE:
        await complete(turn, number, action, "")
    elif code.startswith(SNOOZE_DAYS) and code[1:].isdigit():
        today = turn.now.astimezone(turn.desk.settings.tz).date()
        until = today + timedelta(days=int(code[1:]))
        await complete(turn, number, action, until.strftime("%d/%m/%Y"))
    elif code.isdigit() and (
        chosen := dict(for_action(await templates(turn), action)).get(int(code))
    ):
        await complete(turn, number, action, chosen.text)
    else:
        await screens.show_inbox(turn, notice=turn.t("menu.expired"))


async def complete(turn: Turn, number: int, action: str, raw: str) -> None:
    """Do `action` on request `number` with the words given, then show the card."""
    if action == "slot":
        if await visits.propose(turn, number, raw) is None:
            return  # asked first whether the slot on a closed day is meant
    elif action == "assign":
        await assign_by_name(turn, number, raw)
    elif action == Action.SNOOZE.value:
        await actions.act(turn, number, Action.SNOOZE, snoozed_until=snooze_until(turn, raw))
    else:
        note = None
        if raw.strip():
            cleaned = clean_text(raw, max_length=MAX_NOTE, multiline=True)
            if isinstance(cleaned, Invalid):
                raise DomainError(cleaned.reason, example="", **cleaned.params)
            note = cleaned.value
        await actions.act(turn, number, Action(action), note=note)
    request = await actions.load(turn, number)
    await screens.show_card(turn, request, notice=turn.t("staff.done"))


async def insist_on_slot(turn: Turn, number: int) -> None:
    """Staff confirmed a slot on a closed day: propose it as typed."""
    pending = (turn.conversation.answers or {}).get(visits.PENDING)
    if not isinstance(pending, str):
        await screens.show_inbox(turn, notice=turn.t("menu.expired"))
        return
    await visits.propose(turn, number, pending, insist=True)
    turn.conversation.answers = {
        k: v for k, v in (turn.conversation.answers or {}).items() if k != visits.PENDING
    }
    request = await actions.load(turn, number)
    await screens.show_card(turn, request, notice=turn.t("staff.done"))


def snooze_until(turn: Turn, raw: str) -> datetime:
    tz = turn.desk.settings.tz
    today = turn.now.astimezone(tz).date()
    parsed = parse_date(raw, today=today, allow_past=False, allow_future=True, max_days_ahead=366)
    if isinstance(parsed, Invalid):
        raise DomainError("staff.snooze.bad_date", example=(today.strftime("%d/%m/%Y")))
    if parsed.value <= today:
        raise DomainError("staff.snooze.bad_date", example=(today.strftime("%d/%m/%Y")))
    # Wakes at the start of that day, in the practice's timezone.
    return datetime.combine(parsed.value, time(7, 0), tzinfo=tz)


async def assign_by_name(turn: Turn, number: int, raw: str) -> None:
    wanted = raw.strip().lower()
    team = await turn.uow.staff.list()
    matches = [
        s for s in team if wanted and (wanted in s.name.lower() or wanted == str(s.telegram_id))
    ]
    if len(matches) != 1:
        names = ", ".join(s.name for s in team)
        raise DomainError("staff.assign.unknown", names=names)
    await actions.assign(turn, number, to=matches[0])


async def send_files(turn: Turn, number: int) -> None:
    request = await actions.load(turn, number)
    for item in await turn.uow.requests.attachments(request_id=request.id or 0):
        turn.reply.add(
            Outgoing(
                chat_id=turn.chat_id,
                text=turn.t("staff.file.caption", number=number),
                file=FileRef(item.telegram_file_id, item.kind),
                protect=True,
            )
        )
    turn.tapped_message_id = None
    await screens.show_card(turn, request)
