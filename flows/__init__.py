"""The front desk itself: conversation engine, flows as data, request lifecycle, services, texts.

Nothing here imports a Telegram framework; adapters in `bot/` translate updates into the inputs
this package understands and render its replies.
"""
