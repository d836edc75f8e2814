"""The comparison page for second-tier managers and administrators, and its exports."""

from __future__ import annotations

from typing import Any, NoReturn

import pandas as pd
from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from fidelity import clock, scale_registry
from fidelity.access import managed_areas, may_compare
from fidelity.comparison.chart import ScatterText, UnitPoint, fidelity_employment_svg
from fidelity.comparison.forms import KIND_NAMES, ComparisonForm
from fidelity.comparison.key import column_definitions
from fidelity.comparison.operations import build_comparison
from fidelity.comparison.table import EXPORT_NAMES, Comparison, export_frame
from fidelity.downloads import CSV, XLSX, download, xlsx_bytes
from fidelity.extensions import db, writes_when_read
from fidelity.i18n import percent_sign, quarter_text
from fidelity.monitoring.journey_files import csv_bytes
from fidelity.monitoring.outcomes import BENCHMARKS, CASELOAD_LIMIT, FEW_SERVED, SUPERVISION_LIMIT
from fidelity.paging import page_number

bp = Blueprint("comparison", __name__)
PER_PAGE = 25  # units per page of the tables; the overdue list, the chart and the exports hold every unit


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"may_compare": may_compare}


def _comparison(page: int | None = None, *, details: bool = True) -> tuple[ComparisonForm, Comparison | None]:
    if not may_compare(current_user):
        abort(403)
    areas = list(db.session.scalars(managed_areas(current_user)).all())
    registry = scale_registry()
    form = ComparisonForm(formdata=request.args or None)
    form.area.choices = [SelectChoice("", _("All my areas")), *(SelectChoice(a.code, a.name) for a in areas)]
    form.scale.choices = [SelectChoice(s.id, s.title) for s in registry.latest()]
    if request.args and not form.validate():
        return form, None
    today = clock.today()
    first, last = form.period(today)
    area = next((a for a in areas if a.code == form.area.data), None)
    comparison = build_comparison(current_user, area, registry, form.scale.data or "ips-25", form.kind.data or "all",
                                  first, last, today, page=page, per_page=PER_PAGE, details=details)  # fmt: skip
    db.session.commit()  # the kept figures it counted again (see `bring_up_to_date`)
    return form, comparison


def _scatter(comparison: Comparison) -> str:
    """Each unit's latest total against the rate of the scale's outcome; the benchmarks only for employment."""
    employment = comparison.outcome == "employment"
    points = [
        UnitPoint(row.code, row.latest.total, rate, row.latest.kind == "external", row.few_served)
        for row in comparison.rows
        if row.latest is not None and (rate := comparison.outcome_rate(row)) is not None
    ]
    labels = {"minimum": _("Minimum"), "average": _("Average"), "excellent": _("Excellent")}
    quarter = quarter_text(comparison.last_quarter.year, comparison.last_quarter.number)
    axis = _("Employment rate, last full quarter") if employment else _("Education rate, last full quarter")
    text = ScatterText(_("Fidelity total (latest review)"), axis, _("Self-assessment"), _("External review"),
                       _("No unit has both a review and outcome figures"), percent_sign(),
                       few=_("Hollow: fewer than %(limit)d people served", limit=FEW_SERVED))  # fmt: skip
    title = (_("Fidelity against employment, %(quarter)s", quarter=quarter) if employment
             else _("Fidelity against education, %(quarter)s", quarter=quarter))  # fmt: skip
    return fidelity_employment_svg(comparison.scale, points, title=title, benchmarks=BENCHMARKS if employment else (),
                                   benchmark_labels=labels, text=text)  # fmt: skip


@bp.get("/comparison")
@writes_when_read
def page() -> ResponseReturnValue:
    form, comparison = _comparison(page=page_number())
    # Rates shaded by the benchmark each reaches as it is shown, in whole percent, as the outcomes page judges them.
    context: dict[str, Any] = {"form": form, "comparison": comparison, "kind_names": KIND_NAMES,
                               "minimum_rate": dict(BENCHMARKS)["minimum"], "benchmarks": dict(BENCHMARKS),
                               "supervision_limit": SUPERVISION_LIMIT, "caseload_limit": CASELOAD_LIMIT}  # fmt: skip
    if comparison is None:
        return render_template("comparison/page.html", **context), 400
    context |= {
        "page": comparison.shown_range.start // PER_PAGE + 1,
        "pages": max(1, -(-len(comparison.rows) // PER_PAGE)),
        # The choices, for the links that keep them; the page and the chart's language are set by each link.
        "query": {k: v for k, v in request.args.items() if k not in ("page", "lang")},
        "principles": scale_registry().principles,
        # What is compared, in the heading a printed page carries: the area chosen, or all the user's.
        "area_name": next((choice.label for choice in form.area.choices if choice.value == form.area.data), None),
    }
    return render_template("comparison/page.html", **context)


@bp.get("/comparison/chart.svg")
@writes_when_read
def chart() -> ResponseReturnValue:
    """The fidelity-against-employment chart of the same comparison: its own request, so the page comes first."""
    form, comparison = _comparison(details=False)
    if comparison is None:
        _refuse(form)
    response = Response(_scatter(comparison), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _refuse(form: ComparisonForm) -> NoReturn:
    """A 400 that says which choices of the comparison could not be made, in the reader's language."""
    reasons = "; ".join(
        f"{form[name].label.text}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
    )
    abort(Response(_("The comparison cannot be made: %(reasons)s", reasons=reasons), 400, mimetype="text/plain"))


def _export(suffix: str) -> tuple[Comparison, pd.DataFrame, str]:
    form, comparison = _comparison()
    if comparison is None:
        _refuse(form)
    name = _("comparison-%(scale)s-%(date)s", scale=comparison.scale.id, date=clock.today().isoformat()) + "." + suffix
    return comparison, export_frame(comparison, scale_registry().principles), name


@bp.get("/comparison.csv")
@writes_when_read
def csv() -> ResponseReturnValue:
    frame, name = _export("csv")[1:]
    return download(csv_bytes(EXPORT_NAMES.in_language(frame)), CSV, name)


@bp.get("/comparison.xlsx")
@writes_when_read
def xlsx() -> ResponseReturnValue:
    comparison, frame, name = _export("xlsx")
    rates = [column for column in frame.columns if column.startswith(("employment_rate", "education_rate"))]
    # A second sheet says what each column gives.
    key = column_definitions(frame.columns, comparison.scale, scale_registry().principles)
    workbook = xlsx_bytes(frame, "comparison", percent=[*rates, "screened_out_share_4q", "gave_up_share_4q"],
                          dates=["review_date", "next_review_due"], freeze="D2", names=EXPORT_NAMES,
                          more=[("Key", key)])  # fmt: skip
    return download(workbook, XLSX, name)
