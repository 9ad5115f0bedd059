"""The main menu, My requests, Settings & privacy, and the screens a status card opens."""

from __future__ import annotations

from collections.abc import Sequence

from flows.answers import bulleted, filed_lines
from flows.codes import CONSENT_AGAIN, PatientGlobal
from flows.declarations import Choose, Flow, Option, Step
from flows.errors import NotFound
from flows.lifecycle import State
from flows.patient import replies, services
from flows.privacy import screens as privacy
from flows.programmes import prevention
from flows.registry import Registry
from flows.runner import HOME, INTERNAL, answers, go_home, start_flow
from flows.turn import Turn

REQUEST = replies.REQUEST  # the request a screen is about

# The menu's entries after the request kinds'.
SERVICES = (
    Option("therapies", "menu.therapies", goto="@therapies"),
    Option("mine", "menu.my_requests", goto="@my_requests"),
    Option("settings", "menu.settings", goto="@settings"),
)


def home_flow(kinds: Sequence[Flow]) -> Flow:
    """The main menu: a button for each request kind, in their order, then the services."""
    requests = tuple(Option(flow.id, f"menu.{flow.id}", goto=f"@{flow.id}") for flow in kinds)
    return Flow(
        id=HOME,
        complete="home",
        needs_patient=True,
        steps=(
            Step(
                "menu",
                prompt="=home",
                input=Choose(key="choice", options=(*requests, *SERVICES)),
                back=False,
                cancel=False,
            ),
        ),
    )


MY_REQUESTS = Flow(
    id="my_requests",
    complete="home",
    steps=(
        Step("list", "=my_requests", Choose(key="request", provider="my_requests"), cancel=False),
        Step("detail", "=request_detail", Choose(key="op", provider="request_ops"), cancel=False),
    ),
)

SETTINGS = Flow(
    id="settings",
    complete="home",
    steps=(
        Step(
            "menu",
            "settings.prompt",
            Choose(
                key="what",
                options=(
                    Option("language", "settings.language", goto="language"),
                    Option("privacy", "settings.privacy", goto="privacy"),
                    Option("prevention", "settings.prevention", goto="prevention"),
                ),
            ),
            cancel=False,
        ),
        Step(
            "language",
            "settings.language.prompt",
            Choose(
                key="lang",
                options=(
                    Option("it", "lang.it", goto="!set_language"),
                    Option("en", "lang.en", goto="!set_language"),
                ),
            ),
            cancel=False,
        ),
        Step(
            "privacy",
            "=privacy",
            Choose(
                key="privacy",
                options=(
                    # Export and erasure are declared with the rest of privacy (flows/privacy).
                    Option("export", "privacy.export", goto="!export_data"),
                    Option("erase", "privacy.erase", goto="@erase"),
                    Option("withdraw", "privacy.withdraw", goto="withdraw"),
                ),
            ),
            cancel=False,
        ),
        prevention.SETTINGS_STEP,  # consent to prevention reminders, on or off
        Step(
            "withdraw",
            "privacy.withdraw.confirm.full",
            Choose(
                key="sure",
                options=(
                    Option("yes", "privacy.withdraw.yes", goto="!withdraw_consent"),
                    Option("no", "privacy.withdraw.no", goto="@home"),
                ),
            ),
            cancel=False,
        ),
    ),
)

CANCEL_REQUEST = Flow(
    id="cancel_request",
    complete="home",
    steps=(
        Step(
            "confirm",
            "=cancel_confirm",
            Choose(
                key="sure",
                options=(
                    Option("yes", "cancel.yes", goto="!cancel_request"),
                    Option("no", "cancel.no", goto="@home"),
                ),
            ),
            back=False,
            cancel=False,
        ),
    ),
)

ANSWER = Flow(
    id="answer",
    complete="answer_request",
    steps=(
        Step(
            "text",
            "=answer_prompt",
            replies.ANSWER_TEXT,
            back=False,
        ),
    ),
)

RESUME = Flow(
    id="resume",
    complete="home",
    steps=(
        Step(
            "ask",
            "resume.prompt",
            Choose(
                key="resume",
                options=(
                    Option("continue", "resume.continue", goto="!resume_continue"),
                    Option("restart", "resume.restart", goto="@home"),
                ),
            ),
            back=False,
            cancel=False,
        ),
    ),
)


async def home_prompt(turn: Turn) -> str:
    lines = [turn.t("home.prompt", practice=turn.desk.settings.practice_name)]
    if turn.patient is not None and turn.patient.verification == "pending":
        lines.append(turn.t("home.pending"))
    lines.append(turn.t("emergency.short"))
    return "\n\n".join(lines)


def _request_line(turn: Turn, number: int | None, kind: str, state: str) -> str:
    return turn.t(
        "mine.line", number=number, kind=turn.t(f"kind.{kind}"), state=turn.t(f"state.{state}")
    )


async def my_requests_prompt(turn: Turn) -> str:
    assert turn.patient is not None
    assert turn.patient.id is not None
    rows = await turn.uow.requests.for_patient(patient_id=turn.patient.id, limit=10)
    return turn.t("mine.prompt" if rows else "mine.empty")


async def my_requests(turn: Turn, _step: Step) -> list[tuple[str, str]]:
    if turn.patient is None or turn.patient.id is None:
        return []
    rows = await turn.uow.requests.for_patient(patient_id=turn.patient.id, limit=10)
    return [(str(r.id), _request_line(turn, r.id, r.kind, r.state)) for r in rows]


async def _chosen(turn: Turn) -> int:
    value = answers(turn).get("request") or answers(turn).get(REQUEST)
    try:
        return int(str(value))
    except ValueError as exc:
        raise NotFound("request.not_found", number=0) from exc


async def request_detail(turn: Turn) -> str:
    """The card, what the patient filed, and the practice's question while it waits."""
    request = await services.own_request(turn, await _chosen(turn))
    from flows.patient.cards import card_text

    parts = [card_text(turn.desk, request, turn.lang)]
    filed = bulleted(filed_lines(request.answers), turn.t)
    if filed:
        parts.append("\n".join([turn.t("detail.answers"), *filed]))
    if request.state == State.WAITING_PATIENT:
        question = await _question(turn, request.id or 0)
        if question:
            parts.append(turn.t("detail.question", question=question))
    return "\n\n".join(parts)


async def _question(turn: Turn, number: int) -> str:
    """The practice's latest question on request `number` ('' when none was written)."""
    events = await turn.uow.requests.events(request_id=number)
    return next((e.note for e in reversed(events) if e.action == "ask" and e.note), "")


async def request_ops(turn: Turn, _step: Step) -> list[tuple[str, str]]:
    request = await services.own_request(turn, await _chosen(turn))
    ops = []
    if request.state == State.NEW:
        ops.append(("!cancel_prompt", turn.t("card.cancel")))
    if request.state == State.WAITING_PATIENT:
        ops.append(("!answer_prompt", turn.t("card.answer")))
    ops.append(("@home", turn.t("button.menu")))
    return ops


async def cancel_prompt(turn: Turn) -> None:
    await start_flow(turn, CANCEL_REQUEST.id, keep={REQUEST: await _chosen(turn)})


async def answer_prompt_action(turn: Turn) -> None:
    request = await services.own_request(turn, await _chosen(turn))
    await answer_or_offer(turn, request.id or 0)


async def answer_or_offer(turn: Turn, number: int) -> None:
    """«Rispondi» tapped, on a card or a request's detail: the prompt while the request waits,
    else a clear word that it no longer does, with a new Domanda instead."""
    request = await services.own_request(turn, number)
    if request.state != State.WAITING_PATIENT:
        await replies.offer_new_question(turn, number)
        return
    await start_flow(turn, ANSWER.id, keep={REQUEST: number})


async def cancel_confirm(turn: Turn) -> str:
    return turn.t("cancel.confirm", number=await _chosen(turn))


async def answer_prompt(turn: Turn) -> str:
    number = await _chosen(turn)
    return turn.t("answer.prompt", number=number, question=await _question(turn, number))


async def do_cancel(turn: Turn) -> None:
    request = await services.cancel_request(turn, await _chosen(turn))
    await go_home(turn, notice=turn.t("cancel.done", number=request.id))


async def do_answer(turn: Turn) -> None:
    given = answers(turn)
    files = list(given.get("text_files") or [])
    text = str(given.get("text") or "")
    await replies.file_answer(turn, await _chosen(turn), text=text, files=files)


async def set_language(turn: Turn) -> None:
    lang = str(answers(turn).get("lang"))
    if turn.patient is not None and lang in turn.desk.catalog.languages():
        turn.patient.language = lang
        await turn.uow.patients.save(patient=turn.patient)
        turn.lang = lang
    await go_home(turn, notice=turn.t("settings.language.done"))


async def privacy_prompt(turn: Turn) -> str:
    return turn.t("privacy.rights", version=turn.desk.settings.consent_version)


async def withdraw_consent(turn: Turn) -> None:
    # Withdrawing consent also stops reminders and tells staff; the text says what is kept.
    text = await privacy.after_withdrawal(turn)
    turn.conversation.flow = None
    turn.conversation.step = None
    turn.new_menu()
    turn.show(text, ((turn.button("consent.changed_mind", CONSENT_AGAIN),),))


async def resume_continue(turn: Turn) -> None:
    saved = answers(turn).get(f"{INTERNAL}resume")
    if not isinstance(saved, dict) or saved.get("flow") not in turn.desk.registry.flows:
        await go_home(turn)
        return
    conversation = turn.conversation
    conversation.flow = saved["flow"]
    conversation.step = saved.get("step")
    conversation.answers = dict(saved.get("answers") or {})
    conversation.trail = list(saved.get("trail") or [])
    from flows.runner import show_current

    await show_current(turn)


async def go_home_action(turn: Turn) -> None:
    await go_home(turn)


async def go_home_button(turn: Turn, _args: list[str]) -> None:
    """«🏠 Menu» on a pushed message (a reminder answered, the urgent advice): a new menu below
    it, so what the message said stays readable."""
    turn.tapped_message_id = None
    await go_home(turn)


def registry(*, kinds: Sequence[Flow]) -> Registry:
    result = Registry()
    for flow in (home_flow(kinds), MY_REQUESTS, SETTINGS, CANCEL_REQUEST, ANSWER, RESUME):
        result.add_flow(flow)
    result.describers.update(
        home=home_prompt,
        my_requests=my_requests_prompt,
        request_detail=request_detail,
        cancel_confirm=cancel_confirm,
        answer_prompt=answer_prompt,
        privacy=privacy_prompt,
    )
    result.providers.update(my_requests=my_requests, request_ops=request_ops)
    result.commands[PatientGlobal.HOME.head] = go_home_button
    result.actions.update(
        home=go_home_action,
        cancel_prompt=cancel_prompt,
        answer_prompt=answer_prompt_action,
        cancel_request=do_cancel,
        answer_request=do_answer,
        set_language=set_language,
        withdraw_consent=withdraw_consent,
        resume_continue=resume_continue,
    )
    result.merge(replies.registry())
    return result
