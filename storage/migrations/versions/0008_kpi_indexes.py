"""indexes the KPI aggregates read: requests by filing time and reminders by due time, each
covering the columns the KPIs count, so a year's scan reads a narrow index, not the rows (with
their answers and payloads)

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-07 20:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REQUESTS = ["created_at", "state", "patient_id", "due_at", "first_response_at", "closed_at"]
REMINDERS = ["due_at", "kind", "status", "answer", "sent_at", "patient_id", "appointment_id"]


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_kpi_created", REQUESTS, unique=False)
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index("ix_reminders_kpi_due", REMINDERS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_kpi_due")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_kpi_created")
