"""The offline sandbox (`frontdesk sandbox`): the real bot against the built-in Bot API emulator,
and a local web page showing a patient's phone and the doctor's side by side, with a control
that moves the bot's clock so reminders can be seen arriving now.

It is for a clinic deciding whether to adopt the front desk, a trainer showing how the inbox
works, and a newcomer with no bot token: everything runs on the one machine, nothing goes out.
"""

from bot.sandbox.world import Sandbox, SandboxConfig

__all__ = ["Sandbox", "SandboxConfig"]
