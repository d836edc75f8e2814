"""fidelity: assess and monitor how faithfully units deliver IPS and Supported Education."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from fidelity import config as settings
from fidelity.config import PROJECT_ROOT

if TYPE_CHECKING:
    from fidelity.scales import ScaleRegistry

SCALES_KEY = "fidelity.scales"


def scale_registry() -> ScaleRegistry:
    """The scales loaded at start-up, for the app handling the current request or command, with their texts in its
    language (the user's, or the one a command forces): the one way pages and reports reach scale texts. A scale
    without a translation into that language stays as written."""
    from fidelity.i18n import current_language

    registry: ScaleRegistry = current_app.extensions[SCALES_KEY]
    return registry.text(current_language())


def scale_name(scale_id: str) -> str:
    """What tables call a scale, in the current language ("IPS-25"); the id of a scale no longer loaded."""
    try:
        return scale_registry().get(scale_id).name
    except KeyError:
        return scale_id


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings in a fixed order, then extensions, scales, access rules and blueprints."""
    app = Flask(
        __name__,
        instance_path=settings.instance_path_from_env(),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    register_config(app, test_config)
    register_extensions(app)
    register_scales(app)
    register_access(app)
    register_blueprints(app)
    return app


def register_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("FIDELITY")
    if test_config:
        app.config.from_mapping(test_config)
    settings.finalise(app.config, app.instance_path)


def register_extensions(app: Flask) -> None:
    from fidelity import audit, i18n, models, security  # noqa: F401 - models must be imported before migrations look at them
    from fidelity.extensions import babel, csrf, db, login_manager, migrate, sqlite_real_transactions
    from fidelity.reviews import newest  # noqa: F401 - keeps each unit's newest reviews as reviews are written

    db.init_app(app)
    with app.app_context():
        sqlite_real_transactions(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)


def register_scales(app: Flask) -> None:
    """Load every scale once, at start-up; a broken file stops the app with a message naming it."""
    from fidelity.monitoring.outcomes import FEW_SERVED, few_served, judged, one_person_points
    from fidelity.scales import load_registry

    app.extensions[SCALES_KEY] = load_registry(Path(app.config["SCALES_DIR"]))
    app.jinja_env.globals["scale_name"] = scale_name
    # The rule for rates among few people served, for every page and report that shows a rate (and the macros they
    # import without their context).
    app.jinja_env.globals.update(few_limit=FEW_SERVED, judged=judged, one_person_points=one_person_points)
    app.jinja_env.tests["few_served"] = few_served


def register_access(app: Flask) -> None:
    from fidelity import access

    access.init_app(app)


def register_blueprints(app: Flask) -> None:
    from fidelity import errors, health
    from fidelity.account.routes import bp as account_bp
    from fidelity.actions.routes import bp as actions_bp
    from fidelity.adaptations.routes import bp as adaptations_bp
    from fidelity.admin.routes import bp as admin_bp
    from fidelity.api.routes import bp as api_bp
    from fidelity.auth.routes import bp as auth_bp
    from fidelity.comparison.routes import bp as comparison_bp
    from fidelity.external.routes import bp as external_bp
    from fidelity.monitoring.import_routes import bp as journeys_bp
    from fidelity.monitoring.outcome_routes import bp as outcomes_bp
    from fidelity.monitoring.routes import bp as monitoring_bp
    from fidelity.reports.area_routes import bp as area_reports_bp
    from fidelity.reports.routes import bp as reports_bp
    from fidelity.reviews.routes import bp as reviews_bp
    from fidelity.units.routes import bp as units_bp

    for blueprint in (
        auth_bp,
        units_bp,
        reviews_bp,
        external_bp,
        actions_bp,
        adaptations_bp,
        monitoring_bp,
        journeys_bp,
        outcomes_bp,
        reports_bp,
        area_reports_bp,
        comparison_bp,
        admin_bp,
        account_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    health.init_app(app)
    errors.init_app(app)
