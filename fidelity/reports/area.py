"""One PDF with the latest review of every unit in an area, produced in the background.

The job's progress is written to the database after every review, so any worker process can show it and serve the
finished file. The work runs in a thread of the process that took the request; with REPORT_JOBS_IN_BACKGROUND off
(the test suite) it runs before the request returns.
"""

from __future__ import annotations

import threading
from datetime import date

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from weasyprint import HTML

from fidelity import scale_registry
from fidelity.extensions import db
from fidelity.i18n import current_language
from fidelity.models import COUNTED_STATUSES, Area, JobStatus, ReportJob, Review, Unit, User
from fidelity.models.types import utcnow
from fidelity.reports.content import report_data
from fidelity.reports.render import report_html


def area_reviews(area: Area) -> list[Review]:
    """Each unit's latest counted review on each scale it has one on, by unit name then scale."""
    reviews = db.session.scalars(
        select(Review)
        .join(Unit, Unit.id == Review.unit_id)
        .where(Unit.area_id == area.id, Review.status.in_(COUNTED_STATUSES))
        .order_by(Unit.name, Review.scale_id, Review.review_date.desc(), Review.id.desc())
    ).all()
    latest: dict[tuple[int, str], Review] = {}
    for review in reviews:
        latest.setdefault((review.unit_id, review.scale_id), review)
    return list(latest.values())


def start_area_report(area: Area, user: User) -> ReportJob:
    job = ReportJob(
        area_id=area.id,
        requested_by_id=user.id,
        total=len(area_reviews(area)),
        file_name=f"{area.code}-latest-reviews-{date.today().isoformat()}.pdf",
    )
    db.session.add(job)
    db.session.flush()
    return job


def launch(job_id: int) -> None:
    """Run the job: in a thread of this process, or now when background jobs are off. Either way the PDF is in the
    language of the request that asked for it (a thread has no request to read it from)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    language = current_language()
    if app.config["REPORT_JOBS_IN_BACKGROUND"]:
        threading.Thread(
            target=_run_in_app, args=(app, job_id, language), daemon=True, name=f"report-job-{job_id}"
        ).start()
    else:
        with force_locale(language):
            run_area_report(job_id, date.today())


def _run_in_app(app: Flask, job_id: int, language: str) -> None:
    with app.app_context(), force_locale(language):
        try:
            run_area_report(job_id, date.today())
        finally:
            db.session.remove()


def run_area_report(job_id: int, today: date) -> None:
    """Render every review, committing the progress after each, then store the joined PDF."""
    job = db.session.get(ReportJob, job_id)
    if job is None or job.status is not JobStatus.QUEUED:
        return
    job.status = JobStatus.RUNNING
    db.session.commit()
    try:
        area = db.session.get(Area, job.area_id)
        documents = []
        for review in area_reviews(area) if area else []:
            documents.append(HTML(string=report_html(report_data(review, scale_registry(), today))).render())
            job.done += 1
            db.session.commit()
        if not documents:
            raise RuntimeError(_("No unit of the area has a submitted or final review yet."))
        pages = [page for document in documents for page in document.pages]
        job.pdf = documents[0].copy(pages).write_pdf()
        job.status = JobStatus.DONE
    except Exception as exc:  # whatever failed, the job says so instead of hanging
        db.session.rollback()
        job = db.session.get(ReportJob, job_id)
        if job is None:
            return
        job.status, job.error = JobStatus.FAILED, str(exc)
    job.finished_at = utcnow()
    db.session.commit()
