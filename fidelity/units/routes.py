from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from fidelity import SCALES_KEY
from fidelity.access import visible_units
from fidelity.extensions import db
from fidelity.units.queries import latest_scores

bp = Blueprint("units", __name__)


@bp.get("/")
def index() -> str:
    units = db.session.scalars(visible_units(current_user)).all()
    registry = current_app.extensions[SCALES_KEY]
    return render_template(
        "units/index.html", units=units, latest=latest_scores(units, registry), scales=registry.latest()
    )
