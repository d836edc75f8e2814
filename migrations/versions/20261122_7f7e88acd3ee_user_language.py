"""user language: each user may choose the language of their pages and reports

Revision ID: 7f7e88acd3ee
Revises: 985086016d17
Create Date: 2026-11-22 22:37:14.449267

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f7e88acd3ee'
down_revision = '985086016d17'
branch_labels = None
depends_on = None


def upgrade():
    # NULL: follow the browser's language, as every existing user did until now.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
