"""record_reads: who looked at people's records, and when

Revision ID: f2c7a4e9b1d3
Revises: e8b4c2d6f1a9
Create Date: 2026-11-24 15:10:00

A journey's page, the lists of a unit's journeys and of who waits, and the exports of its journeys are logged as they
are read: which journey (by id) or which list, who and when, with no value of the record. Going down drops the log.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2c7a4e9b1d3'
down_revision = 'e8b4c2d6f1a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=16), nullable=False),
    sa.Column('journey_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_record_reads_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_reads')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('record_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_reads_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_reads_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_reads_journey_id'), ['journey_id'], unique=False)
        batch_op.create_index('ix_record_reads_unit_id_at', ['unit_id', 'at'], unique=False)



def downgrade():
    with op.batch_alter_table('record_reads', schema=None) as batch_op:
        batch_op.drop_index('ix_record_reads_unit_id_at')
        batch_op.drop_index(batch_op.f('ix_record_reads_journey_id'))
        batch_op.drop_index(batch_op.f('ix_record_reads_actor_id'))
        batch_op.drop_index(batch_op.f('ix_record_reads_at'))

    op.drop_table('record_reads')
