"""notifications: a moderation decision's reason; one unread reaction notification per
resident, post and emoji (issue 19).

Revision ID: a4d2c81f5e90
Revises: a4d2e8c61f93
Create Date: 2026-12-06 06:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4d2c81f5e90'
down_revision = 'a4d2e8c61f93'
branch_labels = None
depends_on = None

_ONE_UNREAD_REACTION = sa.text("kind = 'reaction' AND read_at IS NULL")


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(
            'uq_notification_unread_reaction',
            ['visitor_id', 'post_id', 'detail'],
            unique=True,
            sqlite_where=_ONE_UNREAD_REACTION,
            postgresql_where=_ONE_UNREAD_REACTION,
        )


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('uq_notification_unread_reaction')
        batch_op.drop_column('reason')
