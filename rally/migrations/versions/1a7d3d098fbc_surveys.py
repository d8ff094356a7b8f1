"""surveys: questions, who answered (kept apart from anonymous answers), answers (issue 20).

Revision ID: 1a7d3d098fbc
Revises: a4d2c81f5e90
Create Date: 2026-12-06 06:24:12.508426

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '1a7d3d098fbc'
down_revision = 'a4d2c81f5e90'
branch_labels = None
depends_on = None


def _texts():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('description', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('audience', sa.Enum('everyone', 'verified', 'circle', name='audience', native_enum=False, length=20), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('results_public', sa.Boolean(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['circle_id'], ['circle.id'], name=op.f('fk_survey_circle_id_circle'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey'))
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_circle_id'), ['circle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_opens_at'), ['opens_at'], unique=False)

    op.create_table('survey_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('single', 'several', 'scale', 'text', name='questionkind', native_enum=False, length=20), nullable=False),
    sa.Column('text', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('choices', _texts(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_question_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_question'))
    )
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_question_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_respondent',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_respondent_survey_id_survey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_survey_respondent_visitor_id_visitor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'visitor_id', name=op.f('pk_survey_respondent')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_respondent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_respondent_visitor_id'), ['visitor_id'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_response_survey_id_survey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitor.id'], name=op.f('fk_survey_response_visitor_id_visitor'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_visitor_id'), ['visitor_id'], unique=False)

    op.create_table('survey_answer',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['survey_question.id'], name=op.f('fk_survey_answer_question_id_survey_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], name=op.f('fk_survey_answer_response_id_survey_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'question_id', 'choice', name=op.f('pk_survey_answer')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answer_question_id'))

    op.drop_table('survey_answer')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_visitor_id'))
        batch_op.drop_index(batch_op.f('ix_survey_response_survey_id'))

    op.drop_table('survey_response')
    with op.batch_alter_table('survey_respondent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_respondent_visitor_id'))

    op.drop_table('survey_respondent')
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_question_survey_id'))

    op.drop_table('survey_question')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_opens_at'))
        batch_op.drop_index(batch_op.f('ix_survey_circle_id'))

    op.drop_table('survey')
