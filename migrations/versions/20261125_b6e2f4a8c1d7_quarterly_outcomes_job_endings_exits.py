"""quarterly_outcomes: each quarter's competitive job endings and exits

Revision ID: b6e2f4a8c1d7
Revises: 5b7e1c3d9f20
Create Date: 2026-11-25 12:00:00

Outcome definitions version 7: the competitive jobs that ended while their person was served, and the people enrolled
who exited (the transitions off the caseload). The columns stay empty in a quarter a purge locked before: its journeys
are gone, so the figures cannot be counted again; every other quarter is counted again under version 7 the next time
its unit's figures are brought up to date. Going down loses the figures, and sets the quarters back to version 6.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6e2f4a8c1d7'
down_revision = '5b7e1c3d9f20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quarterly_outcomes', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('job_endings', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('exits', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('quarterly_outcomes', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('exits')
        batch_op.drop_column('job_endings')
    # The figures are gone: the quarters say they were counted under version 6, which had none. Upgrading again counts
    # the unlocked quarters once more; a locked quarter's figures cannot be counted again, and its page says so.
    op.execute("UPDATE quarterly_outcomes SET definitions_version = '6' WHERE definitions_version = '7'")
