"""Configuration: defaults, then instance/config.py, then FIDELITY_* environment variables.

The order is fixed so that a deployment can always override what a developer left in the instance folder.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SCALES_DIR": str(PROJECT_ROOT / "scales"),
    # Statements' parameters (people's codes and dates) are left out of errors' messages and so out of logs.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "WTF_CSRF_ENABLED": True,
    # A form's token lasts as long as the session it belongs to (itself at most 12 hours, and ended by an hour
    # without a request), not Flask-WTF's one hour: a self-assessment open in one tab for longer, while the user works
    # in another, would otherwise be refused and what was typed lost.
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # A session ends after SESSION_IDLE_MINUTES without a request, and at the latest after 12 hours.
    "PERMANENT_SESSION_LIFETIME": 12 * 60 * 60,
    "SESSION_IDLE_MINUTES": 60,
    # The cookie is sent again only when the session changes, so a background request cannot undo a login, a logout
    # or a flash message made by the request before it.
    "SESSION_REFRESH_EACH_REQUEST": False,
    # Failed logins per e-mail address within LOGIN_THROTTLE_MINUTES before further attempts are refused.
    "LOGIN_THROTTLE_ATTEMPTS": 5,
    "LOGIN_THROTTLE_MINUTES": 15,
    # Failed logins from one network address, whatever e-mail addresses they try, within LOGIN_THROTTLE_MINUTES before
    # further attempts from it are refused: guessing one common password against many accounts is paused too. High
    # enough for an office whose staff share one address.
    "LOGIN_THROTTLE_SOURCE_ATTEMPTS": 50,
    # werkzeug's scrypt; the test suite sets a cheap method so that hundreds of test users cost nothing.
    "PASSWORD_HASH_METHOD": "scrypt",
    # An area's PDF is produced in a thread of the worker that was asked; the suite turns this off to run it inline.
    "REPORT_JOBS_IN_BACKGROUND": True,
    # The largest upload taken, in bytes (a journey file of 100,000 rows is about 15 MB as CSV).
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    # Plain HTTP is redirected to HTTPS; None: in production only. Behind a proxy that ends TLS, set PROXY_COUNT so
    # the app believes the proxy's X-Forwarded-* headers (and so knows the request came in over HTTPS).
    "FORCE_HTTPS": None,
    "PROXY_COUNT": 0,
    "HSTS_SECONDS": 365 * 24 * 60 * 60,
    "BABEL_DEFAULT_LOCALE": "en",
    # The time zone pages, reports and the audit trail show times in (stored in UTC).
    "TIMEZONE": "Europe/Stockholm",
    # The compiled catalogues (messages.mo) are committed, so an installed app needs no build step.
    "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "fidelity" / "translations"),
    # The languages a user can choose; every one but English needs a catalogue and scale translation files.
    "LANGUAGES": ["en", "sv"],
}

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
SQLITE_FILE = "fidelity.sqlite3"


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says which setting to fix."""


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg 3, the driver the project installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_path_from_env() -> str | None:
    """The instance folder named by FIDELITY_INSTANCE_PATH, made absolute, if set."""
    value = os.environ.get("FIDELITY_INSTANCE_PATH")
    return str(Path(value).resolve()) if value else None


def finalise(config: dict[str, Any], instance_path: str) -> None:
    """Check production settings and derive what the extensions read.

    Raises ConfigError naming every missing production setting.
    """
    production = config.get("ENV") == "production"
    if production:
        missing = [f"FIDELITY_{key}" for key in ("SECRET_KEY", "DATABASE_URL") if not config.get(key)]
        if missing:
            raise ConfigError(
                "FIDELITY_ENV=production needs " + " and ".join(missing) + " to be set; refusing to start."
            )
    else:
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _local_secret_key(Path(instance_path))
        if not config.get("DATABASE_URL"):
            config["DATABASE_URL"] = "sqlite:///" + str(Path(instance_path) / SQLITE_FILE)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(str(config["DATABASE_URL"]))
    _check_database_kind(config["SQLALCHEMY_DATABASE_URI"])
    try:
        ZoneInfo(str(config["TIMEZONE"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"FIDELITY_TIMEZONE: {config['TIMEZONE']!r} is no time zone (such as Europe/Stockholm)."
        ) from None
    config["BABEL_DEFAULT_TIMEZONE"] = str(config["TIMEZONE"])
    config["SESSION_COOKIE_SECURE"] = production
    config["REMEMBER_COOKIE_SECURE"] = production
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    if config.get("FORCE_HTTPS") is None:
        config["FORCE_HTTPS"] = production


def _check_database_kind(url: str) -> None:
    """fidelity runs on SQLite and PostgreSQL only: another database's URL is refused by name, before its driver is
    looked for. A URL that cannot be read is left to SQLAlchemy, whose message says so."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        return
    if backend not in {"sqlite", "postgresql"}:
        raise ConfigError(f"FIDELITY_DATABASE_URL names a {backend} database; fidelity runs on SQLite or PostgreSQL.")


def _local_secret_key(instance: Path) -> str:
    """Read the instance's secret key, generating it on the first local run."""
    path = instance / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
