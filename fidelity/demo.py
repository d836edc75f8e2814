"""`fidelity demo`: a realistic organisation with three years of half-yearly self-assessments.

The data is invented but shaped by what the field reports of Swedish IPS/SEd units: most units run by municipal
social services, one by regional psychiatry for young adults, drift after a formal needs assessment is required,
after staff are cut, and where 'not motivated' referrals are screened out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from werkzeug.serving import run_simple

from fidelity import clock, scale_registry
from fidelity.audit import Actor, acting_as
from fidelity.demo_adaptations import seed_adaptations
from fidelity.demo_journeys import seed_journeys
from fidelity.demo_synthetic import SYNTHETIC_ADMIN, seed_synthetic
from fidelity.extensions import db
from fidelity.models import (
    Action,
    ActionComment,
    ActionStatus,
    Area,
    ConsensusScore,
    HostType,
    Organisation,
    Rating,
    Review,
    ReviewerAssignment,
    ReviewKind,
    ReviewStatus,
    Role,
    RoleAssignment,
    Unit,
    User,
)
from fidelity.models.types import utcnow
from fidelity.monitoring.kept import refresh_outcomes
from fidelity.scales import Scale, ScaleRegistry

DEMO_PASSWORD = "fidelity-demo"  # noqa: S105 - printed to the user; demo data only
DEMO_DOMAIN = "demo.example.org"
REVIEWS_PER_UNIT = 6  # three years, half-yearly
REVIEWERS = (("reviewer", "Robin Reviewer"), ("reviewer2", "Sam Reviewer"))
# Units with an external review three weeks after their latest self-assessment, and how far it has come.
EXTERNAL_REVIEWS = {"NRV-02": ReviewStatus.FINAL, "SDV-02": ReviewStatus.CONSENSUS}
EXTERNAL_STRENGTHS = (
    "Specialists know their local employers well and visit them weekly. People served describe the team as "
    "respectful and quick to respond. The supervisor reviews outcomes with the team every month."
)


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    area: str
    host: HostType
    sed: bool
    target_group: str
    level: float  # the unit's typical item score at the start
    trend: float  # change in typical item score per half-year
    # item key -> (first review index it applies from, change in that item's score)
    events: dict[str, tuple[int, int]] = field(default_factory=dict)


AREAS = {"NORTH": "Norrvik North", "SOUTH": "Norrvik South"}
ADULTS = "Adults 18-64 with mental health problems"

UNITS = (
    DemoUnit("NRV-01", "Norrvik Work Route", "NORTH", HostType.MUNICIPAL_SOCIAL_SERVICES, False, ADULTS, 4.3, 0.02),
    # A formal needs assessment required from the third review on: zero exclusion and rapid search suffer.
    DemoUnit(
        "NRV-02",
        "Ås Employment Support",
        "NORTH",
        HostType.MUNICIPAL_SOCIAL_SERVICES,
        True,
        ADULTS,
        4.1,
        -0.02,
        {"O6": (2, -3), "V4": (2, -2), "V14": (3, -1), "V3": (3, -1)},
    ),
    DemoUnit(
        "NRV-03",
        "Young Minds Work and Study",
        "NORTH",
        HostType.PSYCHIATRIC_CARE,
        True,
        "Young adults 18-30",
        3.4,
        0.12,
        {"O1": (0, 1), "O2": (0, 1)},
    ),
    # A time-limited project: staff halved for the last year, so caseloads and employer contact suffer.
    DemoUnit(
        "SDV-01",
        "Sundvik IPS",
        "SOUTH",
        HostType.MUNICIPAL_SOCIAL_SERVICES,
        False,
        ADULTS,
        4.0,
        0.0,
        {"S1": (4, -3), "V6": (4, -2), "V13": (4, -1), "O4": (4, -2)},
    ),
    # Screens out referrals judged 'not motivated'.
    DemoUnit(
        "SDV-02",
        "Bergby Supported Employment",
        "SOUTH",
        HostType.MUNICIPAL_SOCIAL_SERVICES,
        False,
        ADULTS,
        3.2,
        0.03,
        {"O6": (0, -2), "V14": (0, -1)},
    ),
    DemoUnit("SDV-03", "Sundvik Study and Work", "SOUTH", HostType.MUNICIPAL_SOCIAL_SERVICES, True, ADULTS, 3.0, 0.15),
)
# Municipal units are not on a psychiatric team: psychiatry is run by the region.
MUNICIPAL_INTEGRATION_PENALTY = {"O1": -2, "O2": -1}


@dataclass(frozen=True)
class DemoAction:
    unit: str
    item: str
    title: str
    description: str
    due_in_days: int  # from the day the demo is seeded; negative is past
    status: ActionStatus
    comment: str = ""


# Steps the units' own managers planned after their latest self-assessments; one is overdue.
ACTIONS = (
    DemoAction(
        "NRV-02",
        "O6",
        "Take referrals without waiting for a needs assessment",
        "Agree with social services that a person may start with the unit while the formal assessment is made.",
        -21,
        ActionStatus.OPEN,
        "Raised with the head of social services; waiting for a meeting date.",
    ),
    DemoAction(
        "SDV-01",
        "S1",
        "Bring caseloads back to 20 per specialist",
        "Ask for the two vacant posts to be filled, and close the waiting list to new referrals meanwhile.",
        45,
        ActionStatus.IN_PROGRESS,
        "One post advertised.",
    ),
    DemoAction(
        "SDV-02",
        "O6",
        "Stop screening out referrals as 'not motivated'",
        "Every referral is offered a first meeting; reasons for not starting are recorded.",
        -60,
        ActionStatus.DONE,
    ),
    DemoAction(
        "SDV-02",
        "V14",
        "Tell referrers that anyone who wants to work may be referred",
        "",
        90,
        ActionStatus.OPEN,
    ),
)


def review_dates(today: date, count: int = REVIEWS_PER_UNIT) -> list[date]:
    """Half-yearly dates on the 15th, oldest first, the last one at least a month before `today`."""
    month_index = today.year * 12 + today.month - 1 - 1  # at least a month back
    while month_index % 12 + 1 not in (3, 9):  # reviews in March and September
        month_index -= 1
    return [date((m := month_index - 6 * k) // 12, m % 12 + 1, 15) for k in reversed(range(count))]


def planned_scores(unit: DemoUnit, scale: Scale, index: int, rng: random.Random) -> dict[str, int]:
    """The demo's item scores for one unit's `index`-th review: level, trend, events and a little noise."""
    scores = {}
    for item in scale.items:
        base = unit.level + unit.trend * index + rng.choice((-1, 0, 0, 0, 1)) * 0.8
        if unit.host is HostType.MUNICIPAL_SOCIAL_SERVICES:
            base += MUNICIPAL_INTEGRATION_PENALTY.get(item.key, 0)
        start, change = unit.events.get(item.key, (REVIEWS_PER_UNIT, 0))
        if index >= start:
            base += change
        scores[item.key] = max(scale.score_min, min(scale.score_max, round(base)))
    return scores


def _user(email: str, name: str, role: Role, **scope: int) -> User:
    user = User(email=email, display_name=name)
    user.set_password(DEMO_PASSWORD, current_app.config["PASSWORD_HASH_METHOD"])
    user.roles.append(RoleAssignment(role=role, **scope))
    db.session.add(user)
    return user


def seed(registry: ScaleRegistry, today: date) -> bool:
    """Fill an empty database with the demo organisation. Returns False, changing nothing, if it has data."""
    if db.session.scalar(select(func.count()).select_from(Organisation)):
        return False
    org = Organisation(code="NORRVIK", name="Norrvik IPS and Supported Education programme")
    areas = {code: Area(code=code, name=name, organisation=org) for code, name in AREAS.items()}
    db.session.add(org)
    db.session.flush()
    _user(f"admin@{DEMO_DOMAIN}", "Alex Admin", Role.ADMIN)
    for code, area in areas.items():
        _user(
            f"{code.lower()}.manager@{DEMO_DOMAIN}", f"{area.name} manager", Role.SECOND_TIER_MANAGER, area_id=area.id
        )
    reviewers = [_user(f"{login}@{DEMO_DOMAIN}", name, Role.EXTERNAL_REVIEWER) for login, name in REVIEWERS]

    dates = review_dates(today)
    ips, sed = registry.get("ips-25"), registry.get("sed")
    managers: dict[str, tuple[Unit, User]] = {}
    for number, spec in enumerate(UNITS):
        unit = Unit(
            code=spec.code,
            name=spec.name,
            area=areas[spec.area],
            host_type=spec.host,
            offers_ips=True,
            offers_sed=spec.sed,
            target_group=spec.target_group,
            started_on=dates[0] - timedelta(days=120),  # a first self-assessment four months after it started
        )
        db.session.add(unit)
        db.session.flush()
        manager = _user(
            f"{spec.code.lower()}@{DEMO_DOMAIN}", f"{spec.name} manager", Role.FRONTLINE_MANAGER, unit_id=unit.id
        )
        db.session.flush()
        managers[spec.code] = (unit, manager)
        rng = random.Random(number)  # noqa: S311 - reproducible demo data, not security
        for scale in (ips, sed) if spec.sed else (ips,):
            for index, when in enumerate(dates):
                review = Review(
                    unit=unit,
                    kind=ReviewKind.SELF_ASSESSMENT,
                    scale_id=scale.id,
                    scale_version=scale.version,
                    review_date=when,
                    status=ReviewStatus.SUBMITTED,
                    created_by_id=manager.id,
                )
                planned = planned_scores(spec, scale, index, rng)
                review.total, review.scored_items = sum(planned.values()), len(planned)
                for key, score in planned.items():
                    sources = list(scale.item(key).sources)
                    review.ratings.append(
                        Rating(
                            rater_id=manager.id,
                            item_key=key,
                            score=score,
                            sources=sources,
                            evidence=f"Self-rated from {', '.join(sources)}.",
                        )
                    )
                db.session.add(review)
        db.session.flush()
        if spec.code in EXTERNAL_REVIEWS:
            stage = EXTERNAL_REVIEWS[spec.code]
            visit = dates[-1] + timedelta(days=21)
            _external_review(unit, ips, planned_scores(spec, ips, len(dates) - 1, rng), visit, stage, reviewers, rng)
    _add_actions(managers, today)
    # The needs assessment Ås Employment Support must require from its third review on.
    seed_journeys([unit for unit, _ in managers.values()], today, dates[2])
    seed_adaptations({code: unit for code, (unit, _) in managers.items()}, today, dates[2])
    db.session.flush()
    for unit, _manager in managers.values():
        refresh_outcomes(unit, today)  # the kept quarterly figures the comparison and reports read
    db.session.flush()
    return True


def _external_review(
    unit: Unit,
    scale: Scale,
    planned: dict[str, int],
    visit: date,
    stage: ReviewStatus,
    reviewers: list[User],
    rng: random.Random,
) -> None:
    """An external review two reviewers rated on their own; at consensus, or signed off and final."""
    review = Review(
        unit=unit,
        kind=ReviewKind.EXTERNAL,
        scale_id=scale.id,
        scale_version=scale.version,
        review_date=visit + timedelta(days=1),
        visit_start=visit,
        visit_end=visit + timedelta(days=1),
        status=stage,
        created_by_id=None,
        strengths=EXTERNAL_STRENGTHS if stage is ReviewStatus.FINAL else "",
    )
    signed = utcnow() if stage is ReviewStatus.FINAL else None
    review.reviewers.extend(ReviewerAssignment(reviewer_id=r.id, signed_off_at=signed) for r in reviewers)
    # Each reviewer lands near the agreed score; on one item they are two points apart, as in a real debrief.
    apart = next(key for key, agreed in planned.items() if agreed <= scale.score_max - 2)
    for key, agreed in planned.items():
        item = scale.item(key)
        first = agreed if key == apart else _clamp(scale, agreed + rng.choice((0, 0, 0, 1, -1)))
        second = agreed + 2 if key == apart else _clamp(scale, agreed + rng.choice((0, 0, 0, 0, 1, -1)))
        for reviewer, score, source in ((reviewers[0], first, "records"), (reviewers[1], second, "interviews")):
            review.ratings.append(
                Rating(rater_id=reviewer.id, item_key=key, score=score, sources=list(item.sources),
                       evidence=f"Scored {score} from {source} during the visit.")
            )  # fmt: skip
        if stage is ReviewStatus.FINAL:
            recommendation = "" if agreed >= 4 else f"Work towards the model's description: {item.anchors[5]}"
            rationale = "" if agreed in (first, second) else "Agreed after going through the records together."
            review.consensus.append(
                ConsensusScore(item_key=key, score=agreed, rationale=rationale, recommendation=recommendation)
            )
    if stage is ReviewStatus.FINAL:
        review.total, review.scored_items = sum(planned.values()), len(planned)
    db.session.add(review)


def _clamp(scale: Scale, score: int) -> int:
    return max(scale.score_min, min(scale.score_max, score))


def _add_actions(managers: dict[str, tuple[Unit, User]], today: date) -> None:
    """The demo's action plans, owned and written by each unit's frontline manager."""
    for spec in ACTIONS:
        unit, manager = managers[spec.unit]
        action = Action(
            unit_id=unit.id,
            item_key=spec.item,
            title=spec.title,
            description=spec.description,
            owner_id=manager.id,
            due_date=today + timedelta(days=spec.due_in_days),
            status=spec.status,
            created_by_id=manager.id,
        )
        if spec.comment:
            action.comments.append(ActionComment(author_id=manager.id, text=spec.comment))
        db.session.add(action)


def login_help() -> str:
    """The demo accounts, one a line, for the terminal."""
    accounts = [(f"admin@{DEMO_DOMAIN}", "administrator, sees every unit")]
    accounts += [
        (f"{code.lower()}.manager@{DEMO_DOMAIN}", f"second-tier manager, {name}") for code, name in AREAS.items()
    ]
    accounts += [(f"{u.code.lower()}@{DEMO_DOMAIN}", f"frontline manager, {u.name}") for u in UNITS]
    accounts += [(f"{login}@{DEMO_DOMAIN}", f"external reviewer, {name}") for login, name in REVIEWERS]
    width = max(len(email) for email, _ in accounts) + 2
    lines = [f"Log in with any of these accounts; the password is '{DEMO_PASSWORD}':"]
    lines += [f"  {email:<{width}} {role}" for email, role in accounts]
    return "\n".join(lines)


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Prepare the database and demo data, then exit.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--synthetic", is_flag=True, help="A large random organisation for benchmarks instead of the demo.")
@click.option("--units", default=400, show_default=True, type=click.IntRange(1, 10_000), help="With --synthetic.")
@click.option("--years", default=10, show_default=True, type=click.IntRange(1, 30), help="With --synthetic.")
@click.option("--journeys", default=100_000, show_default=True, type=click.IntRange(0, 10_000_000),
              help="With --synthetic: journeys over all units.")  # fmt: skip
@with_appcontext
def demo_command(no_serve: bool, host: str, port: int, synthetic: bool, units: int, years: int, journeys: int) -> None:
    """Create or migrate the database, fill it with demo data if empty, and serve the app."""
    upgrade()
    with acting_as(Actor(None, "demo")):
        if db.session.scalar(select(func.count()).select_from(Organisation)):
            added = False
        elif synthetic:
            made = seed_synthetic(scale_registry().get("ips-25"), units, years, journeys, clock.today(), DEMO_PASSWORD)
            click.echo(f"Synthetic organisation: {made.units} units, {made.reviews} reviews with {made.ratings} "
                       f"ratings, {made.journeys} journeys, {made.jobs} jobs, {made.courses} courses.")  # fmt: skip
            click.echo(f"Log in as {SYNTHETIC_ADMIN}; the password is '{DEMO_PASSWORD}'.")
            added = True
        else:
            added = seed(scale_registry(), clock.today())
    db.session.commit()
    if synthetic and added and db.engine.dialect.name == "postgresql":
        # A million rows written in bulk: vacuum and analyse them now, as after any bulk load, rather than leave it to
        # autovacuum, which would otherwise be at work on them while the organisation is first used (or measured).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    click.echo("Demo data added." if added else "The database already has data; nothing was added.")
    if not synthetic:
        click.echo(login_help())
    if not no_serve:
        click.echo(f"\nOpen http://{host}:{port}/ (Ctrl+C stops the server).")
        run_simple(host, port, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]
