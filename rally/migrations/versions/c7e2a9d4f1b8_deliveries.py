"""The job queue's deliveries: one row per message and channel, once per key (issue 21).

Revision ID: c7e2a9d4f1b8
Revises: 90e0d9cb8ae1
Create Date: 2026-12-06 09:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7e2a9d4f1b8'
down_revision = '90e0d9cb8ae1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('batch', sa.String(length=100), nullable=True),
    sa.Column('visitor_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'sent', 'failed', name='deliverystate', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_delivery_visitor_id_visitor'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('key', name=op.f('uq_delivery_key'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_batch_channel_state', ['batch', 'channel', 'state'], unique=False)
        batch_op.create_index('ix_delivery_state_updated_at', ['state', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_visitor_id'), ['visitor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_visitor_id'))
        batch_op.drop_index('ix_delivery_state_updated_at')
        batch_op.drop_index('ix_delivery_batch_channel_state')

    op.drop_table('delivery')
