"""The local adaptations register of a unit: read by everyone who may see the unit, kept by its managers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fidelity import clock, scale_registry
from fidelity.access import Permission, can, unit_or_404
from fidelity.adaptations.forms import REASON_NAMES, AdaptationForm
from fidelity.adaptations.operations import (
    AdaptationChanged,
    adaptation_or_404,
    adaptation_snapshot,
    costed_adaptations,
    delete_adaptation,
    save_adaptation,
)
from fidelity.extensions import db, writes_when_read
from fidelity.models import Adaptation, Unit
from fidelity.monitoring.journey_forms import REASON_NAMES as NOT_ACCEPTED_NAMES
from fidelity.reviews.forms import ActionForm
from fidelity.stale import kept_notice

bp = Blueprint("adaptations", __name__, url_prefix="/units/<code>/adaptations")


@bp.get("")
@writes_when_read
def index(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code)
    registry = scale_registry()
    costed = costed_adaptations(unit, registry, clock.today())
    db.session.commit()  # the kept quarterly figures it counted again
    return render_template(
        "adaptations/index.html",
        unit=unit,
        costed=costed,
        principles=registry.principles,
        reason_names=REASON_NAMES,
        not_accepted_names={r.value: name for r, name in NOT_ACCEPTED_NAMES.items()},
        can_plan=can(current_user, Permission.PLAN, unit),
        delete_form=ActionForm(),
    )


def _form(unit: Unit, adaptation: Adaptation | None) -> AdaptationForm:
    registry = scale_registry()
    form = AdaptationForm(obj=adaptation) if request.method == "GET" and adaptation else AdaptationForm()
    if request.method == "GET" and adaptation is not None:
        form.reason.data = adaptation.reason.value
        form.seen.data = adaptation_snapshot(adaptation)
    offered = [s for s in registry.latest() if s.measures(ips=unit.offers_ips, sed=unit.offers_sed)]
    form.set_choices(registry.principles, offered)
    return form


def _edit(unit: Unit, adaptation: Adaptation | None) -> ResponseReturnValue:
    form = _form(unit, adaptation)
    changed: list[tuple[str, Any]] | None = None
    if form.validate_on_submit():
        try:
            _saved, merged = save_adaptation(unit, form.data, current_user, adaptation, form.seen.data)
        except LookupError:  # deleted meanwhile
            abort(404)
        except AdaptationChanged as exc:
            db.session.rollback()
            changed = exc.merged.conflicts
            form.show(exc.merged.values)  # what was typed where it was changed, what is stored elsewhere
            form.seen.data = adaptation_snapshot(exc.record)  # saving again settles only the fields both changed
        else:
            db.session.commit()
            flash(_("Adaptation saved."))
            notice = kept_notice(merged.kept, form)
            if notice:
                flash(notice)
            return redirect(url_for(".index", code=unit.code))
    status = 409 if changed is not None else 400 if form.errors else 200
    titles = {scale.id: scale.title for scale in scale_registry().latest()}
    page = render_template("adaptations/form.html", unit=unit, form=form, adaptation=adaptation, scale_titles=titles,
                           changed=changed)  # fmt: skip
    return page, status


@bp.route("/new", methods=["GET", "POST"])
def new(code: str) -> ResponseReturnValue:
    return _edit(unit_or_404(current_user, code, Permission.PLAN), None)


@bp.route("/<int:adaptation_id>", methods=["GET", "POST"])
def edit(code: str, adaptation_id: int) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.PLAN)
    return _edit(unit, adaptation_or_404(unit, adaptation_id))


@bp.get("/<int:adaptation_id>/delete")
def confirm_delete(code: str, adaptation_id: int) -> ResponseReturnValue:
    """Removing an adaptation asks first, and offers what is usually meant instead: recording the day it ended, so
    that the register and the reports keep its history."""
    unit = unit_or_404(current_user, code, Permission.PLAN)
    adaptation = adaptation_or_404(unit, adaptation_id)
    return render_template("adaptations/delete.html", unit=unit, adaptation=adaptation, delete_form=ActionForm())


@bp.post("/<int:adaptation_id>/delete")
def delete(code: str, adaptation_id: int) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.PLAN)
    adaptation = adaptation_or_404(unit, adaptation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    delete_adaptation(adaptation)
    db.session.commit()
    flash(_("Adaptation removed from the register."))
    return redirect(url_for(".index", code=unit.code))
