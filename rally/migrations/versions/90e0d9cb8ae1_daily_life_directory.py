"""The daily-life directory (issue 21): clinics, hospitals, parks, child care and shelters,
their weekly hours and special dates, and residents' corrections.

Revision ID: 90e0d9cb8ae1
Revises: b7d41e0c5a93
Create Date: 2026-12-06 09:27:35.545200

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '90e0d9cb8ae1'
down_revision = 'b7d41e0c5a93'
branch_labels = None
depends_on = None


def _texts():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('life_place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('clinic', 'hospital', 'playground', 'park', 'childcare', 'shelter', name='lifekind', native_enum=False, length=20), nullable=False),
    sa.Column('name', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('description', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('address', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('notes', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('url', sa.String(length=255), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('facilities', sa.JSON(), nullable=False),
    sa.Column('designated_shelter', sa.Boolean(), nullable=False),
    sa.Column('evacuation_site', sa.Boolean(), nullable=False),
    sa.Column('hazards', sa.JSON(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('closed_on_holidays', sa.Boolean(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_life_place_area_id_area'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_life_place'))
    )
    with op.batch_alter_table('life_place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_life_place_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_life_place_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_life_place_published'), ['published'], unique=False)

    op.create_table('life_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.Enum('hours', 'phone', 'address', 'closed', 'other', name='correctiontopic', native_enum=False, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'accepted', 'declined', name='correctionstate', native_enum=False, length=20), nullable=False),
    sa.Column('answer', sa.Text(), server_default='', nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_life_correction_answered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['place_id'], ['life_place.id'], name=op.f('fk_life_correction_place_id_life_place'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_life_correction_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_life_correction'))
    )
    with op.batch_alter_table('life_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_life_correction_answered_by_id'), ['answered_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_life_correction_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_life_correction_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_life_correction_visitor_id'), ['visitor_id'], unique=False)

    op.create_table('life_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['life_place.id'], name=op.f('fk_life_hours_place_id_life_place'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_life_hours'))
    )
    with op.batch_alter_table('life_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_life_hours_place_id'), ['place_id'], unique=False)

    op.create_table('life_special_date',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('closed', 'duty', name='specialkind', native_enum=False, length=20), nullable=False),
    sa.Column('opens', sa.Time(), nullable=True),
    sa.Column('closes', sa.Time(), nullable=True),
    sa.ForeignKeyConstraint(['place_id'], ['life_place.id'], name=op.f('fk_life_special_date_place_id_life_place'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_life_special_date'))
    )
    with op.batch_alter_table('life_special_date', schema=None) as batch_op:
        batch_op.create_index('ix_life_special_date_place_on', ['place_id', 'on'], unique=False)



def downgrade():
    with op.batch_alter_table('life_special_date', schema=None) as batch_op:
        batch_op.drop_index('ix_life_special_date_place_on')

    op.drop_table('life_special_date')
    with op.batch_alter_table('life_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_life_hours_place_id'))

    op.drop_table('life_hours')
    with op.batch_alter_table('life_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_life_correction_visitor_id'))
        batch_op.drop_index(batch_op.f('ix_life_correction_state'))
        batch_op.drop_index(batch_op.f('ix_life_correction_place_id'))
        batch_op.drop_index(batch_op.f('ix_life_correction_answered_by_id'))

    op.drop_table('life_correction')
    with op.batch_alter_table('life_place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_life_place_published'))
        batch_op.drop_index(batch_op.f('ix_life_place_kind'))
        batch_op.drop_index(batch_op.f('ix_life_place_area_id'))

    op.drop_table('life_place')
