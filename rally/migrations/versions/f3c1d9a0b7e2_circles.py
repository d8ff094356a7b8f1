"""circles and their members (issue 19).

Revision ID: f3c1d9a0b7e2
Revises: c7e2a91d4b10
Create Date: 2026-12-06 04:20:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'f3c1d9a0b7e2'
down_revision = 'c7e2a91d4b10'
branch_labels = None
depends_on = None


def _texts():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'circle',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', _texts(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column('description', _texts(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column('icon', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.Enum('open', 'members_only', 'verified_only', name='circlekind', native_enum=False, length=20), nullable=False),
        sa.Column('status', sa.Enum('active', 'pending', 'archived', name='circlestatus', native_enum=False, length=20), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['visitor.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('circle') as batch_op:
        batch_op.create_index(batch_op.f('ix_circle_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_circle_proposed_by_id'), ['proposed_by_id'], unique=False)
    op.create_table(
        'circle_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('circle_id', sa.Integer(), nullable=False),
        sa.Column('visitor_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.Enum('requested', 'member', name='memberstate', native_enum=False, length=20), nullable=False),
        sa.Column('is_moderator', sa.Boolean(), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('joined_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['circle_id'], ['circle.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('circle_id', 'visitor_id'),
    )
    with op.batch_alter_table('circle_member') as batch_op:
        batch_op.create_index(batch_op.f('ix_circle_member_circle_id'), ['circle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circle_member_visitor_id'), ['visitor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circle_member_state'), ['state'], unique=False)
    op.create_table(
        'circle_staff',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('circle_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('named_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['circle_id'], ['circle.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('circle_id', 'user_id'),
    )
    with op.batch_alter_table('circle_staff') as batch_op:
        batch_op.create_index(batch_op.f('ix_circle_staff_circle_id'), ['circle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circle_staff_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('circle_staff')
    op.drop_table('circle_member')
    op.drop_table('circle')
