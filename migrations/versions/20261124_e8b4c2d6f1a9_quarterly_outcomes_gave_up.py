"""quarterly_outcomes: each quarter's referrals who gave up while waiting

Revision ID: e8b4c2d6f1a9
Revises: d7a3f9c1e5b8
Create Date: 2026-11-24 07:00:00

Outcome definitions version 3. The column stays empty in a quarter a purge locked before: its journeys are gone, so
the figure cannot be counted again; every other quarter is counted again under version 3 the next time its unit's
figures are brought up to date. Going down loses the figure, and sets the quarters back to version 2.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8b4c2d6f1a9'
down_revision = 'd7a3f9c1e5b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quarterly_outcomes', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('gave_up', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('quarterly_outcomes', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('gave_up')
    # The figure is gone: the quarters say they were counted under version 2, which had none. Upgrading again counts
    # the unlocked quarters once more; a locked quarter's figure cannot be counted again, and its page says so.
    op.execute("UPDATE quarterly_outcomes SET definitions_version = '2' WHERE definitions_version = '3'")
