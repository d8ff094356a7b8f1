"""Announcements: the association's announcements, residents' choices of how often they
hear, disaster mode, a notification's announcement and a visitor's last visit (issue 21).

Revision ID: e8a1c4f07d62
Revises: be97aa06f636
Create Date: 2026-12-06 10:09:07.077870

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def _texts():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


# revision identifiers, used by Alembic.
revision = 'e8a1c4f07d62'
down_revision = 'be97aa06f636'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('body', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('audience', sa.Enum('everyone', 'circle', 'area', 'verified', 'campaign', name='audience', native_enum=False, length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'scheduled', 'sent', 'cancelled', name='announcementstate', native_enum=False, length=20), nullable=False),
    sa.Column('publish_at', sa.DateTime(), nullable=True),
    sa.Column('banner_until', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_announcement_author_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement'))
    )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_announcement_state_publish_at', ['state', 'publish_at'], unique=False)

    op.create_table('disaster_mode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name=op.f('fk_disaster_mode_started_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disaster_mode'))
    )
    op.create_table('notification_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=True),
    sa.Column('circle_key', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Enum('realtime', 'daily', 'weekly', 'none', name='frequency', native_enum=False, length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['circle_id'], ['circle.id'], name=op.f('fk_notification_choice_circle_id_circle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_notification_choice_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_choice')),
    sa.UniqueConstraint('visitor_id', 'circle_key', name=op.f('uq_notification_choice_visitor_id_circle_key'))
    )
    with op.batch_alter_table('notification_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_choice_circle_id'), ['circle_id'], unique=False)

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announcement_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_announcement_id_announcement'), 'announcement', ['announcement_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('visitor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('visitor', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_announcement_id_announcement'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_announcement_id'))
        batch_op.drop_column('announcement_id')

    with op.batch_alter_table('notification_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_choice_circle_id'))

    op.drop_table('notification_choice')
    op.drop_table('disaster_mode')
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_index('ix_announcement_state_publish_at')
        batch_op.drop_index(batch_op.f('ix_announcement_author_id'))

    op.drop_table('announcement')
