"""spot: a photo, as stores have (the demo draws one; pages show it).

Revision ID: c3a7d2e9f104
Revises: c7e1a4d2b9f0
Create Date: 2026-12-06 03:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3a7d2e9f104'
down_revision = 'c7e1a4d2b9f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('spot') as batch_op:
        batch_op.add_column(sa.Column('photo_filename', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('spot') as batch_op:
        batch_op.drop_column('photo_filename')
