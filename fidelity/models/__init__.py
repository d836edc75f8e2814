"""All models, imported here so that Alembic and the app see one metadata."""

from fidelity.models.action import Action, ActionComment, ActionStatus
from fidelity.models.audit import AuditEntry
from fidelity.models.organisation import Area, HostType, Organisation, Unit
from fidelity.models.review import ConsensusScore, Rating, Review, ReviewerAssignment, ReviewKind, ReviewStatus
from fidelity.models.user import LoginFailure, Role, RoleAssignment, User

__all__ = [
    "Action",
    "ActionComment",
    "ActionStatus",
    "Area",
    "AuditEntry",
    "ConsensusScore",
    "HostType",
    "LoginFailure",
    "Organisation",
    "Rating",
    "Review",
    "ReviewKind",
    "ReviewStatus",
    "ReviewerAssignment",
    "Role",
    "RoleAssignment",
    "Unit",
    "User",
]
