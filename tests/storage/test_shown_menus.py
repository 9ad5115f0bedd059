"""The menu ids kept in memory (`ShownMenus`) give the same answers as writing each one at once:
a turn sees the menu last shown, and an id waits only until a commit has written it."""

from __future__ import annotations

from storage.uow import Database


async def test_a_turn_sees_the_menu_shown_since_its_conversation_was_saved(
    database: Database,
) -> None:
    async with database.uow() as uow:
        conversation = await uow.conversations.of_turn(chat_id=7, user_id=70)
        assert conversation.menu_message_id is None
        await uow.conversations.save(conversation=conversation)
        await uow.commit()
    database.menus.shown(chat_id=7, message_id=41)
    async with database.uow() as uow:
        stored = await uow.conversations.get(chat_id=7)
        assert stored is not None
        assert stored.menu_message_id is None
        conversation = await uow.conversations.of_turn(chat_id=7, user_id=70)
        assert conversation.menu_message_id == 41
        await uow.conversations.save(conversation=conversation)
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.conversations.get(chat_id=7)
        assert stored is not None
        assert stored.menu_message_id == 41


async def test_an_unsaved_menu_id_outlives_a_turn_that_did_not_commit(database: Database) -> None:
    database.menus.shown(chat_id=8, message_id=50)
    async with database.uow() as uow:
        conversation = await uow.conversations.of_turn(chat_id=8, user_id=80)
        await uow.conversations.save(conversation=conversation)
        # no commit: the turn was abandoned
    async with database.uow() as uow:
        conversation = await uow.conversations.of_turn(chat_id=8, user_id=80)
        assert conversation.menu_message_id == 50
        await uow.conversations.save(conversation=conversation)
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.conversations.get(chat_id=8)
        assert stored is not None
        assert stored.menu_message_id == 50


async def test_the_same_menu_edited_in_place_is_nothing_to_save(database: Database) -> None:
    async with database.uow() as uow:
        conversation = await uow.conversations.of_turn(chat_id=9, user_id=90)
        conversation.menu_message_id = 60
        await uow.conversations.save(conversation=conversation)
        await uow.commit()
    async with database.uow() as uow:
        await uow.conversations.of_turn(chat_id=9, user_id=90)
    database.menus.shown(chat_id=9, message_id=60)  # edited in place: the id it had
    async with database.uow() as uow:
        stored = await uow.conversations.get(chat_id=9)
        assert stored is not None
        stored.menu_message_id = 61
        await uow.conversations.save(conversation=stored)
        await uow.commit()
    async with database.uow() as uow:
        conversation = await uow.conversations.of_turn(chat_id=9, user_id=90)
        assert conversation.menu_message_id == 61  # nothing waited to overwrite it
