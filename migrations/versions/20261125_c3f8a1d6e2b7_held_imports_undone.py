"""held_imports: the journeys the latest check found a held file would undo a later change in

Revision ID: c3f8a1d6e2b7
Revises: b6e2d8f4a1c9
Create Date: 2026-11-25 04:30:00

Its uploader may import the file but for those journeys; they are kept with the file, from its check, rather than
sent back by the page. Going down drops them: a file held then is imported whole, or not.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f8a1d6e2b7'
down_revision = 'b6e2d8f4a1c9'
branch_labels = None
depends_on = None


# SQLite rebuilds the table to change a column: it keeps AUTOINCREMENT only when told (ids are never given twice).
REBUILT = {'sqlite_autoincrement': True}


def upgrade():
    # Added empty to the files held now, which are checked again before an answer can leave journeys out (a JSON
    # column is never NULL: a backup could not tell JSON null from it).
    with op.batch_alter_table('held_imports', schema=None, table_kwargs=REBUILT) as batch_op:
        batch_op.add_column(sa.Column('undone', sa.JSON(), nullable=True))
    op.execute("UPDATE held_imports SET undone = '{}'")
    with op.batch_alter_table('held_imports', schema=None, table_kwargs=REBUILT) as batch_op:
        batch_op.alter_column('undone', existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table('held_imports', schema=None, table_kwargs=REBUILT) as batch_op:
        batch_op.drop_column('undone')
