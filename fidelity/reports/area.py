"""One PDF with the latest review of every unit in an area, produced in the background.

The job's progress is written to the database after every review, so any worker process can show it and serve the
finished file. The work runs in a thread of the process that took the request; with REPORT_JOBS_IN_BACKGROUND off
(the test suite) it runs before the request returns.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from weasyprint import HTML
from weasyprint.document import Document

from fidelity import clock, scale_registry
from fidelity.extensions import db
from fidelity.i18n import current_language
from fidelity.models import COUNTED_STATUSES, Area, JobStatus, ReportJob, Review, ReviewKind, Unit, User
from fidelity.models.types import utcnow
from fidelity.monitoring.unit_lock import take_units
from fidelity.reports.content import ReportData, report_data
from fidelity.reports.render import BoundIn, report_html


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
        # The name in the language of whoever asks for it, as the PDF is.
        file_name=_("%(area)s-latest-reviews-%(date)s.pdf", area=area.code, date=clock.today().isoformat()),
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
            run_area_report(job_id, clock.today())


def _run_in_app(app: Flask, job_id: int, language: str) -> None:
    with app.app_context(), force_locale(language):
        try:
            run_area_report(job_id, clock.today())
        finally:
            db.session.remove()


@dataclass(frozen=True)
class ContentsEntry:
    """One review in the area PDF's contents."""

    unit: str
    scale: str
    kind: str
    review_date: date
    total: int
    max: int
    band: str | None
    first_page: int | None  # in the whole PDF; None while the pages are being counted


def area_title(area: Area) -> str:
    return _("Latest reviews of %(area)s", area=area.name)


def _cover(area: Area, entries: list[ContentsEntry], not_reviewed: list[str], today: date) -> Document:
    html = render_template(
        "reports/area_cover.html",
        area=area,
        title=area_title(area),
        entries=entries,
        not_reviewed=not_reviewed,
        today=today,
    )
    return HTML(string=html).render()


def run_area_report(job_id: int, today: date) -> None:
    """Render a cover with the contents, then every review, committing the progress after each; store the joined PDF.

    The pages are numbered through the whole PDF: the cover is laid out first to count its pages (the page numbers
    in its contents do not change how many it has), each review then carries on from the pages before it, and the
    cover is laid out again with each review's first page."""
    job = db.session.get(ReportJob, job_id)
    if job is None or job.status is not JobStatus.QUEUED:
        return
    job.status = JobStatus.RUNNING
    db.session.commit()
    try:
        area = db.session.get(Area, job.area_id)
        if area is None:
            raise RuntimeError(_("The area no longer exists."))
        reviews = area_reviews(area)
        if not reviews:
            raise RuntimeError(_("No unit of the area has a submitted or final review yet."))
        registry = scale_registry()
        # Each review's unit has its figures counted again: the units are held all at once, in the order of their
        # ids, as every change to several units holds them (see `unit_lock`).
        take_units(*{review.unit_id for review in reviews})
        contents = [report_data(review, registry, today) for review in reviews]
        entries = [_entry(data, None) for data in contents]
        reviewed = {review.unit_id for review in reviews}
        not_reviewed = [unit.name for unit in area.units if unit.id not in reviewed]
        next_page = len(_cover(area, entries, not_reviewed, today).pages) + 1
        documents = []
        for position, data in enumerate(contents):
            entries[position] = _entry(data, next_page)
            bound_in = BoundIn(title=area_title(area), first_page=next_page)
            document = HTML(string=report_html(data, bound_in)).render()
            documents.append(document)
            next_page += len(document.pages)
            job.done += 1
            db.session.commit()
        cover = _cover(area, entries, not_reviewed, today)
        pages = [page for document in (cover, *documents) for page in document.pages]
        job.pdf = cover.copy(pages).write_pdf()
        job.status = JobStatus.DONE
    except Exception as exc:  # whatever failed, the job says so instead of hanging
        db.session.rollback()
        job = db.session.get(ReportJob, job_id)
        if job is None:
            return
        job.status, job.error = JobStatus.FAILED, str(exc)
    job.finished_at = utcnow()
    db.session.commit()


def _entry(data: ReportData, first_page: int | None) -> ContentsEntry:
    review = data.review
    return ContentsEntry(
        unit=review.unit.name,
        scale=data.scale.title,
        kind=_("External fidelity review") if review.kind is ReviewKind.EXTERNAL else _("Self-assessment"),
        review_date=review.review_date,
        total=data.summary.total,
        max=data.summary.max,
        band=data.summary.band.label if data.summary.band else None,
        first_page=first_page,
    )
