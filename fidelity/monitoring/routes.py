"""Monitoring pages of a unit: the waiting list (and, with the journey pages, people's records)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fidelity.access import Permission, can, unit_or_404
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.journey_forms import REASON_NAMES
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
