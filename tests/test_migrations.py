"""The migrations build exactly the models' schema, and go down and up again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from fidelity.extensions import db
from tests.conftest import make_app


def schema_differences() -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return list(compare_metadata(context, db.metadata))


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def add_unit(conn: Any) -> None:
    """Unit 1, in area 1 of organisation 1, as the tables stood at any revision since the first."""
    from sqlalchemy import text

    conn.execute(text("INSERT INTO organisations (id, code, name) VALUES (1, 'O', 'O')"))
    conn.execute(text("INSERT INTO areas (id, organisation_id, code, name) VALUES (1, 1, 'A', 'A')"))
    conn.execute(text("INSERT INTO units (id, area_id, code, name, host_type, offers_ips, offers_sed, target_group) "
                      "VALUES (1, 1, 'U', 'U', 'other', true, false, '')"))  # fmt: skip


def add_journey(conn: Any) -> None:
    """Journey 7 of unit 1, with job 3 and course 4, as the tables stood at any revision since the journeys'."""
    from sqlalchemy import text

    conn.execute(text("INSERT INTO journeys (id, unit_id, code, referral_date, goal, age_band, updated_at) "
                      "VALUES (7, 1, 'J-7', '2026-01-05', 'work', 'age_30_39', '2026-01-05')"))  # fmt: skip
    conn.execute(
        text("INSERT INTO job_spells (id, journey_id, start_date, competitive) VALUES (3, 7, '2026-02-02', true)")
    )
    conn.execute(text("INSERT INTO education_spells (id, journey_id, start_date) VALUES (4, 7, '2026-02-02')"))


def test_migrations_equal_the_models_and_go_down_and_up(tmp_path: Path, database_factory: Callable[[], str]) -> None:
    app: Flask = make_app(tmp_path, database_factory())
    with app.app_context():
        upgrade()
        assert schema_differences() == []
        assert tables() == set(db.metadata.tables)
        downgrade(revision="base")
        assert tables() == set()
        upgrade()
        assert schema_differences() == []
        db.engine.dispose()


def test_every_table_keyed_by_id_gives_no_id_twice_after_the_migrations_on_sqlite(tmp_path: Path) -> None:
    """A migration that rebuilds a SQLite table must keep its AUTOINCREMENT, which the schema comparison does not
    see: without it a deleted row's id is given again."""
    from sqlalchemy import text

    app: Flask = make_app(tmp_path, f"sqlite:///{tmp_path / 'ids.db'}")
    keyed = [name for name, table in db.metadata.tables.items() if [c.name for c in table.primary_key] == ["id"]]
    with app.app_context():
        upgrade()
        # Down to the migration that gave every table its AUTOINCREMENT, and up again: a downgrade that rebuilds a
        # table keeps it too.
        downgrade(revision="b3d8f2a1c4e7")
        upgrade()
        with db.engine.connect() as conn:
            made = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
        assert keyed and [name for name in keyed if "AUTOINCREMENT" not in made[name]] == []
        db.engine.dispose()


def test_reviews_that_count_get_their_totals_when_the_column_arrives(
    tmp_path: Path, database_factory: Callable[[], str]
) -> None:
    from sqlalchemy import text

    app: Flask = make_app(tmp_path, database_factory())
    with app.app_context():
        upgrade(revision="2382a8e9bde8")  # the revision before reviews kept their totals
        with db.engine.begin() as conn:
            add_unit(conn)
            conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, active, created_at) "
                              "VALUES (1, 'a@b.c', 'A', 'x', true, '2026-01-01')"))  # fmt: skip
            for review_id, kind, status in ((1, "self_assessment", "submitted"), (2, "external", "final"),
                                            (3, "self_assessment", "draft")):  # fmt: skip
                conn.execute(text(
                    "INSERT INTO reviews (id, unit_id, kind, scale_id, scale_version, review_date, status, "
                    "created_by_id, created_at, updated_at, revision, strengths) VALUES "
                    f"({review_id}, 1, '{kind}', 'ips-25', '1.0', '2026-01-01', '{status}', 1, '2026-01-01', "
                    "'2026-01-01', 1, '')"
                ))  # fmt: skip
            rating = (
                "INSERT INTO ratings (review_id, rater_id, item_key, score, evidence, sources, updated_at) "
                "VALUES (:review, 1, :key, :score, '', '[]', '2026-01-01')"
            )
            for review_id, score in ((1, 3), (1, 4), (3, 5)):
                conn.execute(text(rating), {"review": review_id, "key": f"K{score}", "score": score})
            conn.execute(text(
                "INSERT INTO consensus_scores (review_id, item_key, score, rationale, recommendation, correction_note, "
                "updated_at) VALUES (2, 'S1', 5, '', '', '', '2026-01-01')"
            ))  # fmt: skip
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, total, scored_items FROM reviews ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(1, 7, 2), (2, 5, 1), (3, None, None)]
        db.engine.dispose()


def _described(engine: object) -> dict[str, object]:
    """Every table as the database describes it: columns, foreign keys, unique constraints, indexes and checks (the
    name of the primary key aside: SQLite's AUTOINCREMENT key is a column's, and unnamed)."""
    inspector = inspect(engine)
    described: dict[str, object] = {}
    for table in sorted(set(inspector.get_table_names()) - {"alembic_version", "sqlite_sequence"}):
        columns = [
            (c["name"], str(c["type"]), c["nullable"], str(c.get("default"))) for c in inspector.get_columns(table)
        ]
        described[table] = (
            sorted(columns),
            inspector.get_pk_constraint(table)["constrained_columns"],
            sorted(
                (fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"], str(fk["options"]))
                for fk in inspector.get_foreign_keys(table)
            ),
            sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
            sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in inspector.get_indexes(table)),
            sorted((c["name"], " ".join(c["sqltext"].split())) for c in inspector.get_check_constraints(table)),
        )
    return described


def test_the_newest_rows_id_is_not_given_again_after_it_is_deleted(
    tmp_path: Path, database_factory: Callable[[], str]
) -> None:
    """A withdrawn review's number is not the next review's (SQLite gave it again until its tables AUTOINCREMENTed).
    The migration that makes them so keeps every table's columns, keys, indexes, checks and rows."""
    from sqlalchemy import text

    app: Flask = make_app(tmp_path, database_factory())
    with app.app_context():
        upgrade(revision="9e4f1a7b2c83")  # the revision before
        review = ("INSERT INTO reviews (unit_id, kind, scale_id, scale_version, review_date, status, created_at, "
                  "updated_at, revision, strengths, change_reason) VALUES (1, 'external', 'ips-25', '1.0', "
                  "'2026-01-01', 'draft', '2026-01-01', '2026-01-01', 1, '', '')")  # fmt: skip
        with db.engine.begin() as conn:
            add_unit(conn)
            first, second = (conn.execute(text(review + " RETURNING id")).scalar_one() for _ in range(2))
        before = _described(db.engine)
        upgrade(revision="b3d8f2a1c4e7")  # the migration itself, not those after it
        assert _described(db.engine) == before
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT id FROM reviews ORDER BY id")).scalars().all() == [first, second]
            conn.execute(text("DELETE FROM reviews WHERE id = :id"), {"id": second})
            third = conn.execute(text(review + " RETURNING id")).scalar_one()
        assert third > second
        db.engine.dispose()


def test_a_command_on_a_database_not_yet_upgraded_says_to_upgrade_it(
    tmp_path: Path, database_factory: Callable[[], str]
) -> None:
    """Not the database's error and a traceback: what is wrong and what to do."""
    from fidelity.cli import main

    app: Flask = make_app(tmp_path, database_factory())
    with app.app_context():
        upgrade(revision="123ff69da8c2")  # before users had a session generation
    result = app.test_cli_runner().invoke(main, ["users", "list"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("The database's schema is at revision 123ff69da8c2; this version of fidelity needs" in result.output
            and "run `fidelity db upgrade`" in result.output)  # fmt: skip
    # Commands that would have run on, doing part of their work or none, stop before they start.
    for command in (["units", "list"], ["purge", "--older-than", "24", "--dry-run"], ["units", "recount"]):
        stopped = app.test_cli_runner().invoke(main, command)
        assert stopped.exit_code == 1 and "run `fidelity db upgrade`" in stopped.output, (command, stopped.output)
    with app.app_context():
        upgrade()
    assert app.test_cli_runner().invoke(main, ["users", "list"]).exit_code == 0
    assert app.test_cli_runner().invoke(main, ["units", "list"]).exit_code == 0
    with app.app_context():
        db.engine.dispose()


def test_changes_to_jobs_written_before_get_their_journey(tmp_path: Path, database_factory: Callable[[], str]) -> None:
    """A change to a job or course that still exists gets its journey named; one whose row is gone, or that a purge
    cleared, stays as it was."""
    import json

    from sqlalchemy import text

    app: Flask = make_app(tmp_path, database_factory())
    with app.app_context():
        upgrade(revision="c5e1a9d3f7b2")  # the revision before entries about jobs named their journey
        with db.engine.begin() as conn:
            add_unit(conn)
            add_journey(conn)
            entries = [
                (1, "job_spells", "3", "update", {"end_date": [None, "2026-03-01"]}),
                (2, "job_spells", "9", "update", {"end_date": [None, "2026-03-01"]}),  # its row is gone
                (3, "education_spells", "4", "update", {"end_date": [None, "2026-04-01"]}),
                (4, "job_spells", "3", "create", {"journey_id": [None, 7], "start_date": [None, "2026-02-02"]}),
                (5, "job_spells", "3", "update", {"cleared_by_purge": [None, "2026-01-01"]}),
            ]
            for entry_id, entity, row, action, changes in entries:
                conn.execute(
                    text("INSERT INTO audit_log (id, at, actor_label, action, entity, entity_id, unit_id, changes) "
                         "VALUES (:id, '2026-03-02', 'x', :action, :entity, :row, 1, :changes)"),
                    {"id": entry_id, "action": action, "entity": entity, "row": row, "changes": json.dumps(changes)},
                )  # fmt: skip
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, changes FROM audit_log ORDER BY id")).all()
        changes = {entry_id: value if isinstance(value, dict) else json.loads(value) for entry_id, value in rows}
        assert changes == {
            1: {"journey_id": [7, 7], "end_date": [None, "2026-03-01"]},
            2: {"end_date": [None, "2026-03-01"]},
            3: {"journey_id": [7, 7], "end_date": [None, "2026-04-01"]},
            4: {"journey_id": [None, 7], "start_date": [None, "2026-02-02"]},
            5: {"cleared_by_purge": [None, "2026-01-01"]},
        }
        db.engine.dispose()


def test_entries_written_before_get_the_journey_they_are_about(
    tmp_path: Path, database_factory: Callable[[], str]
) -> None:
    """An entry about a journey by its id; one about a job or course by the journey it names, else by its row, else
    by another entry about the same job or course that names one; anything else, and what none of these tells, gets
    none. Going down drops the column and keeps the entries."""
    import json

    from sqlalchemy import text

    app: Flask = make_app(tmp_path, database_factory())
    with app.app_context():
        upgrade(revision="a4d9e6b2c8f1")  # the revision before entries had a journey of their own
        with db.engine.begin() as conn:
            add_unit(conn)
            add_journey(conn)
            # Journey 8 and its jobs and courses are gone (deleted by hand, or replaced by an import).
            entries = {
                1: ("journeys", "7", "update", {"exit_date": [None, "2026-03-01"]}, 7),
                2: ("journeys", "8", "delete", {"code": ["J-8", None]}, 8),
                3: ("journeys", "8", "erase", {"cleared": [None, 1]}, 8),
                4: ("journeys", "12", "import", {"added": [None, 3]}, None),  # unit 12's import: a code, not an id
                5: ("journeys", "", "purge", {"removed": [None, 1]}, None),
                6: ("job_spells", "9", "update", {"journey_id": [8, 8], "end_date": [None, "2026-03-01"]}, 8),
                7: ("job_spells", "3", "update", {"end_date": [None, "2026-03-01"]}, 7),  # by its row
                8: ("education_spells", "4", "update", {"end_date": [None, "2026-04-01"]}, 7),  # by its row
                9: ("job_spells", "11", "create", {"journey_id": [None, 8], "start_date": [None, "2026-02-02"]}, 8),
                10: ("job_spells", "11", "update", {"end_date": [None, "2026-03-01"]}, 8),  # by entry 9
                11: ("education_spells", "11", "update", {"end_date": [None, "2026-03-01"]}, None),  # not job 11
                12: ("job_spells", "14", "delete", {"journey_id": [8, None], "start_date": ["2026-02-02", None]}, 8),
                13: ("job_spells", "13", "update", {"cleared_by_purge": [None, "2026-01-01"]}, None),  # unknown
                14: ("units", "7", "update", {"name": ["U", "V"]}, None),
            }
            for entry_id, (entity, row, action, changes, _journey) in entries.items():
                conn.execute(
                    text("INSERT INTO audit_log (id, at, actor_label, action, entity, entity_id, unit_id, changes) "
                         "VALUES (:id, '2026-03-02', 'x', :action, :entity, :row, 1, :changes)"),
                    {"id": entry_id, "action": action, "entity": entity, "row": row, "changes": json.dumps(changes)},
                )  # fmt: skip
        upgrade(revision="acbbeee6e192")
        with db.engine.connect() as conn:
            given = dict(conn.execute(text("SELECT id, journey_id FROM audit_log ORDER BY id")).all())
        assert given == {entry_id: journey for entry_id, (*_entry, journey) in entries.items()}
        downgrade(revision="a4d9e6b2c8f1")
        assert "journey_id" not in {column["name"] for column in inspect(db.engine).get_columns("audit_log")}
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == len(entries)
        db.engine.dispose()


def test_going_down_past_a_version_of_the_outcome_definitions_sets_the_quarters_back_to_it(
    tmp_path: Path, database_factory: Callable[[], str]
) -> None:
    """The figures a version added are lost going down; the quarters then say they were counted under the version
    that had none, so that a locked quarter's page says so rather than showing version 3 with empty figures."""
    from sqlalchemy import text

    app: Flask = make_app(tmp_path, database_factory())
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            add_unit(conn)
            rows = ((2024, "1", True), (2025, "2", True), (2026, "3", False), (2027, "6", True), (2028, "7", False))
            for year, version, locked in rows:
                conn.execute(
                    text("INSERT INTO quarterly_outcomes (unit_id, year, quarter, definitions_version, served, "
                         "in_competitive_work, in_education, job_starts, education_starts, contact_window_closed, "
                         "contact_within_30, retention_window_closed, retained_90, waiting_at_end, locked, "
                         "computed_at) VALUES (1, :year, 1, :version, 5, 1, 0, 1, 0, 1, 1, 0, 0, 2, :locked, "
                         "'2026-01-01')"),
                    {"year": year, "version": version, "locked": locked},
                )  # fmt: skip

        def versions() -> list[str]:
            with db.engine.connect() as conn:
                return list(conn.scalars(text("SELECT definitions_version FROM quarterly_outcomes ORDER BY year")))

        downgrade(revision="5b7e1c3d9f20")  # before job endings and exits (version 7)
        assert versions() == ["1", "2", "3", "6", "6"]
        downgrade(revision="d7a3f9c1e5b8")  # before gave_up (version 3)
        assert versions() == ["1", "2", "2", "5", "5"]
        downgrade(revision="b3d8f2a1c4e7")  # before the referrals (version 2)
        assert versions() == ["1", "1", "1", "5", "5"]
        upgrade()
        assert versions() == ["1", "1", "1", "5", "5"]  # until the unlocked quarters are counted again
        db.engine.dispose()


def test_healthz_says_so_while_the_schema_is_behind_and_serves_a_newer_one(
    tmp_path: Path, database_factory: Callable[[], str]
) -> None:
    """A load balancer keeps a worker out while its database is not yet upgraded (its pages would fail), and keeps
    an old worker in while a newer version's upgrade has moved the schema on."""
    from sqlalchemy import text

    app: Flask = make_app(tmp_path, database_factory())
    client = app.test_client()
    with app.app_context():
        upgrade(revision="d7a3f9c1e5b8")
    behind = client.get("/healthz")
    assert behind.status_code == 503 and behind.json == {"status": "unavailable", "database": "ok", "schema": "behind"}
    with app.app_context():
        upgrade()
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed1234'"))  # a newer version's revision
    newer = client.get("/healthz")
    assert newer.status_code == 200 and newer.json == {"status": "ok", "database": "ok", "schema": "newer"}
    with app.app_context():
        db.engine.dispose()
