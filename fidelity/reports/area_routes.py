"""An area's PDF of every unit's latest review: start it, watch its progress, download it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fidelity import scale_registry
from fidelity.access import area_or_404
from fidelity.extensions import db
from fidelity.models import Area, JobStatus, ReportJob
from fidelity.reports.area import area_reviews, launch, start_area_report
from fidelity.reviews.forms import ActionForm

bp = Blueprint("area_reports", __name__, url_prefix="/areas/<code>/report")


def _job(area: Area, job_id: int) -> ReportJob:
    job = db.session.get(ReportJob, job_id)
    if job is None or job.area_id != area.id:
        abort(404)
    return job


@bp.get("")
def index(code: str) -> ResponseReturnValue:
    area = area_or_404(current_user, code)
    reviews = area_reviews(area)
    registry = scale_registry()
    titles = {(r.scale_id, r.scale_version): registry.get(r.scale_id, r.scale_version).title for r in reviews}
    return render_template("reports/area.html", area=area, reviews=reviews, scale_titles=titles, form=ActionForm())


@bp.post("")
def start(code: str) -> ResponseReturnValue:
    area = area_or_404(current_user, code)
    if not ActionForm().validate_on_submit():
        abort(400)
    job = start_area_report(area, current_user)
    db.session.commit()
    launch(job.id)
    return redirect(url_for(".progress", code=area.code, job_id=job.id))


@bp.get("/<int:job_id>")
def progress(code: str, job_id: int) -> ResponseReturnValue:
    area = area_or_404(current_user, code)
    return render_template("reports/area_progress.html", area=area, job=_job(area, job_id))


@bp.get("/<int:job_id>.pdf")
def download(code: str, job_id: int) -> ResponseReturnValue:
    area = area_or_404(current_user, code)
    job = _job(area, job_id)
    if job.status is not JobStatus.DONE or job.pdf is None:
        abort(404)
    return Response(
        job.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{job.file_name}"', "Cache-Control": "no-store"},
    )
