"""Events with places: in person or online, registrations with a waiting list, reminders
and attendance, optionally a campaign's stamp (issue 20).

Revision ID: a4e7d2c91b35
Revises: 1a7d3d098fbc
Create Date: 2026-12-06 06:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4e7d2c91b35'
down_revision = '1a7d3d098fbc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.Enum('in_person', 'online', 'mixed', name='eventmode', native_enum=False, length=20), server_default='in_person', nullable=False))
        batch_op.add_column(sa.Column('online_url', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('takes_registrations', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('capacity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('held_seats', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('registration_closes_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attendance_key', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('checkpoint_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_checkpoint_id'), ['checkpoint_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_checkpoint_id_checkpoint'), 'checkpoint', ['checkpoint_id'], ['id'], ondelete='SET NULL')

    op.create_table('event_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'waitlisted', 'cancelled', name='registrationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('promoted_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('attended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_registration_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_event_registration_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registration')),
    sa.UniqueConstraint('event_id', 'visitor_id', name=op.f('uq_event_registration_event_id_visitor_id'))
    )
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.create_index('ix_event_registration_queue', ['event_id', 'status', 'queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registration_visitor_id'), ['visitor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registration_visitor_id'))
        batch_op.drop_index('ix_event_registration_queue')

    op.drop_table('event_registration')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_checkpoint_id_checkpoint'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_checkpoint_id'))
        batch_op.drop_column('checkpoint_id')
        batch_op.drop_column('attendance_key')
        batch_op.drop_column('registration_closes_at')
        batch_op.drop_column('held_seats')
        batch_op.drop_column('capacity')
        batch_op.drop_column('takes_registrations')
        batch_op.drop_column('online_url')
        batch_op.drop_column('mode')
