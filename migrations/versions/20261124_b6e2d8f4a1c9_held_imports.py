"""held_imports: a journey file held between the check of what it changes and its import

Revision ID: b6e2d8f4a1c9
Revises: a9d5e3b7c2f4
Create Date: 2026-11-24 22:30:00

An uploaded journey file is first checked and its effect shown; the file is held until its uploader imports it or
not, for a short while only. Going down drops the files held.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6e2d8f4a1c9'
down_revision = 'a9d5e3b7c2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('suffix', sa.String(length=8), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_held_imports_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_held_imports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_imports')),
    sa.UniqueConstraint('token', name=op.f('uq_held_imports_token')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('held_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_imports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_imports_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_imports_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('held_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_imports_user_id'))
        batch_op.drop_index(batch_op.f('ix_held_imports_unit_id'))
        batch_op.drop_index(batch_op.f('ix_held_imports_created_at'))

    op.drop_table('held_imports')
