"""fraud flag: the resolution is a code ("voided", "dismissed") and a void's counts are
columns, so the resolved list words the outcome in the reader's language. Rows resolved
before hold English text ("voided 2 stamps, cancelled 1 claims"): it is parsed into the new
form, and written back on downgrade.

Revision ID: 4c1e6d3fe60e
Revises: bb8e5d363ea6
Create Date: 2026-11-24 04:40:39.398897

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c1e6d3fe60e'
down_revision = 'bb8e5d363ea6'
branch_labels = None
depends_on = None

# What rally.fraud.operations wrote until this revision; nothing else was ever stored.
OLD_VOIDED = re.compile(r"voided (\d+) stamps, cancelled (\d+) claims")
OLD_TEXT = "voided {} stamps, cancelled {} claims"

fraud_flag = sa.table(
    'fraud_flag',
    sa.column('resolution', sa.String()),
    sa.column('stamps_voided', sa.Integer()),
    sa.column('claims_cancelled', sa.Integer()),
)


def upgrade():
    with op.batch_alter_table('fraud_flag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stamps_voided', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claims_cancelled', sa.Integer(), nullable=True))

    # One UPDATE per distinct text: a few dozen (stamps, claims) pairs, however many flags.
    connection = op.get_bind()
    texts = connection.scalars(
        sa.select(fraud_flag.c.resolution)
        .where(fraud_flag.c.resolution.is_not(None), fraud_flag.c.resolution != 'dismissed')
        .distinct()
    ).all()
    unknown = [text for text in texts if not OLD_VOIDED.fullmatch(text)]
    if unknown:
        # Refuse rather than guess: the new column takes only the codes.
        raise RuntimeError(
            f"fraud_flag.resolution holds text this migration cannot read: {unknown!r}"
        )
    for text in texts:
        stamps, claims = OLD_VOIDED.fullmatch(text).groups()
        connection.execute(
            fraud_flag.update()
            .where(fraud_flag.c.resolution == text)
            .values(resolution='voided', stamps_voided=int(stamps), claims_cancelled=int(claims))
        )

    with op.batch_alter_table('fraud_flag', schema=None) as batch_op:
        batch_op.alter_column(
            'resolution',
            existing_type=sa.String(),
            type_=sa.Enum('voided', 'dismissed', name='flagresolution', native_enum=False, length=20),
            existing_nullable=True,
        )


def downgrade():
    with op.batch_alter_table('fraud_flag', schema=None) as batch_op:
        batch_op.alter_column(
            'resolution',
            existing_type=sa.Enum('voided', 'dismissed', name='flagresolution', native_enum=False, length=20),
            type_=sa.String(),
            existing_nullable=True,
        )

    connection = op.get_bind()
    counts = connection.execute(
        sa.select(fraud_flag.c.stamps_voided, fraud_flag.c.claims_cancelled)
        .where(fraud_flag.c.resolution == 'voided')
        .distinct()
    ).all()
    for stamps, claims in counts:
        connection.execute(
            fraud_flag.update()
            .where(
                fraud_flag.c.resolution == 'voided',
                # Matches a NULL count too, where "=" would not.
                fraud_flag.c.stamps_voided.is_not_distinct_from(stamps),
                fraud_flag.c.claims_cancelled.is_not_distinct_from(claims),
            )
            .values(resolution=OLD_TEXT.format(stamps or 0, claims or 0))
        )

    with op.batch_alter_table('fraud_flag', schema=None) as batch_op:
        batch_op.drop_column('claims_cancelled')
        batch_op.drop_column('stamps_voided')
