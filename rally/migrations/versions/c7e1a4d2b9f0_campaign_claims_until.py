"""campaign.claims_until: the moment after which rewards are no longer claimed or handed over.

Optional (NULL: no deadline, as before); on or after the campaign's end.

Revision ID: c7e1a4d2b9f0
Revises: 5f0c2a9d7e31
Create Date: 2026-12-06 03:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c7e1a4d2b9f0'
down_revision = '5f0c2a9d7e31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign') as batch_op:
        batch_op.add_column(sa.Column('claims_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('campaign') as batch_op:
        batch_op.drop_column('claims_until')
