"""login_failures: the network address a failed login came from, and whether a success has cleared it

Revision ID: 9e4f1a7b2c83
Revises: 7c1d2e9a4b60
Create Date: 2026-11-23 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e4f1a7b2c83'
down_revision = '7c1d2e9a4b60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column('cleared', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_login_failures_source'), ['source'], unique=False)


def downgrade():
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_source'))
        batch_op.drop_column('cleared')
        batch_op.drop_column('source')
