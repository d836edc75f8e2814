"""Self-assessment pages. Views parse a form, call one operation, commit once and render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from fidelity import clock, scale_registry
from fidelity.access import Permission, can, review_or_404, unit_or_404
from fidelity.extensions import db
from fidelity.i18n import date_text
from fidelity.models import Review, ReviewKind, Unit
from fidelity.monitoring.item_figures import review_figures
from fidelity.reviews.forms import ChangeReasonForm, RatingForm, StartReviewForm, rating_form_class
from fidelity.reviews.operations import (
    Conflict,
    RatingValue,
    ReviewError,
    StaleDraft,
    check_correctable,
    corrected_by,
    counted_values,
    open_change_message,
    open_correction,
    open_self_assessments,
    previous_review,
    rating_values,
    save_draft,
    start_correction,
    start_self_assessment,
    submit,
    submitted_meanwhile,
)
from fidelity.scales import Scale
from fidelity.scoring import ScoreSummary, summarise

bp = Blueprint("reviews", __name__, url_prefix="/units/<code>/reviews")


def _self_assessment(code: str, review_id: int, permission: Permission) -> tuple[Unit, Review, Scale]:
    unit = unit_or_404(current_user, code, permission)
    review = review_or_404(unit, review_id)
    if review.kind is not ReviewKind.SELF_ASSESSMENT:
        abort(404)
    return unit, review, scale_registry().get(review.scale_id, review.scale_version)


def _summary(scale: Scale, values: dict[str, RatingValue]) -> ScoreSummary:
    scores = {key: v.score for key, v in values.items() if v.score is not None}
    return summarise(scale, scale_registry().principles, scores)


def _scale_choices(unit: Unit) -> list[SelectChoice]:
    scales = scale_registry().latest()
    return [SelectChoice(s.id, s.title) for s in scales if s.measures(ips=unit.offers_ips, sed=unit.offers_sed)]


@bp.route("/new", methods=["GET", "POST"])
def start(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.SELF_ASSESS)
    form = StartReviewForm()
    form.scale.choices = _scale_choices(unit)
    drafts = open_self_assessments(unit)
    if form.validate_on_submit():
        try:
            started = start_self_assessment(unit, scale_registry().get(form.scale.data), form.review_date.data,
                                            current_user)  # fmt: skip
        except ReviewError as exc:
            form.scale.errors = [str(exc)]
        else:
            db.session.commit()
            if started.continued:
                flash(_("A self-assessment on this scale is already open, dated %(date)s: continue it here.",
                        date=date_text(started.review.review_date)))  # fmt: skip
            return redirect(url_for(".edit", code=unit.code, review_id=started.review.id))
    status = 400 if form.errors else 200
    titles = {scale.id: scale.title for scale in scale_registry().latest()}
    return render_template("reviews/start.html", unit=unit, form=form, drafts=drafts, scale_titles=titles), status


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
def edit(code: str, review_id: int) -> ResponseReturnValue:
    unit, review, scale = _self_assessment(code, review_id, Permission.SELF_ASSESS)
    form = rating_form_class(scale)()
    if not review.is_draft:
        if request.method == "POST" and form.validate_on_submit():
            # Saved from a page opened before the self-assessment was submitted: nothing is written, and what was
            # typed is shown beside the submitted values, to be carried into a correction.
            page = render_template("reviews/edit.html", **_page(unit, review, scale, form.values()), form=form,
                                   conflict=submitted_meanwhile(review), submitted=True, item_errors={},
                                   figures=review_figures(review, clock.today()))  # fmt: skip
            return page, 409
        flash(_("This self-assessment has been submitted and can no longer change. Start a correction instead."))
        if request.method == "POST":
            return redirect(url_for(".show", code=code, review_id=review.id), 303)
        return redirect(url_for(".show", code=code, review_id=review.id))
    conflict: Conflict | None = None
    status = 200
    if request.method == "GET":
        form.fill(rating_values(review))
        form.revision.data = str(review.revision)
    elif form.validate_on_submit():
        try:
            save_draft(review, form.values(), _revision(form))
        except StaleDraft as exc:
            db.session.rollback()
            conflict, status = exc.conflict, 409
            form.revision.data = str(review.revision)
        else:
            if not form.submit_review.data:
                db.session.commit()
                flash(_("Draft saved."))
                return redirect(url_for(".edit", code=code, review_id=review.id))
            try:
                submit(review, scale, current_user)
            except ReviewError as exc:
                db.session.commit()  # the draft is saved; only the submission waits
                form.revision.data = str(review.revision)
                form.submit_review.errors = [str(exc)]
                status = 400
            else:
                db.session.commit()
                flash(_("Self-assessment submitted."))
                return redirect(url_for("units.show", code=code))
    else:
        status = 400
    # The unit's own records beside the items they bear on.
    figures = review_figures(review, clock.today())
    return render_template("reviews/edit.html", **_page(unit, review, scale, form.values()), form=form,
                           conflict=conflict, item_errors=form.item_errors(), figures=figures), status  # fmt: skip


def _revision(form: RatingForm) -> int:
    return int(form.revision.data)  # validated as digits


def _page(unit: Unit, review: Review, scale: Scale, values: dict[str, RatingValue]) -> dict[str, object]:
    previous = previous_review(review)
    return {
        "unit": unit,
        "review": review,
        "scale": scale,
        "principles": scale_registry().principles,
        "values": values,
        "summary": _summary(scale, values),
        "previous": previous,
        "previous_values": counted_values(previous) if previous else {},
    }


@bp.get("/<int:review_id>/summary")
def summary(code: str, review_id: int) -> ResponseReturnValue:
    """The live summary panel for the scores in the query string (the scoring page asks for it as you score)."""
    _unit, review, scale = _self_assessment(code, review_id, Permission.READ)
    values = {}
    for item in scale.items:
        raw = request.args.get(f"score_{item.key}", "")
        if raw.isdigit() and scale.score_min <= int(raw) <= scale.score_max:
            values[item.key] = RatingValue(score=int(raw))
    return render_template("reviews/_summary.html", scale=scale, summary=_summary(scale, values), review=review)


@bp.get("/<int:review_id>")
def show(code: str, review_id: int) -> ResponseReturnValue:
    unit, review, scale = _self_assessment(code, review_id, Permission.READ)
    return render_template(
        "reviews/show.html",
        **_page(unit, review, scale, rating_values(review)),
        can_edit=can(current_user, Permission.SELF_ASSESS, unit),
        corrected_by=corrected_by(review),
    )


@bp.route("/<int:review_id>/correct", methods=["GET", "POST"])
def correct(code: str, review_id: int) -> ResponseReturnValue:
    unit, review, _scale = _self_assessment(code, review_id, Permission.SELF_ASSESS)
    try:
        check_correctable(review)
    except ReviewError as exc:
        flash(str(exc))
        return redirect(url_for(".show", code=code, review_id=review.id))
    form = ChangeReasonForm()
    already = open_correction(review)
    if already is not None:
        flash(open_change_message(already, form.reason.data if form.is_submitted() else None))
        return redirect(url_for(".edit", code=unit.code, review_id=already.id))
    if not form.validate_on_submit():
        return render_template("reviews/change.html", unit=unit, review=review, form=form), 400 if form.errors else 200
    correction = start_correction(review, current_user, form.reason.data or "")
    db.session.commit()
    return redirect(url_for(".edit", code=unit.code, review_id=correction.id))
