"""audit_log: every change to a job or course names the journey it belongs to

Revision ID: d7a3f9c1e5b8
Revises: c5e1a9d3f7b2
Create Date: 2026-11-24 07:00:00

From now on every audit entry about a job or course names its journey (`journey_id` as [id, id] in a change that
leaves it as it was), so that the trail names it, and the retention rule clears it with the journey, once an import
has replaced the job's row. The changes written before name only what changed: those about a job or course that
still exists get its journey now. Those whose row is gone already cannot be told apart, and stay as they are. The
downgrade leaves the entries as they are: a journey named once more changes nothing an older version reads.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7a3f9c1e5b8'
down_revision = 'c5e1a9d3f7b2'
branch_labels = None
depends_on = None

AUDIT_LOG = sa.table(
    'audit_log',
    sa.column('id', sa.Integer),
    sa.column('entity', sa.String),
    sa.column('entity_id', sa.String),
    sa.column('action', sa.String),
    sa.column('changes', sa.JSON),
)
SPELLS = ('job_spells', 'education_spells')


def upgrade():
    connection = op.get_bind()
    for name in SPELLS:
        spells = sa.table(name, sa.column('id', sa.Integer), sa.column('journey_id', sa.Integer))
        journeys = dict(connection.execute(sa.select(spells.c.id, spells.c.journey_id)).all())
        entries = connection.execute(
            sa.select(AUDIT_LOG.c.id, AUDIT_LOG.c.entity_id, AUDIT_LOG.c.changes)
            .where(AUDIT_LOG.c.entity == name, AUDIT_LOG.c.action == 'update')
        ).all()
        for entry_id, spell_id, changes in entries:
            journey = journeys.get(int(spell_id)) if spell_id.isdigit() else None
            if journey is None or changes is None or 'journey_id' in changes or 'cleared_by_purge' in changes:
                continue
            connection.execute(
                AUDIT_LOG.update().where(AUDIT_LOG.c.id == entry_id)
                .values(changes={'journey_id': [journey, journey], **changes})
            )


def downgrade():
    pass
