"""gone_codes: the codes a unit's journeys no longer have, as digests

Revision ID: a9d5e3b7c2f4
Revises: f2c7a4e9b1d3
Create Date: 2026-11-24 20:00:00

A journey deleted or given another code leaves its old code behind as a digest, with the day it went, so that an
import of an older file does not bring the journey back. Going down drops them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9d5e3b7c2f4'
down_revision = 'f2c7a4e9b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('gone_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('gone_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_gone_codes_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gone_codes')),
    sa.UniqueConstraint('unit_id', 'digest', name=op.f('uq_gone_codes_unit_id_digest')),
    sqlite_autoincrement=True
    )


def downgrade():
    op.drop_table('gone_codes')
