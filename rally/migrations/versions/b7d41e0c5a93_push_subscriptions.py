"""Web Push subscriptions: the devices where a resident turned notifications on (issue 21).

Revision ID: b7d41e0c5a93
Revises: a4e7d2c91b35
Create Date: 2026-12-06 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41e0c5a93'
down_revision = 'a4e7d2c91b35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('push_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1024), nullable=False),
    sa.Column('p256dh', sa.String(length=120), nullable=False),
    sa.Column('auth', sa.String(length=40), nullable=False),
    sa.Column('user_agent', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_push_subscription_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscription_endpoint'))
    )
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscription_visitor_id'), ['visitor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscription_visitor_id'))

    op.drop_table('push_subscription')
