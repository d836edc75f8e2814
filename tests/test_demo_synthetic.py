"""`fidelity demo --synthetic`: a large random organisation written in bulk, readable by the app like any other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from fidelity.cli import main
from fidelity.extensions import db
from fidelity.models import Journey, QuarterlyOutcome, Rating, Review, Unit
from fidelity.monitoring.exports import export_csv
from fidelity.monitoring.journey_files import read_cells
from fidelity.monitoring.validation import check_journeys
from tests.conftest import make_app
from tests.factories import app_today
from tests.test_web import login


def assert_every_unit_passes_the_import_checks() -> None:
    """Each unit's journeys, exported, pass the checks of an import as they stand today: demo data a manager opens
    in the journey form can be saved as it is."""
    for unit in db.session.scalars(select(Unit)):
        check_journeys(read_cells(export_csv(unit), f"{unit.code}.csv"), app_today())


def test_a_synthetic_organisation_is_whole_and_readable(tmp_path: Path, database_factory: Callable[[], str]) -> None:
    app = make_app(tmp_path / "instance", database_factory())
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(
        main, ["demo", "--synthetic", "--no-serve", "--units", "3", "--years", "2", "--journeys", "400"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert (count(Unit), count(Review), count(Journey)) == (3, 3 * 2 * 2, 400)  # half-yearly reviews
        assert count(Rating) == count(Review) * 25 and count(QuarterlyOutcome) > 0
        # Missing values are NULL, never the text 'nan', and every stored choice reads back as its enum.
        for column in ("decision", "exit_reason", "goal", "age_band", "not_accepted_reason"):
            stored = db.session.scalar(text(f"SELECT count(*) FROM journeys WHERE {column} = 'nan'"))
            assert stored == 0, column
        assert len(db.session.scalars(select(Journey)).all()) == 400
        assert_every_unit_passes_the_import_checks()
        # Rows added afterwards, one by one, take ids after the synthetic ones.
        unit = db.session.scalars(select(Unit)).first()
        assert unit is not None
        later = Journey(unit_id=unit.id, code="LATER-1", referral_date=date(2026, 1, 5))
        db.session.add(later)
        db.session.flush()
        assert later.id > (db.session.scalar(select(func.max(Journey.id)).where(Journey.id != later.id)) or 0)
        db.session.rollback()
        db.session.remove()  # give the connection back first: dispose() closes only the connections in the pool
        db.engine.dispose()
    client = app.test_client()
    assert login(client, "admin@synthetic.example.org", "fidelity-demo").status_code == 302
    assert client.get("/comparison").status_code == 200
    with app.app_context():
        db.engine.dispose()
