"""Groups, supergroups and channels the bot was added to, and `leaveChat`, as Telegram has them.

A group is a chat the bot can write to while it is a member (its id is negative; a supergroup's
and a channel's start with -100). Adding the bot sends it a `my_chat_member` update (left ->
member, or administrator in a channel, the only way a bot joins one); `leaveChat` makes it leave,
sends the matching `my_chat_member` update, and from then on sends there get 403 "bot is not a
member". `leaveChat` in a private chat, or in a chat the bot never saw, gets 400.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.emulator.errors import ApiError, bad_request
from bot.emulator.models import Json, User
from bot.emulator.params import Params
from bot.emulator.state import Chat, EmulatorState

KINDS = ("group", "supergroup", "channel")
PRIVATE_LEAVE = "chat member status can't be changed in private chats"
_ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
    "can_post_messages",
    "can_edit_messages",
)


@dataclass
class GroupChat(User):
    """A group, supergroup or channel; `first_name` holds its title. `member`: the bot is in it."""

    kind: str = "group"
    member: bool = True

    def to_chat(self) -> Json:
        return {"id": self.id, "type": self.kind, "title": self.first_name}

    def to_driver(self) -> Json:
        return {**self.to_chat(), "member": self.member}


def add_group(state: EmulatorState, body: Json) -> tuple[GroupChat, int | None]:
    """A group with the bot in it; `added_by` (a user id) adds the bot, as a person would."""
    kind = body.get("type", "group")
    if kind not in KINDS:
        raise bad_request(f"type must be one of {', '.join(KINDS)}")
    number = state.next_number()
    default_id = -number if kind == "group" else -(10**12) - number
    group = GroupChat(id=int(body.get("id", default_id)), first_name=str(body.get("title", "")))
    group.kind = kind
    state.chats[group.id] = Chat(group)
    adder = state.users.get(body["added_by"]) if body.get("added_by") is not None else None
    update_id = None
    if adder is not None:
        update_id = _membership(state, group, adder, joined=True)
    return group, update_id


def _bot_member(state: EmulatorState, group: GroupChat, *, joined: bool) -> Json:
    bot = state.bot.to_api()
    if not joined:
        return {"status": "left", "user": bot}
    if group.kind == "channel":
        return {"status": "administrator", "user": bot, **dict.fromkeys(_ADMIN_RIGHTS, True)}
    return {"status": "member", "user": bot}


def _membership(state: EmulatorState, group: GroupChat, actor: Json | User, *, joined: bool) -> int:
    old = _bot_member(state, group, joined=not joined)
    new = _bot_member(state, group, joined=joined)
    sender = actor.to_api() if isinstance(actor, User) else actor
    return state.deliver(
        {
            "my_chat_member": {
                "chat": group.to_chat(),
                "from": sender,
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": new,
            }
        }
    )


async def leave_chat(state: EmulatorState, p: Params) -> bool:
    chat = state.chat(p.chat_id())
    group = chat.user
    if not isinstance(group, GroupChat):
        raise bad_request(PRIVATE_LEAVE)
    if not group.member:
        raise ApiError(403, f"Forbidden: bot is not a member of the {group.kind} chat")
    group.member = False
    _membership(state, group, state.bot.to_api(), joined=False)
    return True


HANDLERS = {"leaveChat": leave_chat}
