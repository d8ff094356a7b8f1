"""resident profiles and resident verification codes (issue 19).

Revision ID: e5b19a7c2d41
Revises: c3a7d2e9f104
Create Date: 2026-12-06 04:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b19a7c2d41'
down_revision = 'c3a7d2e9f104'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'resident',
        sa.Column('visitor_id', sa.Integer(), nullable=False),
        sa.Column('display_name', sa.String(length=120), nullable=False),
        sa.Column('handle', sa.String(length=20), nullable=True),
        sa.Column('photo_filename', sa.String(length=80), nullable=True),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('resident_verified_at', sa.DateTime(), nullable=True),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.Column('code_tries', sa.Integer(), nullable=False),
        sa.Column('code_tries_on', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('visitor_id'),
        sa.UniqueConstraint('handle'),
    )
    with op.batch_alter_table('resident') as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_verified_by_id'), ['verified_by_id'], unique=False)
    op.create_table(
        'resident_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('store_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('used_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['store_id'], ['store.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['used_by_id'], ['visitor.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code_hash'),
    )
    with op.batch_alter_table('resident_code') as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_code_issued_by_id'), ['issued_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_code_store_id'), ['store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_code_used_by_id'), ['used_by_id'], unique=False)


def downgrade():
    op.drop_table('resident_code')
    op.drop_table('resident')
