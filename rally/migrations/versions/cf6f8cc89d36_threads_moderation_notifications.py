"""Threads, reactions, pins, read marks; reports and moderation decisions; notifications;
mute/block and held words (issue 19).

Revision ID: cf6f8cc89d36
Revises: f3c1d9a0b7e2
Create Date: 2026-12-06 06:01:28.727897

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cf6f8cc89d36'
down_revision = 'f3c1d9a0b7e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_word',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_word')),
    sa.UniqueConstraint('word', name=op.f('uq_held_word_word'))
    )
    op.create_table('resident_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('mute', 'block', name='blockkind', native_enum=False, length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['other_id'], ['visitor.id'], name=op.f('fk_resident_block_other_id_visitor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_resident_block_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_block')),
    sa.UniqueConstraint('visitor_id', 'other_id', name=op.f('uq_resident_block_visitor_id_other_id'))
    )
    with op.batch_alter_table('resident_block', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_block_other_id'), ['other_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_block_visitor_id'), ['visitor_id'], unique=False)

    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('state', sa.Enum('visible', 'held', 'hidden', 'deleted', name='poststate', native_enum=False, length=20), nullable=False),
    sa.Column('state_reason', sa.String(length=40), nullable=False),
    sa.Column('photos_confirmed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('reply_count', sa.Integer(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['visitor.id'], name=op.f('fk_post_author_id_visitor'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['circle_id'], ['circle.id'], name=op.f('fk_post_circle_id_circle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['post.id'], name=op.f('fk_post_thread_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post'))
    )
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_post_circle_thread_created', ['circle_id', 'thread_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_last_activity_at'), ['last_activity_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_thread_id'), ['thread_id'], unique=False)

    op.create_table('moderation_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['circle_id'], ['circle.id'], name=op.f('fk_moderation_decision_circle_id_circle'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['moderator_id'], ['visitor.id'], name=op.f('fk_moderation_decision_moderator_id_visitor'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_moderation_decision_post_id_post'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['visitor.id'], name=op.f('fk_moderation_decision_subject_id_visitor'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_moderation_decision_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_decision'))
    )
    with op.batch_alter_table('moderation_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_decision_circle_id'), ['circle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_decision_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_decision_moderator_id'), ['moderator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_decision_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_decision_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_decision_user_id'), ['user_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('circle_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['visitor.id'], name=op.f('fk_notification_actor_id_visitor'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['circle_id'], ['circle.id'], name=op.f('fk_notification_circle_id_circle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_notification_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_notification_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_notification_visitor_read', ['visitor_id', 'read_at'], unique=False)

    op.create_table('pin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('pinned_at', sa.DateTime(), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['circle_id'], ['circle.id'], name=op.f('fk_pin_circle_id_circle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_pin_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pin')),
    sa.UniqueConstraint('post_id', name=op.f('uq_pin_post_id'))
    )
    with op.batch_alter_table('pin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pin_circle_id'), ['circle_id'], unique=False)

    op.create_table('post_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('thumbnail', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_post_photo_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_photo')),
    sa.UniqueConstraint('name', name=op.f('uq_post_photo_name')),
    sa.UniqueConstraint('thumbnail', name=op.f('uq_post_photo_thumbnail'))
    )
    with op.batch_alter_table('post_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_photo_post_id'), ['post_id'], unique=False)

    op.create_table('post_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('replaced_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_post_revision_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_revision'))
    )
    with op.batch_alter_table('post_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_revision_post_id'), ['post_id'], unique=False)

    op.create_table('reaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('emoji', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_reaction_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_reaction_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reaction')),
    sa.UniqueConstraint('post_id', 'visitor_id', 'emoji', name=op.f('uq_reaction_post_id_visitor_id_emoji'))
    )
    with op.batch_alter_table('reaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reaction_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reaction_visitor_id'), ['visitor_id'], unique=False)

    op.create_table('read_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('last_post_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['post.id'], name=op.f('fk_read_mark_thread_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_read_mark_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_read_mark')),
    sa.UniqueConstraint('visitor_id', 'thread_id', name=op.f('uq_read_mark_visitor_id_thread_id'))
    )
    with op.batch_alter_table('read_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_read_mark_thread_id'), ['thread_id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Enum('spam', 'harassment', 'off_topic', 'personal_data', 'other', name='reportreason', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('trusted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_report_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['visitor.id'], name=op.f('fk_report_reporter_id_visitor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['visitor.id'], name=op.f('fk_report_subject_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('reporter_id', 'post_id', name=op.f('uq_report_reporter_id_post_id')),
    sa.UniqueConstraint('reporter_id', 'subject_id', name=op.f('uq_report_reporter_id_subject_id'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_subject_id'), ['subject_id'], unique=False)

    with op.batch_alter_table('circle', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asks_photo_confirmation', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('banned_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('banned_at')
        batch_op.drop_column('suspended_until')

    with op.batch_alter_table('circle', schema=None) as batch_op:
        batch_op.drop_column('asks_photo_confirmation')

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_subject_id'))
        batch_op.drop_index(batch_op.f('ix_report_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_report_post_id'))

    op.drop_table('report')
    with op.batch_alter_table('read_mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_read_mark_thread_id'))

    op.drop_table('read_mark')
    with op.batch_alter_table('reaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reaction_visitor_id'))
        batch_op.drop_index(batch_op.f('ix_reaction_post_id'))

    op.drop_table('reaction')
    with op.batch_alter_table('post_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_revision_post_id'))

    op.drop_table('post_revision')
    with op.batch_alter_table('post_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_photo_post_id'))

    op.drop_table('post_photo')
    with op.batch_alter_table('pin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pin_circle_id'))

    op.drop_table('pin')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_visitor_read')
        batch_op.drop_index(batch_op.f('ix_notification_created_at'))

    op.drop_table('notification')
    with op.batch_alter_table('moderation_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_decision_user_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_decision_subject_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_decision_post_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_decision_moderator_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_decision_created_at'))
        batch_op.drop_index(batch_op.f('ix_moderation_decision_circle_id'))

    op.drop_table('moderation_decision')
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_thread_id'))
        batch_op.drop_index(batch_op.f('ix_post_state'))
        batch_op.drop_index(batch_op.f('ix_post_last_activity_at'))
        batch_op.drop_index('ix_post_circle_thread_created')
        batch_op.drop_index(batch_op.f('ix_post_author_id'))

    op.drop_table('post')
    with op.batch_alter_table('resident_block', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_block_visitor_id'))
        batch_op.drop_index(batch_op.f('ix_resident_block_other_id'))

    op.drop_table('resident_block')
    op.drop_table('held_word')
