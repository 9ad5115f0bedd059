"""Telegram adapters, the renderer, the composition root and the `frontdesk` CLI."""
