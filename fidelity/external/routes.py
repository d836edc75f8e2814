"""External review pages. Views parse a form, call one operation, commit once and render or redirect.

Rating, consensus, sign-off and amendment are for the review's assigned reviewers (403 for anyone else who may see
the unit); a step the review's stage does not allow is refused with 409 and changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from fidelity import clock, scale_registry
from fidelity.access import Permission, can, review_or_404, reviewer_assignment, unit_or_404
from fidelity.actions.operations import standing
from fidelity.actions.queries import recommendation_actions
from fidelity.agreement import agreement
from fidelity.extensions import db
from fidelity.external import operations as ops
from fidelity.external.forms import CommissionForm, ConsensusForm, OwnRatingForm, consensus_form_class
from fidelity.external.pages import ReviewerColumn, consensus_rows
from fidelity.i18n import date_text
from fidelity.models import Review, ReviewerAssignment, ReviewKind, ReviewStatus, Role, RoleAssignment, Unit, User
from fidelity.monitoring.item_figures import review_figures
from fidelity.reviews.forms import ActionForm, ChangeReasonForm, RatingForm, rating_form_class
from fidelity.reviews.operations import (
    Conflict,
    RatingValue,
    ReviewError,
    StaleDraft,
    counted_values,
    open_change_message,
    previous_review,
    rater_values,
)
from fidelity.scales import Scale
from fidelity.scoring import summarise

bp = Blueprint("external", __name__, url_prefix="/units/<code>/external")


def _external(code: str, review_id: int, permission: Permission = Permission.READ) -> tuple[Unit, Review, Scale]:
    unit = unit_or_404(current_user, code, permission)
    review = review_or_404(unit, review_id)
    if review.kind is not ReviewKind.EXTERNAL:
        abort(404)
    return unit, review, scale_registry().get(review.scale_id, review.scale_version)


def _assignment(review: Review) -> ReviewerAssignment:
    assignment = reviewer_assignment(current_user, review)
    if assignment is None:
        abort(403)
    return assignment


def _reviewer_choices() -> list[SelectChoice]:
    reviewers = db.session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.EXTERNAL_REVIEWER, User.active.is_(True))
        .order_by(User.display_name)
        .distinct()
    ).all()
    return [SelectChoice(user.id, f"{user.display_name} ({user.email})") for user in reviewers]


@bp.route("/new", methods=["GET", "POST"])
def new(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.COMMISSION)
    form = CommissionForm()
    scales = [s for s in scale_registry().latest() if s.measures(ips=unit.offers_ips, sed=unit.offers_sed)]
    form.scale.choices = [SelectChoice(s.id, s.title) for s in scales]
    form.reviewers.choices = _reviewer_choices()
    if form.validate_on_submit():
        reviewers = [db.session.get(User, user_id) for user_id in form.reviewers.data or []]
        try:
            scale = scale_registry().get(form.scale.data)
            chosen = [r for r in reviewers if r is not None]
            review = ops.commission(unit, scale, form.visit_start.data, form.visit_end.data, chosen, current_user)
        except ReviewError as exc:
            db.session.rollback()
            form.reviewers.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("External review started. The reviewers can now rate it."))
            return redirect(url_for(".show", code=unit.code, review_id=review.id))
    # The reviews already under way, named before the form is filled in: another on the same scale is refused.
    under_way = [(scale, started) for scale in scales if (started := ops.open_external_review(unit, scale.id))]
    page = render_template("external/new.html", unit=unit, form=form, under_way=under_way)
    return page, 400 if form.errors else 200


@bp.route("/<int:review_id>/withdraw", methods=["GET", "POST"])
def withdraw(code: str, review_id: int) -> ResponseReturnValue:
    """Withdraw an external review that is not final: asks first, on its own page."""
    unit, review, scale = _external(code, review_id, Permission.COMMISSION)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        shown = date_text(review.review_date)
        try:
            ops.withdraw(review)
        except ReviewError as exc:
            db.session.rollback()
            return _show(unit, review, scale, str(exc), 409)
        db.session.commit()
        flash(_("The external review of %(date)s was withdrawn.", date=shown))
        return redirect(url_for("units.show", code=unit.code), 303)
    if review.status is ReviewStatus.FINAL:
        return _show(unit, review, scale, _("A final review cannot be withdrawn. Its reviewers can amend it instead."),
                     409)  # fmt: skip
    return render_template("external/withdraw.html", unit=unit, review=review, scale=scale, form=form)


def _show(unit: Unit, review: Review, scale: Scale, error: str | None = None, status: int = 200) -> ResponseReturnValue:
    """The review's page: stage, reviewers and, once consensus has started, the scores side by side."""
    assignment = reviewer_assignment(current_user, review)
    context: dict[str, Any] = {
        "unit": unit,
        "review": review,
        "scale": scale,
        "assignment": assignment,
        "missing": ops.missing_ratings(ops.rated_review(review), scale),
        "unsupported": ops.unsupported_ratings(ops.rated_review(review), scale),
        "action_form": ActionForm(),
        "error": error,
        "can_plan": can(current_user, Permission.PLAN, unit),
        "can_withdraw": review.status is not ReviewStatus.FINAL and can(current_user, Permission.COMMISSION, unit),
        "amended_by": ops.amended_by(review),
    }
    if review.status is not ReviewStatus.DRAFT:
        context |= _consensus_context(review, scale)
        context["problems"] = ops.sign_off_problems(review, scale) if review.status is ReviewStatus.CONSENSUS else []
    if review.status is ReviewStatus.FINAL:
        scores = {k: v.score for k, v in counted_values(review).items() if v.score is not None}
        context["summary"] = summarise(scale, scale_registry().principles, scores)
        made = recommendation_actions(review) if context["can_plan"] else {}
        context["made"] = {key: (standing(actions), actions) for key, actions in made.items()}
    return render_template("external/show.html", **context), status


def _consensus_context(review: Review, scale: Scale) -> dict[str, Any]:
    rated = ops.rated_review(review)
    columns = [ReviewerColumn(a.reviewer_id, a.reviewer.display_name) for a in rated.reviewers]
    ratings = {c.user_id: rater_values(rated, c.user_id) for c in columns}
    previous = previous_review(review)
    by_name = {c.name: {k: v.score for k, v in ratings[c.user_id].items() if v.score is not None} for c in columns}
    return {
        "columns": columns,
        "rows": consensus_rows(
            scale, columns, ratings, ops.consensus_values(review), counted_values(previous) if previous else {}
        ),
        "previous": previous,
        "agreement": agreement(by_name, scale.item_keys, range(scale.score_min, scale.score_max + 1)),
    }


@bp.get("/<int:review_id>")
def show(code: str, review_id: int) -> ResponseReturnValue:
    return _show(*_external(code, review_id))


@bp.route("/<int:review_id>/rate", methods=["GET", "POST"])
def rate(code: str, review_id: int) -> ResponseReturnValue:
    unit, review, scale = _external(code, review_id)
    assignment = _assignment(review)
    if review.status is not ReviewStatus.DRAFT:
        if request.method == "POST":
            return _show(unit, review, scale, _("The individual ratings are locked: consensus has started."), 409)
        return redirect(url_for(".show", code=code, review_id=review.id))
    form = rating_form_class(scale, OwnRatingForm)()
    conflict: Conflict | None = None
    status = 200
    if request.method == "GET":
        form.fill(rater_values(review, assignment.reviewer_id))
        form.revision.data = str(assignment.revision)
    elif form.validate_on_submit():
        try:
            ops.save_own_ratings(review, assignment, form.values(), int(form.revision.data))
        except StaleDraft as exc:
            db.session.rollback()
            conflict, status = exc.conflict, 409
            form.revision.data = str(assignment.revision)
        else:
            db.session.commit()
            flash(_("Your ratings are saved."))
            return redirect(url_for(".rate", code=code, review_id=review.id))
    else:
        status = 400
    page = render_template(
        "external/rate.html",
        **_rating_page(unit, review, scale, form),
        conflict=conflict,
        item_errors=form.item_errors(),
    )
    return page, status


def _rating_page(unit: Unit, review: Review, scale: Scale, form: RatingForm) -> dict[str, Any]:
    previous = previous_review(review)
    values = form.values()
    scores = {k: v.score for k, v in values.items() if v.score is not None}
    return {
        "unit": unit,
        "review": review,
        "scale": scale,
        "form": form,
        "values": values,
        "summary": summarise(scale, scale_registry().principles, scores),
        "previous": previous,
        "previous_values": counted_values(previous) if previous else {},
        "figures": review_figures(review, clock.today()),  # the unit's own, beside the items they bear on
    }


@bp.get("/<int:review_id>/summary")
def summary(code: str, review_id: int) -> ResponseReturnValue:
    """The reviewer's own score so far, for the scores in the query string (the rating page asks as you score)."""
    _unit, review, scale = _external(code, review_id)
    _assignment(review)
    values: dict[str, RatingValue] = {}
    for item in scale.items:
        raw = request.args.get(f"score_{item.key}", "")
        if raw.isdigit() and scale.score_min <= int(raw) <= scale.score_max:
            values[item.key] = RatingValue(score=int(raw))
    scores = {k: v.score for k, v in values.items() if v.score is not None}
    return render_template(
        "reviews/_summary.html",
        scale=scale,
        review=review,
        summary=summarise(scale, scale_registry().principles, scores),
    )


def _step(code: str, review_id: int) -> tuple[Unit, Review, Scale, ReviewerAssignment]:
    """A one-button step of an assigned reviewer: the review, the reviewer's assignment, and a checked CSRF form."""
    unit, review, scale = _external(code, review_id)
    assignment = _assignment(review)
    if not ActionForm().validate_on_submit():
        abort(400)
    return unit, review, scale, assignment


@bp.post("/<int:review_id>/consensus/start")
def start_consensus(code: str, review_id: int) -> ResponseReturnValue:
    unit, review, scale, _reviewer = _step(code, review_id)
    try:
        ops.start_consensus(review, scale)
    except ReviewError as exc:
        db.session.rollback()
        return _show(unit, review, scale, str(exc), 409)
    db.session.commit()
    flash(_("Consensus has started. The individual ratings are locked."))
    return redirect(url_for(".consensus", code=code, review_id=review.id))


@bp.route("/<int:review_id>/consensus", methods=["GET", "POST"])
def consensus(code: str, review_id: int) -> ResponseReturnValue:
    unit, review, scale = _external(code, review_id)
    _assignment(review)
    if review.status is not ReviewStatus.CONSENSUS:
        if request.method == "POST":
            message = _("This review is final and can no longer change. Amend it instead.")
            if review.status is ReviewStatus.DRAFT:
                message = _("Consensus has not started yet: the reviewers are still rating on their own.")
            return _show(unit, review, scale, message, 409)
        return redirect(url_for(".show", code=code, review_id=review.id))
    form: ConsensusForm = consensus_form_class(scale)()
    status, item_errors = 200, {}
    stale: ops.ConsensusConflict | None = None
    if request.method == "GET":
        form.fill(ops.consensus_values(review), review.strengths)
        form.revision.data = str(review.revision)
    elif form.validate_on_submit():
        try:
            ops.save_consensus(
                review, scale, form.values(), (form.strengths.data or "").strip(), int(form.revision.data)
            )
        except ops.ConsensusInvalid as exc:
            db.session.rollback()
            status, item_errors = 400, exc.errors
        except StaleDraft:
            db.session.rollback()
            # The page now shows, beside the entries refused, what the other reviewer saved: a second save is made
            # knowing what it replaces.
            status, stale = 409, ops.consensus_conflict(review)
            form.revision.data = str(review.revision)
        else:
            db.session.commit()
            flash(_("Consensus saved."))
            return redirect(url_for(".consensus", code=code, review_id=review.id))
    else:
        status, item_errors = 400, form.item_errors()
    context = _consensus_context(review, scale) | {"figures": review_figures(review, clock.today())}
    mine = form.values() if stale else {}
    page = render_template(
        "external/consensus.html",
        unit=unit,
        review=review,
        scale=scale,
        form=form,
        stale=stale,
        mine=mine,
        stale_items=[key for key in scale.item_keys if stale and stale.differs(key, mine[key])],
        stale_strengths=stale is not None and stale.strengths != (form.strengths.data or "").strip(),
        item_errors=item_errors,
        **context,
    )
    return page, status


@bp.post("/<int:review_id>/sign-off")
def sign_off(code: str, review_id: int) -> ResponseReturnValue:
    unit, review, scale, assignment = _step(code, review_id)
    try:
        final = ops.sign_off(review, assignment, scale)
    except ReviewError as exc:
        db.session.rollback()
        return _show(unit, review, scale, str(exc), 409)
    db.session.commit()
    flash(
        _("The review is final.") if final else _("You have signed off. The review is final when every reviewer has.")
    )
    return redirect(url_for(".show", code=code, review_id=review.id))


@bp.route("/<int:review_id>/amend", methods=["GET", "POST"])
def amend(code: str, review_id: int) -> ResponseReturnValue:
    unit, review, scale = _external(code, review_id)
    _assignment(review)
    try:
        ops.check_amendable(review)
    except ReviewError as exc:
        return _show(unit, review, scale, str(exc), 409)
    form = ChangeReasonForm()
    already = ops.open_amendment(review)
    if already is not None:
        flash(open_change_message(already, form.reason.data if form.is_submitted() else None))
        return redirect(url_for(".consensus", code=code, review_id=already.id))
    if not form.validate_on_submit():
        return render_template("reviews/change.html", unit=unit, review=review, form=form), 400 if form.errors else 200
    amendment = ops.amend(review, current_user, form.reason.data or "")
    db.session.commit()
    flash(_("An amending review is open at consensus. Every reviewer signs it off again."))
    return redirect(url_for(".consensus", code=code, review_id=amendment.id))
