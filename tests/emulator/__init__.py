"""Tests of the Telegram Bot API emulator (bot/emulator)."""
