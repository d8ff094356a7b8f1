"""Readings in katakana: store and spot names, event titles (名称_カナ of the open data).

Revision ID: c4a8e2f61d37
Revises: b7e3f1a2c9d4
Create Date: 2026-12-06 13:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a8e2f61d37'
down_revision = 'b7e3f1a2c9d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_kana', sa.String(length=200), server_default='', nullable=False))
    with op.batch_alter_table('spot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_kana', sa.String(length=200), server_default='', nullable=False))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_kana', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('title_kana')
    with op.batch_alter_table('spot', schema=None) as batch_op:
        batch_op.drop_column('name_kana')
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.drop_column('name_kana')
