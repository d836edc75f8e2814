"""quarterly_outcomes: each quarter's supervisors, in full-time equivalents

Revision ID: a4d9e6b2c8f1
Revises: c3f8a1d6e2b7
Create Date: 2026-11-25 07:00:00

Outcome definitions version 6: the specialists per supervisor. The column stays empty in a quarter a purge locked
before: it was kept without its supervisors, and is never counted again; every other quarter is counted again under
version 6 the next time its unit's figures are brought up to date. Going down loses the figure, and sets the quarters
back to version 5.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4d9e6b2c8f1'
down_revision = 'c3f8a1d6e2b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quarterly_outcomes', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('supervisor_fte', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('quarterly_outcomes', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('supervisor_fte')
    # The figure is gone: the quarters say they were counted under version 5, which had none. Upgrading again counts
    # the unlocked quarters once more; a locked quarter's figure cannot be counted again, and its page says so.
    op.execute("UPDATE quarterly_outcomes SET definitions_version = '5' WHERE definitions_version = '6'")
