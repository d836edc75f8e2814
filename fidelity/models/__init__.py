"""All models, imported here so that Alembic and the app see one metadata."""

from fidelity.extensions import Model
from fidelity.models.action import Action, ActionComment, ActionStatus
from fidelity.models.adaptation import Adaptation, AdaptationReason
from fidelity.models.api_token import ApiToken
from fidelity.models.audit import AuditEntry, RecordRead
from fidelity.models.monitoring import (
    AgeBand,
    Decision,
    EducationSpell,
    ExitReason,
    Goal,
    GoneCode,
    HeldImport,
    JobSpell,
    Journey,
    NotAcceptedReason,
    QuarterlyOutcome,
    StaffingQuarter,
)
from fidelity.models.organisation import Area, HostType, Organisation, Unit
from fidelity.models.report_job import JobStatus, ReportJob
from fidelity.models.review import (
    COUNTED_STATUSES,
    ConsensusScore,
    NewestReview,
    Rating,
    Review,
    ReviewerAssignment,
    ReviewKind,
    ReviewStatus,
)
from fidelity.models.user import LoginFailure, Role, RoleAssignment, User

__all__ = [
    "COUNTED_STATUSES",
    "Action",
    "ActionComment",
    "ActionStatus",
    "Adaptation",
    "AdaptationReason",
    "AgeBand",
    "ApiToken",
    "Area",
    "AuditEntry",
    "ConsensusScore",
    "Decision",
    "EducationSpell",
    "ExitReason",
    "Goal",
    "GoneCode",
    "HeldImport",
    "HostType",
    "JobSpell",
    "JobStatus",
    "Journey",
    "LoginFailure",
    "NewestReview",
    "NotAcceptedReason",
    "Organisation",
    "QuarterlyOutcome",
    "Rating",
    "RecordRead",
    "ReportJob",
    "Review",
    "ReviewKind",
    "ReviewStatus",
    "ReviewerAssignment",
    "Role",
    "RoleAssignment",
    "StaffingQuarter",
    "Unit",
    "User",
]


def _ids_never_reused() -> None:
    """SQLite gives a new row the id above the largest in its table, so deleting the newest row (a withdrawn review)
    gave its number to the next one: old links, the audit trail and "amends #57" then named another row. With
    AUTOINCREMENT it takes the id above the largest ever given, as a PostgreSQL sequence does."""
    for table in Model.metadata.tables.values():
        key = list(table.primary_key.columns)
        if len(key) == 1 and key[0].name == "id":
            table.dialect_kwargs["sqlite_autoincrement"] = True


_ids_never_reused()
