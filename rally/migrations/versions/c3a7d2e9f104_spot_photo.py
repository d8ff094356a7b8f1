"""spot: a photo, as stores have (the demo draws one; pages show it).

Revision ID: c3a7d2e9f104
Revises: 5f0c2a9d7e31
Create Date: 2026-12-06 03:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3a7d2e9f104'
down_revision = '5f0c2a9d7e31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('spot') as batch_op:
        batch_op.add_column(sa.Column('photo_filename', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('spot') as batch_op:
        batch_op.drop_column('photo_filename')
