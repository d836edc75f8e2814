"""A journey deleted, or given another code, is not brought back by an import of a file made before: its old code is
kept as a digest (never the code), and a new journey with it is refused at its line, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from fidelity.audit import acting_as
from fidelity.cli import main
from fidelity.console import CLI_ACTOR
from fidelity.models import GoneCode, Journey, Unit
from fidelity.monitoring.gone import code_digest
from fidelity.monitoring.imports import ImportRefused, import_journeys
from fidelity.monitoring.journey_operations import JOURNEY_FIELDS, delete_journey, save_journey
from tests import factories
from tests.journey_data import TODAY, csv_file, journey


@pytest.fixture(autouse=True)
def in_app(app: Flask) -> Iterator[None]:
    """A deletion keeps a digest of the code keyed with the app's secret key: these tests call it outside a request."""
    with app.app_context():
        yield


GONE_MESSAGE = (
    "{code}: the unit's journey with this code was deleted, or given another code, on {day}; an import does not "
    "bring it back. Take the line out of the file, or add the journey again by hand."
)


def codes_of(session: Any, unit: Unit | int) -> list[str]:
    session.expire_all()
    unit_id = unit if isinstance(unit, int) else unit.id
    return sorted(session.scalars(select(Journey.code).where(Journey.unit_id == unit_id)))


def imported(unit: Unit, *codes: str) -> Any:
    with acting_as(CLI_ACTOR):
        return import_journeys(unit, csv_file([journey(code=code) for code in codes]), "old-export.csv", TODAY)


def record_of(found: Journey) -> dict[str, Any]:
    return {field: getattr(found, field) for field in JOURNEY_FIELDS}


def test_an_older_file_does_not_bring_back_a_deleted_journey_and_nothing_is_written(session: Any) -> None:
    unit = factories.unit()
    imported(unit, "NRV-0001", "Nrv-typo-2", "NRV-0003")
    session.commit()
    typo = session.scalars(select(Journey).where(Journey.code == "Nrv-typo-2")).one()
    with acting_as(CLI_ACTOR):
        delete_journey(typo)
    session.commit()
    today = factories.app_today().isoformat()

    with pytest.raises(ImportRefused) as refused:  # the same file again, the code in other capitals, and a new one
        imported(unit, "NRV-0001", "NRV-TYPO-2", "NRV-0003", "NRV-0004")
    assert [(p.line, p.message, p.column) for p in refused.value.problems] == [
        (3, GONE_MESSAGE.format(code="NRV-TYPO-2", day=today), "code")
    ]
    assert codes_of(session, unit) == ["NRV-0001", "NRV-0003"]
    # Without its line, the file goes in; another unit, whose journeys never had the code, takes it.
    assert imported(unit, "NRV-0001", "NRV-0003", "NRV-0004").added == 1
    assert imported(factories.unit(), "Nrv-typo-2").added == 1


def test_what_is_kept_is_a_keyed_digest_of_the_code_never_the_code(session: Any, app: Any) -> None:
    unit = factories.unit()
    imported(unit, "Nrv-typo-2")
    with acting_as(CLI_ACTOR):
        delete_journey(session.scalars(select(Journey).where(Journey.unit_id == unit.id)).one(), erase=True)
    session.commit()
    kept = session.scalars(select(GoneCode).where(GoneCode.unit_id == unit.id)).one()
    assert kept.digest == code_digest(unit.id, "NRV-TYPO-2") == code_digest(unit.id, "nrv-typo-2")
    assert kept.gone_on == factories.app_today()
    # Not a plain hash of the code, which anyone could compute by trying codes in series; nor the same in two units.
    assert kept.digest not in {hashlib.sha256(code.encode()).hexdigest() for code in ("NRV-TYPO-2", "Nrv-typo-2")}
    assert code_digest(unit.id + 1, "NRV-TYPO-2") != kept.digest
    # With another secret key, the same code gives another digest.
    app.config["SECRET_KEY"], secret = "another secret", app.config["SECRET_KEY"]
    try:
        assert code_digest(unit.id, "NRV-TYPO-2") != kept.digest
    finally:
        app.config["SECRET_KEY"] = secret


def test_a_code_the_rules_refuse_leaves_nothing_behind(session: Any) -> None:
    """A journey saved before the rules refused its code (a name), renamed or deleted: no import can bring the code
    back, and nothing of it is kept."""
    unit = factories.unit()
    named = factories.journey(unit, date(2026, 1, 5), code="Kalle")  # as an earlier version let it be saved
    other = factories.journey(unit, date(2026, 1, 5), code="Maja_K")
    session.commit()
    with acting_as(CLI_ACTOR):
        save_journey(unit, record_of(named) | {"code": "NRV-0101"}, named)
        delete_journey(other)
    session.commit()
    assert session.scalar(select(func.count()).select_from(GoneCode).where(GoneCode.unit_id == unit.id)) == 0


def test_the_purge_deletes_the_codes_that_went_before_its_cut_off(session: Any, runner: FlaskCliRunner) -> None:
    unit = factories.unit()
    imported(unit, "NRV-0001", "NRV-0002")
    session.commit()
    with acting_as(CLI_ACTOR):
        for found in session.scalars(select(Journey).where(Journey.unit_id == unit.id)).all():
            delete_journey(found)
    session.commit()
    old = session.scalars(select(GoneCode).where(GoneCode.unit_id == unit.id)).first()
    assert old is not None
    old.gone_on = factories.app_today() - timedelta(days=800)  # gone more than 24 months ago
    session.commit()
    result = runner.invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    assert f"{unit.code}: 0 removed" in result.output and "digests of codes gone before the cut-off deleted: 1" in (
        result.output
    )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(GoneCode).where(GoneCode.unit_id == unit.id)) == 1


def test_a_journey_given_another_code_is_not_added_again_under_its_old_one(session: Any) -> None:
    unit = factories.unit()
    imported(unit, "NRV-0001", "NRV-0002")
    session.commit()
    found = session.scalars(select(Journey).where(Journey.code == "NRV-0002")).one()
    with acting_as(CLI_ACTOR):
        save_journey(unit, record_of(found) | {"code": "NRV-0002b"}, found)
        save_journey(unit, record_of(found) | {"code": "NRV-0002B"}, found)  # other capitals: the same code
    session.commit()
    assert session.scalar(select(func.count()).select_from(GoneCode).where(GoneCode.unit_id == unit.id)) == 1

    with pytest.raises(ImportRefused) as refused:
        imported(unit, "NRV-0001", "NRV-0002")
    assert [p.line for p in refused.value.problems] == [3]
    # The journey under its new code is replaced as any other.
    summary = imported(unit, "NRV-0001", "NRV-0002B")
    assert (summary.added, summary.replaced) == (0, 2)


def test_a_journey_added_again_by_hand_is_replaced_by_the_file_as_any_other(session: Any) -> None:
    unit = factories.unit()
    imported(unit, "NRV-0001")
    session.commit()
    first = session.scalars(select(Journey).where(Journey.unit_id == unit.id)).one()
    record = record_of(first)
    with acting_as(CLI_ACTOR):
        delete_journey(first)
        save_journey(unit, record)  # the form does not refuse a code that went: adding it by hand is meant
    session.commit()
    summary = imported(unit, "NRV-0001")
    assert (summary.added, summary.replaced) == (0, 1)
    assert codes_of(session, unit) == ["NRV-0001"]


def test_the_command_names_the_line_and_exits_2(runner: FlaskCliRunner, session: Any, tmp_path: Path) -> None:
    unit = factories.unit()
    imported(unit, "NRV-0001")
    session.commit()
    with acting_as(CLI_ACTOR):
        delete_journey(session.scalars(select(Journey).where(Journey.unit_id == unit.id)).one())
    session.commit()
    path = tmp_path / "old.csv"
    path.write_bytes(csv_file([journey(code="NRV-0001")]))
    unit_id, unit_code = unit.id, unit.code
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit_code])
    assert result.exit_code == 2
    today = factories.app_today().isoformat()
    assert result.stderr.splitlines() == [
        f"{path}:2: " + GONE_MESSAGE.format(code="NRV-0001", day=today) + " (journey NRV-0001)"
    ]
    assert codes_of(session, unit_id) == []
