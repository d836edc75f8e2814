"""Demo local adaptations: the ones Swedish IPS/SEd units report, each on a demo unit it fits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from fidelity.extensions import db
from fidelity.models import Adaptation, AdaptationReason, Unit


@dataclass(frozen=True)
class DemoAdaptation:
    unit: str
    title: str
    description: str
    reason: AdaptationReason
    decided_by: str
    principles: tuple[str, ...]
    items: tuple[str, ...]
    years_ago: float | None = None  # when it began, if not at the needs-assessment date


ADAPTATIONS = (
    DemoAdaptation(
        "NRV-02",
        "A formal needs assessment is required before a person may start",
        "The municipality grants support under the Social Services Act only after a needs assessment by a case "
        "officer, so referrals wait for a decision before the first meeting.",
        AdaptationReason.LAW_OR_REGULATION,
        "Municipal social welfare board",
        ("zero-exclusion", "rapid-search"),
        ("ips-25:O6", "ips-25:V4", "ips-25:V14"),
    ),
    DemoAdaptation(
        "NRV-03",
        "Only young adults aged 18 to 30 are accepted",
        "The unit is part of regional psychiatry's service for young adults; older people are referred elsewhere.",
        AdaptationReason.ORGANISATIONAL_DECISION,
        "Regional psychiatry management",
        ("zero-exclusion",),
        ("ips-25:O6", "sed:A4"),
        years_ago=3,
    ),
    DemoAdaptation(
        "NRV-01",
        "The specialists are not members of the psychiatric team",
        "Psychiatry is run by the region and the unit by the municipality; the specialists meet the clinical teams "
        "once a month instead of taking part in their weekly meetings.",
        AdaptationReason.LOCAL_CONTEXT,
        "Agreement between municipality and region",
        ("integration",),
        ("ips-25:O1", "ips-25:O2"),
        years_ago=3,
    ),
    DemoAdaptation(
        "SDV-03",
        "Financial assistance does not allow full-time study",
        "People on municipal financial assistance lose it if they study, so study goals are postponed or reduced "
        "to part-time courses.",
        AdaptationReason.LAW_OR_REGULATION,
        "Municipal financial assistance rules",
        ("benefits-planning", "competitive-employment"),
        ("sed:B1", "sed:B4"),
        years_ago=2,
    ),
    DemoAdaptation(
        "SDV-01",
        "The unit is funded by a time-limited project",
        "Funding runs year by year from an external project grant; staff were halved when the second grant was "
        "smaller, and people are told support may end when the project does.",
        AdaptationReason.FUNDING,
        "Project steering group",
        ("time-unlimited-support",),
        ("ips-25:S1", "ips-25:O4", "ips-25:V12"),
        years_ago=1,
    ),
)


def seed_adaptations(units: dict[str, Unit], today: date, needs_assessment_from: date) -> None:
    for spec in ADAPTATIONS:
        since = (
            needs_assessment_from
            if spec.years_ago is None
            else today - relativedelta(months=round(12 * spec.years_ago))
        )
        db.session.add(
            Adaptation(
                unit_id=units[spec.unit].id,
                title=spec.title,
                description=spec.description,
                reason=spec.reason,
                since=since,
                decided_by=spec.decided_by,
                principles=list(spec.principles),
                items=list(spec.items),
            )
        )
