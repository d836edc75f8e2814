"""Action plan pages and the follow-up list. Views parse a form, call one operation, commit once and redirect;
refused input comes back with its message and status 400."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fidelity import clock, scale_registry
from fidelity.access import Permission, action_or_404, can, review_or_404, unit_or_404, visible_units
from fidelity.actions.forms import DUE_LABELS, STATUS_LABELS, CommentForm, EditActionForm, NewActionForm, StatusForm
from fidelity.actions.operations import (
    ActionChanged,
    ActionError,
    CopyRefused,
    ReviewLink,
    action_snapshot,
    add_comment,
    change_status,
    create_action,
    edit_action,
    linkable,
    status_snapshot,
)
from fidelity.actions.queries import (
    action_item,
    action_owners,
    comments,
    overdue_actions,
    pending_on_item,
    recommendation,
    recommendation_actions,
)
from fidelity.extensions import db
from fidelity.models import Action, ActionStatus, Unit
from fidelity.stale import kept_notice
from fidelity.units.reviews_due import units_schedule

bp = Blueprint("actions", __name__)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    """Status and schedule words for every template that shows actions or due reviews."""
    return {"action_status_labels": STATUS_LABELS, "due_labels": DUE_LABELS}


def _action(code: str, action_id: int, permission: Permission) -> tuple[Unit, Action]:
    unit = unit_or_404(current_user, code, permission)
    return unit, action_or_404(unit, action_id)


def _review_link(unit: Unit) -> ReviewLink | None:
    """The review and item named in the query string (?review=ID&item=KEY): a final review of this unit and an item
    of its scale, else 404. None when the action is not made from a review."""
    review_id, item_key = request.args.get("review"), request.args.get("item") or None
    if review_id is None and item_key is None:
        return None
    if review_id is None or not review_id.isdigit():
        abort(404)
    review = review_or_404(unit, int(review_id))
    scale = scale_registry().get(review.scale_id, review.scale_version)
    if not linkable(review, scale, item_key):
        abort(404)
    existing = tuple(recommendation_actions(review).get(item_key, ())) if item_key else ()
    pending = pending_on_item(unit, item_key, existing) if item_key else ()
    return ReviewLink(review, scale, item_key, recommendation(review, item_key) if item_key else "", existing, pending)


@bp.route("/units/<code>/actions/new", methods=["GET", "POST"])
def new(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.PLAN)
    link = _review_link(unit)
    form = NewActionForm()
    form.offer(unit, action_owners(unit), scale_registry(), item_choice=link is None)
    if not form.is_submitted() and link is not None:
        form.title.data, form.description.data = link.prefill()
    # The page says when the recommendation already has an action, and its form then carries `another`: a form sent
    # without it (the back button, a second tab, a double click) would add a copy nobody meant.
    copy_refused = False
    if form.validate_on_submit():
        try:
            action = create_action(unit, form.values(), current_user, link, another=request.form.get("another") == "1")
        except ActionError as exc:
            form[exc.field].errors = [str(exc)]
        except CopyRefused:
            copy_refused = True
        else:
            db.session.commit()
            flash(_("Action added to the plan."))
            return redirect(url_for(".show", code=unit.code, action_id=action.id))
    status = 409 if copy_refused else 400 if form.errors else 200
    page = render_template("actions/new.html", unit=unit, form=form, link=link, copy_refused=copy_refused,
                           today=clock.today())  # fmt: skip
    return page, status


@bp.route("/units/<code>/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit(code: str, action_id: int) -> ResponseReturnValue:
    unit, action = _action(code, action_id, Permission.PLAN)
    form = EditActionForm()
    form.offer(unit, action_owners(unit), scale_registry(), item_choice=action.review_id is None)
    form.fill(action)
    changed: list[tuple[str, Any]] | None = None
    if form.validate_on_submit():
        try:
            edited, merged = edit_action(action, form.values(), form.seen.data)
        except ActionError as exc:
            form[exc.field].errors = [str(exc)]
        except ActionChanged as exc:
            db.session.rollback()
            changed = exc.merged.conflicts
            form.show(exc.merged.values)  # what was typed where it was changed, what is stored elsewhere
            form.seen.data = action_snapshot(action)  # saving again settles only the fields both changed
        else:
            db.session.commit()
            flash(_("Action changed.") if edited else _("Nothing was changed."))
            _flash_kept(merged.kept, form)
            return redirect(url_for(".show", code=unit.code, action_id=action.id))
    status = 409 if changed is not None else 400 if form.errors else 200
    return render_template("actions/new.html", unit=unit, form=form, action=action, changed=changed), status


def _flash_kept(kept: list[tuple[str, Any]], form: Any) -> None:
    notice = kept_notice(kept, form)
    if notice:
        flash(notice)


def _page(unit: Unit, action: Action, *, status_form: StatusForm | None = None,
          comment_form: CommentForm | None = None, status_changed: bool = False) -> str:  # fmt: skip
    return render_template(
        "actions/show.html",
        unit=unit,
        action=action,
        item=action_item(action, scale_registry()),
        comments=comments(action),
        today=clock.today(),
        can_plan=can(current_user, Permission.PLAN, unit),
        status_form=status_form or StatusForm.of(action),
        comment_form=comment_form or CommentForm(formdata=None),
        status_changed=status_changed,
    )


@bp.get("/units/<code>/actions/<int:action_id>")
def show(code: str, action_id: int) -> ResponseReturnValue:
    unit, action = _action(code, action_id, Permission.READ)
    return _page(unit, action)


@bp.post("/units/<code>/actions/<int:action_id>/status")
def set_status(code: str, action_id: int) -> ResponseReturnValue:
    unit, action = _action(code, action_id, Permission.PLAN)
    form = StatusForm()
    if not form.validate_on_submit():
        return _page(unit, action, status_form=form), 400
    new_status = ActionStatus(form.status.data)
    try:
        changed, merged = change_status(action, new_status, form.seen.data)
    except ActionChanged:
        db.session.rollback()
        form.seen.data = status_snapshot(action)  # changing it again replaces the status it has now
        return _page(unit, action, status_form=form, status_changed=True), 409
    if changed:
        db.session.commit()
        flash(_("Status changed to %(status)s.", status=STATUS_LABELS[new_status]))
    _flash_kept(merged.kept, form)
    return redirect(url_for(".show", code=unit.code, action_id=action.id))


@bp.post("/units/<code>/actions/<int:action_id>/comments")
def comment(code: str, action_id: int) -> ResponseReturnValue:
    unit, action = _action(code, action_id, Permission.PLAN)
    form = CommentForm()
    if not form.validate_on_submit():
        return _page(unit, action, comment_form=form), 400
    add_comment(action, current_user, form.text.data)
    db.session.commit()
    flash(_("Comment added."))
    return redirect(url_for(".show", code=unit.code, action_id=action.id) + "#comments")


@bp.get("/follow-up")
def follow_up() -> ResponseReturnValue:
    """Reviews due and overdue, and overdue actions, across every unit the user may see."""
    today = clock.today()
    units = db.session.scalars(visible_units(current_user)).all()
    rows = [row for row in units_schedule(units, scale_registry(), today) if row.pressing]
    return render_template("actions/follow_up.html", units={u.id: u for u in units}, reviews_due=rows,
                           overdue=overdue_actions(units, today), scales=scale_registry().latest(),
                           today=today)  # fmt: skip
