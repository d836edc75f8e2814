"""reviews keep their total once they count

Revision ID: dd49cbe458a3
Revises: 2382a8e9bde8
Create Date: 2026-11-22 21:41:40.640034

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dd49cbe458a3'
down_revision = '2382a8e9bde8'
branch_labels = None
depends_on = None


# The scores that count: a self-assessment's by the manager who started it, an external review's consensus.
COUNTED_SCORES = """
    SELECT ratings.review_id AS review_id, ratings.score AS score FROM ratings JOIN reviews ON reviews.id = ratings.review_id
    WHERE reviews.kind = 'self_assessment' AND ratings.rater_id = reviews.created_by_id AND ratings.score IS NOT NULL
    UNION ALL
    SELECT consensus_scores.review_id, consensus_scores.score FROM consensus_scores WHERE consensus_scores.score IS NOT NULL
"""


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('total', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scored_items', sa.Integer(), nullable=True))

    # Reviews that already count get their totals before the check below demands them.
    op.execute(f"""
        UPDATE reviews SET
            total = (SELECT coalesce(sum(s.score), 0) FROM ({COUNTED_SCORES}) AS s WHERE s.review_id = reviews.id),
            scored_items = (SELECT count(s.score) FROM ({COUNTED_SCORES}) AS s WHERE s.review_id = reviews.id)
        WHERE status IN ('submitted', 'final')
    """)
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_reviews_counted_reviews_have_totals'), "status NOT IN ('submitted', 'final') OR total IS NOT NULL"
        )


def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reviews_counted_reviews_have_totals'), type_='check')
        batch_op.drop_column('scored_items')
        batch_op.drop_column('total')
