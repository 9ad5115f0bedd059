"""staff digest notices: the opening digest's buffer gets a table of its own

Until now a staff notice that waited for the practice to open was an `outbound_messages` row
with `queued` false, picked up by the housekeeping tick and marked sent without being sent. The
waiting notices move to `staff_digest_notices`; the old buffer rows leave the outbox.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 09:00:00.000000
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel types
from alembic import op

import storage.types


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUFFER_PREFIX = 'staff_notice:'

_outbox = sa.table(
    'outbound_messages',
    sa.column('id', sa.Integer()),
    sa.column('idempotency_key', sa.String()),
    sa.column('chat_id', sa.BigInteger()),
    sa.column('payload', storage.types.JSONDocument()),
    sa.column('status', sa.String()),
    sa.column('not_before', storage.types.UTCDateTime(timezone=True)),
    sa.column('attempts', sa.Integer()),
    sa.column('created_at', storage.types.UTCDateTime(timezone=True)),
    sa.column('queued', sa.Boolean()),
    sa.column('night_ok', sa.Boolean()),
)
_notices = sa.table(
    'staff_digest_notices',
    sa.column('id', sa.Integer()),
    sa.column('chat_id', sa.BigInteger()),
    sa.column('key', sa.String()),
    sa.column('params', storage.types.JSONDocument()),
    sa.column('due_at', storage.types.UTCDateTime(timezone=True)),
    sa.column('created_at', storage.types.UTCDateTime(timezone=True)),
)
# The old buffer: never sent by the dispatcher, recognised by its key.
_BUFFER = sa.and_(
    _outbox.c.queued == sa.false(), _outbox.c.idempotency_key.like(f'{BUFFER_PREFIX}%')
)


def upgrade() -> None:
    op.create_table('staff_digest_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('params', storage.types.JSONDocument(), nullable=False),
    sa.Column('due_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_digest_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_digest_notices_due_at'), ['due_at'], unique=False)

    bind = op.get_bind()
    waiting = bind.execute(
        sa.select(_outbox.c.chat_id, _outbox.c.payload, _outbox.c.not_before, _outbox.c.created_at)
        .where(_BUFFER, _outbox.c.status == 'pending')
        .order_by(_outbox.c.id)
    ).all()
    rows = [
        {
            'chat_id': chat_id,
            'key': str((payload or {}).get('key') or ''),
            'params': dict((payload or {}).get('params') or {}),
            'due_at': not_before,
            'created_at': created_at,
        }
        for chat_id, payload, not_before, created_at in waiting
    ]
    rows = [row for row in rows if row['key']]
    if rows:
        bind.execute(_notices.insert(), rows)
    # Those gathered already were bookkeeping, never messages: nothing of them is worth keeping.
    bind.execute(_outbox.delete().where(_BUFFER))


def downgrade() -> None:
    bind = op.get_bind()
    waiting = bind.execute(
        sa.select(_notices.c.chat_id, _notices.c.key, _notices.c.params, _notices.c.due_at,
                  _notices.c.created_at).order_by(_notices.c.id)
    ).all()
    rows = [
        {
            'idempotency_key': f'{BUFFER_PREFIX}{uuid.uuid4().hex}',
            'chat_id': chat_id,
            'payload': {'kind': 'staff_notice', 'key': key, 'params': params or {}},
            'status': 'pending',
            'not_before': due_at,
            'attempts': 0,
            'created_at': created_at,
            'queued': False,
            'night_ok': False,
        }
        for chat_id, key, params, due_at, created_at in waiting
    ]
    if rows:
        bind.execute(_outbox.insert(), rows)
    with op.batch_alter_table('staff_digest_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_digest_notices_due_at'))

    op.drop_table('staff_digest_notices')
