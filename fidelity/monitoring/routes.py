"""Monitoring pages of a unit: the waiting list (and, with the journey pages, people's records)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fidelity.access import Permission, can, unit_or_404
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.journey_forms import REASON_NAMES
from fidelity.monitoring.journey_queries import JOURNEY_STATES, choice_names, journey_or_404, journey_page
from fidelity.monitoring.waiting import DEFAULT_MONTHS, WAITING_DEFINITIONS_VERSION, waiting_list

bp = Blueprint("monitoring", __name__, url_prefix="/units/<code>")

PERIODS = (3, 6, 12, 24)


@bp.get("/waiting-list")
def waiting(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code)
    months = request.args.get("months", DEFAULT_MONTHS, type=int)
    if months not in PERIODS:
        months = DEFAULT_MONTHS
    result = waiting_list(load_frames([unit.id]).journeys, date.today(), months)
    return render_template(
        "monitoring/waiting.html",
        unit=unit,
        result=result,
        months=months,
        periods=PERIODS,
        reason_names={reason.value: name for reason, name in REASON_NAMES.items()},
        version=WAITING_DEFINITIONS_VERSION,
        can_record=can(current_user, Permission.RECORD, unit),
    )


@bp.get("/journeys")
def journeys(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code)
    state = request.args.get("state", "all")
    if state not in JOURNEY_STATES:
        state = "all"
    search = (request.args.get("code") or "").strip()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    found, pages = journey_page(unit, state, search, page, date.today())
    return render_template(
        "monitoring/journeys.html",
        unit=unit,
        journeys=found,
        state=state,
        search=search,
        page=page,
        pages=pages,
        states=JOURNEY_STATES,
        names=choice_names(),
        can_record=can(current_user, Permission.RECORD, unit),
    )


@bp.get("/journeys/<int:journey_id>")
def journey(code: str, journey_id: int) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code)
    found = journey_or_404(unit, journey_id)
    return render_template(
        "monitoring/journey.html",
        unit=unit,
        journey=found,
        names=choice_names(),
        can_record=can(current_user, Permission.RECORD, unit),
    )
