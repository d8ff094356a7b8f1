"""Announcements fan out in chunks: the fan-out's cursor, lease and end, and one
announcement notification per resident (a resumed fan-out tells nobody twice).

Revision ID: c4d8e2f6a1b3
Revises: c4a8e2f61d37
Create Date: 2026-12-06 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8e2f6a1b3'
down_revision = 'c4a8e2f61d37'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fanout_cursor', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('fanout_lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('fanned_out_at', sa.DateTime(), nullable=True))
    # What was sent before fanned out in one transaction: it is complete.
    op.execute("UPDATE announcement SET fanned_out_at = sent_at WHERE state = 'sent'")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(
            'uq_notification_announcement_visitor',
            ['announcement_id', 'visitor_id'],
            unique=True,
            sqlite_where=sa.text('announcement_id IS NOT NULL'),
            postgresql_where=sa.text('announcement_id IS NOT NULL'),
        )


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_notification_announcement_visitor',
            sqlite_where=sa.text('announcement_id IS NOT NULL'),
            postgresql_where=sa.text('announcement_id IS NOT NULL'),
        )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_column('fanned_out_at')
        batch_op.drop_column('fanout_lease_until')
        batch_op.drop_column('fanout_cursor')
