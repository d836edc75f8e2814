"""Units: the list a user may see, one unit's history, its audit trail and the log of who read its records."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from fidelity import clock, scale_registry
from fidelity.access import (
    Permission,
    can,
    is_admin,
    is_external_reviewer,
    managed_areas,
    unit_or_404,
    visible_units,
)
from fidelity.actions.queries import action_item, unit_actions
from fidelity.audit_display import actor_text, audit_lines
from fidelity.extensions import db
from fidelity.monitoring.reads import reads_asked
from fidelity.paging import page_number
from fidelity.units.pages import scale_histories
from fidelity.units.queries import audit_trail, latest_scores, record_entries, sealed_entries, unit_reviews
from fidelity.units.reviews_due import by_scale, units_schedule

bp = Blueprint("units", __name__)


@bp.get("/")
def index() -> str:
    units = db.session.scalars(visible_units(current_user)).all()
    registry = scale_registry()
    return render_template(
        "units/index.html",
        units=units,
        latest=latest_scores(units, registry),
        scales=registry.latest(),
        areas=db.session.scalars(managed_areas(current_user)).all(),
        # Who sees no unit, and why: an administrator before there is any, a reviewer before a review, anyone else.
        admin=is_admin(current_user),
        reviewer=is_external_reviewer(current_user),
    )


@bp.get("/units/<code>")
def show(code: str) -> str:
    unit = unit_or_404(current_user, code)
    registry = scale_registry()
    reviews = unit_reviews(unit, registry)
    today = clock.today()
    actions = unit_actions(unit)
    return render_template(
        "units/show.html",
        unit=unit,
        reviews=list(reversed(reviews)),
        registry=registry,
        histories=scale_histories(unit, reviews, registry),
        can_self_assess=can(current_user, Permission.SELF_ASSESS, unit),
        can_audit=can(current_user, Permission.AUDIT, unit),
        can_commission=can(current_user, Permission.COMMISSION, unit),
        can_plan=can(current_user, Permission.PLAN, unit),
        can_record=can(current_user, Permission.RECORD, unit),
        can_read_records=can(current_user, Permission.RECORDS, unit),
        actions=actions,
        action_items={a.id: action_item(a, registry) for a in actions},
        next_reviews=by_scale(units_schedule([unit], registry, today)),
        today=today,
    )


@bp.get("/units/<code>/audit")
def audit(code: str) -> str:
    unit = unit_or_404(current_user, code, Permission.AUDIT)
    page = page_number()
    entries, pages = audit_trail(unit, page)
    withheld = set() if can(current_user, Permission.RECORDS, unit) else record_entries(entries)
    lines = audit_lines(entries, sealed_entries(entries), withheld)
    return render_template("units/audit.html", unit=unit, entries=lines, page=page, pages=pages)


@bp.get("/units/<code>/reads")
def reads(code: str) -> str:
    """Who read the unit's records, and when (see `monitoring.reads`); with `journey`, the reads of one journey."""
    unit = unit_or_404(current_user, code, Permission.AUDIT)
    page = page_number()
    records = can(current_user, Permission.RECORDS, unit)
    # One journey's reads, found by its code, for those who may read the records: to anyone else the answer would
    # tell which codes the unit has, and which journey number is whose.
    wanted = (request.args.get("journey") or "").strip() if records else ""
    journey, lines, pages = reads_asked(unit, page, wanted)
    return render_template(
        "units/reads.html",
        unit=unit,
        lines=lines,
        page=page,
        pages=pages,
        wanted=wanted,
        journey=journey,
        actor_text=actor_text,
        can_read_records=records,
    )
