"""quarterly_outcomes: each quarter's referrals, those not accepted and screened out, and the longest wait

Revision ID: c5e1a9d3f7b2
Revises: b3d8f2a1c4e7
Create Date: 2026-11-24 01:00:00

Outcome definitions version 2. The columns stay empty in a quarter a purge locked before: its journeys are gone, so
the figures cannot be counted again; every other quarter is counted again under version 2 the next time its unit's
figures are brought up to date. Going down loses the figures, and sets the quarters back to version 1.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e1a9d3f7b2'
down_revision = 'b3d8f2a1c4e7'
branch_labels = None
depends_on = None

COLUMNS = ('longest_wait_at_end', 'referred', 'not_accepted', 'screened_out')


def upgrade():
    with op.batch_alter_table('quarterly_outcomes', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('quarterly_outcomes', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
    # The figures are gone: the quarters say they were counted under version 1, which had none (see e8b4c2d6f1a9).
    op.execute("UPDATE quarterly_outcomes SET definitions_version = '1' WHERE definitions_version = '2'")
