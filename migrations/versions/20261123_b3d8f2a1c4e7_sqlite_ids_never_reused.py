"""SQLite: ids are never given out twice (AUTOINCREMENT), as PostgreSQL's sequences never do

Without AUTOINCREMENT, SQLite gives a new row the id above the largest left in its table: after the newest review was
withdrawn, the next review got its number, and old links, the audit trail and "amends #N" named another review. Each
table keyed by an integer id is copied into one whose id AUTOINCREMENTs (batch mode: SQLite cannot alter a key). The
ids already given stay as they are. PostgreSQL is left as it is.

Revision ID: b3d8f2a1c4e7
Revises: 9e4f1a7b2c83
Create Date: 2026-11-23 23:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3d8f2a1c4e7'
down_revision = '9e4f1a7b2c83'
branch_labels = None
depends_on = None

# Every table keyed by an integer `id` at this revision.
TABLES = (
    'organisations', 'users', 'areas', 'audit_log', 'units', 'role_assignments', 'reviews', 'ratings',
    'consensus_scores', 'review_reviewers', 'actions', 'action_comments', 'journeys', 'job_spells',
    'education_spells', 'quarterly_outcomes', 'staffing_quarters', 'adaptations', 'report_jobs', 'api_tokens',
    'login_failures',
)


def _recreate(autoincrement):
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}):
            pass


def upgrade():
    _recreate(True)


def downgrade():
    _recreate(False)
