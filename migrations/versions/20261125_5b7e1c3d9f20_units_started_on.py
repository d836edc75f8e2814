"""units: the day a unit began supporting people, from which its first review is due

Revision ID: 5b7e1c3d9f20
Revises: acbbeee6e192
Create Date: 2026-11-25 10:30:00

A unit that has never been reviewed was due at once, however new. With the day it started, its first review is due
as a review below the good band is (six months on the IPS scale's rule), and it is not listed as never reviewed
before then. The units there are keep no day (NULL): their first review stays due at once. The downgrade drops the
column.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e1c3d9f20'
down_revision = 'acbbeee6e192'
branch_labels = None
depends_on = None

# SQLite rebuilds the table to drop a column: it keeps AUTOINCREMENT only when told (ids are never given twice).
REBUILT = {'sqlite_autoincrement': True}


def upgrade():
    with op.batch_alter_table('units', schema=None, table_kwargs=REBUILT) as batch_op:
        batch_op.add_column(sa.Column('started_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('units', schema=None, table_kwargs=REBUILT) as batch_op:
        batch_op.drop_column('started_on')
