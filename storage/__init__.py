"""Persistence: SQLModel tables, repositories, the unit of work, engine set-up and migrations."""
