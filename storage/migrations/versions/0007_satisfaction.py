"""satisfaction: the overall question's answers, comments and likelihood to recommend

The old 1–5 stars stay in `ratings` as they are: they are the old scale and are never turned
into answers to the new question.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel types
from alembic import op

import storage.types  # noqa: F401 - autogenerate writes our column types


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('satisfaction_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('touchpoint', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('asked_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('commented_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recommend', sa.Integer(), nullable=True),
    sa.Column('recommend_asked_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recommend_answered_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('satisfaction_answers', schema=None) as batch_op:
        batch_op.create_index('ix_satisfaction_answers_asked_at', ['asked_at'], unique=False)
        batch_op.create_index('ix_satisfaction_answers_patient_asked', ['patient_id', 'asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_satisfaction_answers_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_satisfaction_answers_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('satisfaction_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_satisfaction_answers_request_id'))
        batch_op.drop_index(batch_op.f('ix_satisfaction_answers_appointment_id'))
        batch_op.drop_index('ix_satisfaction_answers_patient_asked')
        batch_op.drop_index('ix_satisfaction_answers_asked_at')
    op.drop_table('satisfaction_answers')
