"""Reading journeys for the pages: a filtered, paged list, one journey of a unit (404 otherwise), and its changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import abort
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from fidelity.extensions import db
from fidelity.models import AuditEntry, Decision, Goal, Journey, NotAcceptedReason, Unit
from fidelity.monitoring.bulk import about_journeys
from fidelity.monitoring.identity import code_key
from fidelity.monitoring.journey_forms import CHOICE_LABELS

PER_PAGE = 50
# Where a person stands today: waiting, supported (enrolled and not left), left, or not accepted; and two lists of
# people who need the unit's attention: those waiting longer than ATTENTION_DAYS, and those supported towards work
# who have had no face-to-face employer contact ATTENTION_DAYS after enrolment (rapid job search).
JOURNEY_STATES = ("all", "waiting", "supported", "left", "not_accepted", "waiting_long", "no_employer_contact")
ATTENTION_DAYS = 30  # the outcomes' "employer contact within 30 days" (outcomes.CONTACT_DAYS)
# The lists of people waiting: shown the longest wait first, with the days each has waited, as the waiting list page
# shows them. A list of people waiting read the latest referral first would put those who most need the unit's
# attention on its last page.
WAITING_STATES = ("waiting", "waiting_long")


def _state_filter(state: str, today: date) -> Any:
    not_refused = or_(Journey.decision.is_(None), Journey.decision != Decision.NOT_ACCEPTED)
    not_left = or_(Journey.exit_date.is_(None), Journey.exit_date > today)
    not_started = or_(Journey.enrolment_date.is_(None), Journey.enrolment_date > today)
    waiting = and_(not_refused, not_started, not_left)
    supported = and_(Journey.enrolment_date <= today, not_left)
    long_ago = today - timedelta(days=ATTENTION_DAYS)
    towards_work = or_(Journey.goal.is_(None), Journey.goal != Goal.EDUCATION)
    return {
        "waiting": waiting,
        "supported": supported,
        "left": Journey.exit_date <= today,
        "not_accepted": Journey.decision == Decision.NOT_ACCEPTED,
        "waiting_long": and_(waiting, Journey.referral_date < long_ago),
        "no_employer_contact": and_(
            supported, Journey.enrolment_date < long_ago, Journey.first_employer_contact_date.is_(None), towards_work
        ),
    }.get(state)


@dataclass(frozen=True)
class Refusals:
    """The referrals the waiting list counts as refused for one reason: those referred from `since` to today whose
    decision, made by today, was not to accept them for `reason` (a refusal with no reason recorded counts as other,
    as the waiting list counts it)."""

    reason: NotAcceptedReason
    since: date

    def condition(self, today: date) -> Any:
        reason = Journey.not_accepted_reason == self.reason
        if self.reason is NotAcceptedReason.OTHER:
            reason = or_(reason, Journey.not_accepted_reason.is_(None))
        return and_(
            Journey.decision == Decision.NOT_ACCEPTED,
            reason,
            or_(Journey.decision_date.is_(None), Journey.decision_date <= today),
            Journey.referral_date >= self.since,
            Journey.referral_date <= today,
        )


def journey_page(
    unit: Unit, state: str, search: str, page: int, today: date, refusals: Refusals | None = None
) -> tuple[list[Journey], int, int]:
    """One page of the unit's journeys, the latest referral first (for a list of people waiting, the earliest: the
    longest wait first), the number of pages and of journeys found. The code breaks ties, so that the pages follow
    one another. `refusals`: only the referrals the waiting list counts as refused for one reason."""
    query: Select[Journey] = select(Journey).where(Journey.unit_id == unit.id)
    condition = _state_filter(state, today)
    if condition is not None:
        query = query.where(condition)
    if refusals is not None:
        query = query.where(refusals.condition(today))
    if search:
        query = query.where(func.upper(Journey.code).contains(search.upper(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    referral = Journey.referral_date.asc() if state in WAITING_STATES else Journey.referral_date.desc()
    rows = db.session.scalars(
        query.order_by(referral, Journey.code)
        .options(selectinload(Journey.jobs), selectinload(Journey.education))
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return list(rows), max(1, -(-total // PER_PAGE)), total


def days_waiting(referral_date: date, today: date) -> int:
    """The days a person has waited since their referral, counted as the waiting list counts them: today less the
    day of the referral (0 for a referral made today)."""
    return (today - referral_date).days


def journey_waits(journeys: list[Journey], state: str, today: date) -> dict[int, int] | None:
    """For a list of people waiting, the days each has waited, by journey id; None for any other list, whose people
    are not all waiting (a wait ends at enrolment, a refusal or leaving), so that it shows no column of waits."""
    if state not in WAITING_STATES:
        return None
    return {journey.id: days_waiting(journey.referral_date, today) for journey in journeys}


def journey_or_404(unit: Unit, journey_id: int) -> Journey:
    found = db.session.get(Journey, journey_id)
    if found is None or found.unit_id != unit.id:
        abort(404)
    return found


def journey_with_code(unit: Unit, code: str, other_than: int | None = None) -> tuple[int, str] | None:
    """The id and code, as stored, of the unit's journey (other than the one `other_than` names) that has `code` in
    any capitals; None if none has. Compared here, not in SQL, where SQLite's upper() knows only ASCII letters."""
    query = select(Journey.id, Journey.code).where(Journey.unit_id == unit.id)
    if other_than is not None:
        query = query.where(Journey.id != other_than)
    key = code_key(code)
    return next(((row[0], row[1]) for row in db.session.execute(query) if code_key(row[1]) == key), None)


def choice_names() -> dict[str, dict[str, Any]]:
    """The words for every coded value, by column, for templates."""
    return {column: {member.value: name for member, name in names.items()} for column, names in CHOICE_LABELS.items()}


def journey_trail(unit_id: int, journey: Journey) -> list[AuditEntry]:
    """Every audit entry about one of the unit's journeys and its jobs and courses, newest first: who made, changed or
    deleted what, by hand or by an import that replaced it (an import that added it writes one entry for all it
    added). Read by the journey each entry names, not from the unit's whole trail."""
    dialect = db.session.get_bind().dialect.name
    about = about_journeys(dialect, [journey.id], [unit_id])
    return list(db.session.scalars(select(AuditEntry).where(about).order_by(AuditEntry.id.desc())))
