"""Volunteer staff: roles the association gives residents for a span of days, and their
audit log (issue 20).

Revision ID: be97aa06f636
Revises: e65fe8402e37
Create Date: 2026-12-06 09:27:41.241937

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'be97aa06f636'
down_revision = 'e65fe8402e37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('town_office_staff', 'circle_moderator', 'event_helper', name='rolekind', native_enum=False, length=30), nullable=False),
    sa.Column('badge', sa.String(length=40), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('all_events', sa.Boolean(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_staff_role_dates_in_order')),
    sa.ForeignKeyConstraint(['circle_id'], ['circle.id'], name=op.f('fk_staff_role_circle_id_circle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_staff_role_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_staff_role_granted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_staff_role_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_role'))
    )
    with op.batch_alter_table('staff_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_role_circle_id'), ['circle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_role_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_role_granted_by_id'), ['granted_by_id'], unique=False)
        batch_op.create_index('ix_staff_role_holder', ['visitor_id', 'kind', 'ends_on'], unique=False)

    op.create_table('role_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum('granted', 'dates_changed', 'revoked', name='roleaction', native_enum=False, length=20), nullable=False),
    sa.Column('kind', sa.Enum('town_office_staff', 'circle_moderator', 'event_helper', name='rolekind', native_enum=False, length=30), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('previous_starts_on', sa.Date(), nullable=True),
    sa.Column('previous_ends_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['role_id'], ['staff_role.id'], name=op.f('fk_role_log_role_id_staff_role'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_role_log_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_log'))
    )
    with op.batch_alter_table('role_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_log_role_id'), ['role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_log_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('role_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_role_log_role_id'))
        batch_op.drop_index(batch_op.f('ix_role_log_created_at'))

    op.drop_table('role_log')
    with op.batch_alter_table('staff_role', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_role_holder')
        batch_op.drop_index(batch_op.f('ix_staff_role_granted_by_id'))
        batch_op.drop_index(batch_op.f('ix_staff_role_event_id'))
        batch_op.drop_index(batch_op.f('ix_staff_role_circle_id'))

    op.drop_table('staff_role')
