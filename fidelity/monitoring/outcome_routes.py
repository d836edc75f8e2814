"""A unit's outcomes page, its exports, and its staffing per quarter.

The outcome pages recompute the kept figures from the journeys on every view (one load of four queries, one pass of
pandas, writes only for quarters that changed), so they are never stale; locked quarters stay as they were kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fidelity import clock
from fidelity.access import Permission, can, unit_or_404
from fidelity.downloads import CSV, XLSX, download
from fidelity.extensions import db, writes_when_read
from fidelity.i18n import quarter_text
from fidelity.models import Unit
from fidelity.monitoring.journey_files import csv_bytes
from fidelity.monitoring.kept import refresh_outcomes
from fidelity.monitoring.outcome_forms import StaffingForm
from fidelity.monitoring.outcome_pages import (
    EXPORT_NAMES,
    OutcomeRow,
    benchmark_words,
    definitions,
    export_frame,
    outcome_rows,
    rates_chart,
    xlsx_bytes,
)
from fidelity.monitoring.outcomes import (
    BENCHMARKS,
    CASELOAD_LIMIT,
    DEFINITIONS_VERSION,
    MINIMUM_SPECIALISTS,
    SUPERVISION_LIMIT,
    benchmark_reached,
)
from fidelity.monitoring.purge import latest_purge
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.staffing import (
    StaffingChanged,
    StaffingLocked,
    planned,
    quarter_staffing,
    set_staffing,
    staffing_lines,
    unit_staffing,
)
from fidelity.stale import kept_notice

bp = Blueprint("outcomes", __name__)


def _fresh_rows(unit: Unit) -> list[OutcomeRow]:
    today = clock.today()
    rows = outcome_rows(refresh_outcomes(unit, today), today)
    db.session.commit()
    return rows


@bp.get("/units/<code>/outcomes")
@writes_when_read
def show(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.READ)
    rows = _fresh_rows(unit)
    return render_template(
        "monitoring/outcomes.html",
        unit=unit,
        rows=list(reversed(rows)),
        chart=rates_chart(rows),
        definitions=definitions(),
        version=DEFINITIONS_VERSION,
        caseload_limit=CASELOAD_LIMIT,
        supervision_limit=SUPERVISION_LIMIT,
        benchmark_reached=benchmark_reached,
        benchmark_words=benchmark_words(),
        minimum_rate=dict(BENCHMARKS)["minimum"],
        benchmark_rates=dict(BENCHMARKS),
        can_record=can(current_user, Permission.RECORD, unit),
        purge=latest_purge(unit.id),
    )


def _outcomes_file(unit: Unit) -> str:
    """The name of a unit's outcomes file, without its extension, in the reader's language (in ASCII)."""
    return _("%(unit)s-outcomes-%(date)s", unit=unit.code, date=clock.today().isoformat())


@bp.get("/units/<code>/outcomes.csv", endpoint="csv")
@writes_when_read
def export_csv(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.READ)
    frame = export_frame(unit, _fresh_rows(unit))
    return download(csv_bytes(EXPORT_NAMES.in_language(frame)), CSV, _outcomes_file(unit) + ".csv")


@bp.get("/units/<code>/outcomes.xlsx", endpoint="xlsx")
@writes_when_read
def export_xlsx(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.READ)
    frame = export_frame(unit, _fresh_rows(unit))
    return download(xlsx_bytes(frame), XLSX, _outcomes_file(unit) + ".xlsx")


@bp.route("/units/<code>/staffing", methods=["GET", "POST"])
def staffing(code: str) -> ResponseReturnValue:
    """The unit's staffing per quarter; its frontline managers set or replace one quarter at a time."""
    writing = request.method == "POST"
    unit = unit_or_404(current_user, code, Permission.RECORD if writing else Permission.READ)
    form = StaffingForm()
    changed: list[tuple[str, Any]] | None = None
    quarter: Quarter | None = None
    if writing and form.validate():
        quarter = form.parsed_quarter()
        try:
            _row, merged = set_staffing(unit, quarter, *form.values(), seen=form.seen_staffing())
        except StaffingLocked as locked:
            form.quarter.errors.append(str(locked))
        except StaffingChanged as exc:
            db.session.rollback()
            changed = exc.merged.conflicts
            form.show(exc.merged.values)  # what was typed where it was changed, what is recorded elsewhere
            form.opened(quarter, quarter_staffing(unit, quarter))  # saving again settles only the figures both changed
        else:
            db.session.commit()
            flash(_("Staffing for %(quarter)s saved.", quarter=quarter_text(quarter.year, quarter.number)))
            if planned(quarter, clock.today()):
                flash(
                    _(
                        "%(quarter)s has not begun yet: its staffing is planned, and counts in no outcome figure until "
                        "the quarter begins.",
                        quarter=quarter_text(quarter.year, quarter.number),
                    )
                )
            notice = kept_notice(merged.kept, form)
            if notice:
                flash(notice)
            return redirect(url_for(".staffing", code=unit.code))
    if not writing:
        _prefill(form, unit)
    return render_template(
        "monitoring/staffing.html",
        unit=unit,
        lines=staffing_lines(unit, clock.today()),
        supervision_limit=SUPERVISION_LIMIT,
        minimum_specialists=MINIMUM_SPECIALISTS,
        form=form,
        can_record=can(current_user, Permission.RECORD, unit),
        changed=changed,
        quarter=quarter,
    ), (409 if changed is not None else 400 if form.errors else 200)


def _prefill(form: StaffingForm, unit: Unit) -> None:
    """The quarter asked for (?quarter=2026Q1) with what is recorded for it, else today's quarter."""
    try:
        quarter = Quarter.parse(request.args.get("quarter", ""))
    except ValueError:
        quarter = Quarter.of(clock.today())
    form.quarter.data = quarter_text(quarter.year, quarter.number)  # as the field's hint writes a quarter
    recorded = unit_staffing(unit).get(quarter)
    form.opened(quarter, recorded)
    if recorded is not None:
        form.specialist_fte.data = Decimal(repr(recorded.specialist_fte))
        form.supervisor_fte.data = Decimal(repr(recorded.supervisor_fte))
