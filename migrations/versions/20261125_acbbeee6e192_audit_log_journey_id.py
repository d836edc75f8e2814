"""audit_log: the journey an entry is about, in a column of its own

Revision ID: acbbeee6e192
Revises: a4d9e6b2c8f1
Create Date: 2026-11-25 09:00:00

A journey's history (its page of changes, an import's check, the purge and an erasure) is read by this column rather
than by reading the unit's whole trail and telling in Python which journey each entry is about. The entries written
before get it by the rule those readers used: an entry about a journey (a change to it, or the erasure of its trail)
by its own id; one about a job or course by the journey it names, else by its row if it still exists, else by
another entry about the same job or course that names one; otherwise it stays NULL. The downgrade drops the column.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'acbbeee6e192'
down_revision = 'a4d9e6b2c8f1'
branch_labels = None
depends_on = None

AUDIT_LOG = sa.table(
    'audit_log',
    sa.column('id', sa.Integer),
    sa.column('entity', sa.String),
    sa.column('entity_id', sa.String),
    sa.column('action', sa.String),
    sa.column('changes', sa.JSON),
    sa.column('journey_id', sa.Integer),
)
ROW_ACTIONS = ('create', 'update', 'delete')
SPELLS = ('job_spells', 'education_spells')
# Entries read, and given their journey, at a time: the log may hold millions.
CHUNK = 10000
# Jobs or courses looked up at a time.
LOOKUP = 500
# SQLite rebuilds the table to drop a column: it keeps AUTOINCREMENT only when told (ids are never given twice).
REBUILT = {'sqlite_autoincrement': True}


def _named(changes):
    """The journey an entry about a job or course names (its `journey_id`, as [old, new]), if it names one."""
    named = [value for value in (changes or {}).get('journey_id') or () if value is not None]
    return int(named[-1]) if named else None


def _set(connection, journeys):
    """Give each entry (id -> journey) its journey: on PostgreSQL in one UPDATE ... FROM (an executemany sends a
    statement for each entry, which took four fifths of the time), on SQLite in one executemany."""
    if not journeys:
        return
    if connection.dialect.name == 'postgresql':
        connection.execute(
            sa.text('UPDATE audit_log SET journey_id = given.journey '
                    'FROM unnest(CAST(:entries AS integer[]), CAST(:journeys AS integer[])) AS given(entry, journey) '
                    'WHERE audit_log.id = given.entry'),
            {'entries': list(journeys), 'journeys': list(journeys.values())},
        )
        return
    given = AUDIT_LOG.update().where(AUDIT_LOG.c.id == sa.bindparam('entry'))
    connection.execute(
        given.values(journey_id=sa.bindparam('journey')),
        [{'entry': entry, 'journey': journey} for entry, journey in journeys.items()],
    )


def _chunks(items):
    items = sorted(items)
    return [items[start:start + LOOKUP] for start in range(0, len(items), LOOKUP)]


def upgrade():
    op.add_column('audit_log', sa.Column('journey_id', sa.Integer(), nullable=True))
    connection = op.get_bind()
    # First the entries that say their journey themselves: a journey's by its id, a job's or course's by the journey
    # it names; those about a job or course that name none are kept for below. A chunk at a time, by id, each read
    # whole before it is written.
    unnamed = []  # (entry id, kind, job or course id)
    last = 0
    while True:
        rows = connection.execute(
            sa.select(AUDIT_LOG.c.id, AUDIT_LOG.c.entity, AUDIT_LOG.c.entity_id, AUDIT_LOG.c.action,
                      AUDIT_LOG.c.changes)
            .where(AUDIT_LOG.c.id > last, AUDIT_LOG.c.entity.in_(('journeys', *SPELLS)))
            .order_by(AUDIT_LOG.c.id).limit(CHUNK)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        journeys = {}
        for entry_id, entity, entity_id, action, changes in rows:
            if not entity_id.isdigit():
                continue
            # An import, an export or a purge of a unit's journeys names the unit, by a code that may be digits.
            if entity == 'journeys' and action in (*ROW_ACTIONS, 'erase'):
                journeys[entry_id] = int(entity_id)
            elif entity in SPELLS and action in ROW_ACTIONS:
                named = _named(changes)
                if named is not None:
                    journeys[entry_id] = named
                else:
                    unnamed.append((entry_id, entity, int(entity_id)))
        _set(connection, journeys)
    # An older change that names only what changed: by the job or course itself, where it still exists, else by
    # another entry about it that names its journey (given it above; the latest such).
    for kind in SPELLS:
        wanted = {spell for _entry, entity, spell in unnamed if entity == kind}
        spells = sa.table(kind, sa.column('id', sa.Integer), sa.column('journey_id', sa.Integer))
        found = {}
        for chunk in _chunks(wanted):
            rows = connection.execute(sa.select(spells.c.id, spells.c.journey_id).where(spells.c.id.in_(chunk)))
            found |= {spell: journey for spell, journey in rows}
        for chunk in _chunks({str(spell) for spell in wanted - set(found)}):
            others = connection.execute(
                sa.select(AUDIT_LOG.c.entity_id, AUDIT_LOG.c.journey_id)
                .where(AUDIT_LOG.c.entity == kind, AUDIT_LOG.c.entity_id.in_(chunk))
                .where(AUDIT_LOG.c.action.in_(ROW_ACTIONS), AUDIT_LOG.c.journey_id.is_not(None))
                .order_by(AUDIT_LOG.c.id)
            )
            found |= {int(spell): journey for spell, journey in others}
        _set(connection, {entry: found[spell] for entry, entity, spell in unnamed if entity == kind and spell in found})
    # Indexed once filled: building the index at the end costs less than keeping it up to date entry by entry.
    op.create_index(op.f('ix_audit_log_journey_id'), 'audit_log', ['journey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_log', schema=None, table_kwargs=REBUILT) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_journey_id'))
        batch_op.drop_column('journey_id')
