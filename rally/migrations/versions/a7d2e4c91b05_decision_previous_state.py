"""A moderation decision keeps the post's state before it, so undoing it restores that.

Revision ID: a7d2e4c91b05
Revises: cf6f8cc89d36
Create Date: 2026-12-06 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d2e4c91b05'
down_revision = 'cf6f8cc89d36'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('moderation_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous', sa.String(length=40), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('moderation_decision', schema=None) as batch_op:
        batch_op.drop_column('previous')
