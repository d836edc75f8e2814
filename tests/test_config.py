"""Settings: the order they are read in, the local secret key, and what production refuses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from fidelity import create_app
from fidelity.config import ConfigError, normalise_database_url
from fidelity.extensions import db
from fidelity.models import User


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FIDELITY_INSTANCE_PATH", str(tmp_path))
    return tmp_path


def test_production_refuses_to_start_without_a_secret_key(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIDELITY_ENV", "production")
    monkeypatch.setenv("FIDELITY_DATABASE_URL", "postgresql://db.internal/fidelity")
    with pytest.raises(ConfigError, match="needs FIDELITY_SECRET_KEY to be set") as caught:
        create_app()
    assert "FIDELITY_DATABASE_URL" not in str(caught.value)
    assert not (instance / "secret_key").exists()


def test_production_refuses_to_start_without_a_database_url(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIDELITY_ENV", "production")
    monkeypatch.setenv("FIDELITY_SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigError, match="needs FIDELITY_DATABASE_URL to be set"):
        create_app()


def test_production_names_both_when_both_are_missing(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIDELITY_ENV", "production")
    with pytest.raises(ConfigError, match="needs FIDELITY_SECRET_KEY and FIDELITY_DATABASE_URL"):
        create_app()


def test_production_starts_with_both(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIDELITY_ENV", "production")
    monkeypatch.setenv("FIDELITY_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("FIDELITY_DATABASE_URL", "postgresql://db.internal/fidelity")
    app = create_app()
    assert app.config["SECRET_KEY"] == "k" * 40
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.internal/fidelity"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_local_run_generates_a_secret_key_once_and_uses_sqlite_in_instance(instance: Path) -> None:
    first = create_app()
    key_file = instance / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert len(first.config["SECRET_KEY"]) == 64
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'fidelity.sqlite3'}"


def test_the_sqlite_file_is_made_readable_by_its_owner_alone(instance: Path) -> None:
    """It holds people's journeys; under the usual umask SQLite would make it readable by every account."""
    previous = os.umask(0o022)
    try:
        app = create_app()
        with app.app_context():
            db.session.execute(text("CREATE TABLE t (x INTEGER)"))
            db.session.commit()
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert oct((instance / "fidelity.sqlite3").stat().st_mode & 0o777) == "0o600"


def test_passwords_are_hashed_with_scrypt_unless_configured(instance: Path) -> None:
    app = create_app()
    user = User(email="a@example.org", display_name="A")
    user.set_password("long enough password", app.config["PASSWORD_HASH_METHOD"])
    assert user.password_hash.startswith("scrypt:") and "long enough password" not in user.password_hash
    assert user.check_password("long enough password") and not user.check_password("wrong")


def test_environment_overrides_instance_config(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (instance / "config.py").write_text("DATABASE_URL = 'sqlite:///from-instance.db'\nSECRET_KEY = 'from-instance'\n")
    assert create_app().config["DATABASE_URL"] == "sqlite:///from-instance.db"
    monkeypatch.setenv("FIDELITY_DATABASE_URL", "sqlite:///from-env.db")
    app = create_app()
    assert app.config["DATABASE_URL"] == "sqlite:///from-env.db"
    assert app.config["SECRET_KEY"] == "from-instance"


def test_times_are_shown_in_the_configured_time_zone(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert create_app().config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Stockholm"
    monkeypatch.setenv("FIDELITY_TIMEZONE", "Europe/Oslo")
    assert create_app().config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Oslo"
    monkeypatch.setenv("FIDELITY_TIMEZONE", "Europe/Stokholm")
    with pytest.raises(ConfigError, match="FIDELITY_TIMEZONE: 'Europe/Stokholm' is no time zone"):
        create_app()


def test_a_broken_scale_stops_the_app_naming_the_file(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = instance / "scales"
    folder.mkdir()
    (folder / "principles.yaml").write_text("kind: principles\nid: p\n")
    monkeypatch.setenv("FIDELITY_SCALES_DIR", str(folder))
    with pytest.raises(ValueError, match=r"principles\.yaml: principles: missing"):
        create_app()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_use_psycopg_3(url: str, expected: str) -> None:
    assert normalise_database_url(url) == expected
