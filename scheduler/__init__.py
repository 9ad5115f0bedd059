"""Reminder planning, the outbound queue and its rate limiter, driven by APScheduler."""
