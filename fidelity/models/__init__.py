"""All models, imported here so that Alembic and the app see one metadata."""

from fidelity.models.action import Action, ActionComment, ActionStatus
from fidelity.models.adaptation import Adaptation, AdaptationReason
from fidelity.models.api_token import ApiToken
from fidelity.models.audit import AuditEntry
from fidelity.models.monitoring import (
    AgeBand,
    Decision,
    EducationSpell,
    ExitReason,
    Goal,
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
