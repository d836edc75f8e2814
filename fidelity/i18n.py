"""Languages: which one a request is served in, and how dates and numbers are written in it.

The language is the logged-in user's choice, else the one chosen on the page header this session, else the best
match of the browser's Accept-Language among LANGUAGES, else English. Flask-Babel translates with the catalogues in
`fidelity/translations/`; the scale texts come from the scale files' translations (`fidelity.scale_registry()`).

Dates and numbers on pages and in reports are written the locale's way here, in one place: exports, form values
and machine-readable attributes keep ISO dates and plain numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.dates import get_datetime_format
from babel.numbers import get_decimal_symbol
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_decimal, format_time, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from sqlalchemy.exc import SQLAlchemyError

from fidelity.monitoring.outcomes import whole_percent

# Each language in its own name, as the language switch offers it.
LANGUAGE_NAMES = {"en": "English", "sv": "Svenska"}
# An anonymous visitor's choice, kept in the session until they log in.
SESSION_KEY = "locale"
# The language of the account that logged out last in this browser: the login page that follows keeps it, but the
# next login does not carry it into another account's session.
LOGGED_OUT_KEY = "logged_out_locale"
DASH = "–"


def languages() -> list[str]:
    languages: list[str] = current_app.config["LANGUAGES"]
    return languages


def select_locale() -> str:
    """The language of this request (Flask-Babel's locale selector); English outside a request."""
    default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    chosen = _account_choice() or session.get(SESSION_KEY)
    if chosen is None and not _logged_in():
        chosen = session.get(LOGGED_OUT_KEY)
    if chosen in languages():
        return str(chosen)
    return request.accept_languages.best_match(languages()) or default


def _logged_in() -> bool:
    try:
        return bool(current_user.is_authenticated)
    except SQLAlchemyError:
        return False


def _account_choice() -> str | None:
    """The logged-in user's language, if they chose one. Never fails: with the database unreachable the page
    saying so is shown in the browser's language."""
    try:
        if current_user.is_authenticated:
            return current_user.locale
    except SQLAlchemyError:
        return None
    return None


def current_language() -> str:
    """The language code of the current request or command ("en", "sv")."""
    locale = get_locale()
    return locale.language if locale is not None else str(current_app.config["BABEL_DEFAULT_LOCALE"])


# --- dates and numbers ----------------------------------------------------------------------------------------


def date_text(value: date | None) -> str:
    """A date as people read it: "Nov 22, 2026" in English, "22 nov. 2026" in Swedish. A time stamp's date is the
    day it was in the app's time zone, as `datetime_text` writes it (a time stamp without its zone is UTC)."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        value = _in_app_zone(value).date()
    return _date_text(value, str(get_locale()))


def _in_app_zone(value: datetime) -> datetime:
    """A stored time stamp in the app's time zone: stored in UTC, with or without its zone."""
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(get_timezone())


# Formatting is a pure function of the value and the language, and a page of hundreds of units asks for the same
# dates and means again and again: each is worked out once per worker.
@lru_cache(maxsize=1 << 14)
def _date_text(value: date, locale: str) -> str:
    return babel_dates.format_date(value, "medium", locale=locale)


def datetime_text(value: datetime | None) -> str:
    """A time stamp to the minute in the app's time zone (FIDELITY_TIMEZONE), with the zone's abbreviation: "Nov 23,
    2026, 9:54 AM CET". The date is written as `date_text` writes it. Time stamps are stored in UTC; one without its
    zone is UTC."""
    if value is None:
        return DASH
    moment = _in_app_zone(value)
    pattern = get_datetime_format("medium", locale=get_locale())
    shown = str(pattern).format(format_time(moment, "short"), format_date(moment, "medium"))
    return f"{shown} {moment.tzname()}"


def number_text(value: float | None, decimals: int = 1) -> str:
    """A number with exactly `decimals` decimals and the locale's decimal mark: 3.5 is "3,5" in Swedish. Rounded
    half up, as people round and as the charts do: a mean of 4.25 is 4.3."""
    return DASH if value is None else _number_text(value, decimals, str(get_locale()))


@lru_cache(maxsize=1 << 14)
def _number_text(value: float, decimals: int, locale: str) -> str:
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return babel_numbers.format_decimal(rounded, format="#,##0" + ("." + "0" * decimals if decimals else ""),
                                        locale=locale)  # fmt: skip


def amount_text(value: float | None, decimals: int = 1) -> str:
    """A median, a caseload, hours or full-time equivalents with at most `decimals` decimals: 2.5 is "2,5" in
    Swedish, 20.0 is "20". Rounded half up, as `number_text` rounds: a caseload of 16.25 is 16.3."""
    if value is None:
        return DASH
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, format="#,##0." + "#" * decimals)


def percent_text(share: float | None) -> str:
    """A share from 0 to 1 in whole percent, rounded half up: "45%" in English, "45 %" in Swedish."""
    return DASH if share is None else _percent_text(whole_percent(share), str(get_locale()))


@lru_cache(maxsize=1 << 12)
def _percent_text(percent: int, locale: str) -> str:
    return babel_numbers.format_percent(Decimal(percent) / 100, locale=locale)


def decimal_mark() -> str:
    """The language's decimal mark, for charts drawn outside Babel: "." in English, "," in Swedish."""
    return str(get_decimal_symbol(get_locale()))


def semicolon_csv() -> bool:
    """Whether the reader's CSV files take semicolons between values and decimal commas: where the language writes a
    decimal comma (Swedish), Excel opens a comma-separated file as one column, and saves 'CSV' with semicolons."""
    return has_request_context() and decimal_mark() == ","


def percent_sign() -> str:
    """What follows a number in percent, for charts: "%" in English, a non-breaking space and "%" in Swedish."""
    locale = get_locale()
    return str(locale.percent_formats[None].suffix[0]) if locale is not None else "%"


def quarter_text(year: int, number: int) -> str:
    """A calendar quarter as the language writes it, with no-break spaces: "2026 Q3" in English, "2026 kv. 3" in
    Swedish. Exports keep "2026 Q3" in every language."""
    # Never broken across two lines: a quarter is one thing.
    return _("%(year)d Q%(number)d", year=year, number=number).replace(" ", "\u00a0")


def _in_each_language(format_value: Callable[..., str]) -> Callable[..., str]:
    """A formatting filter that Jinja works out as the page is rendered, in the reader's language. A plain filter
    given a constant ("{{ 0.31|percent }}") is worked out once, when the template is compiled, in the language of
    whoever happened to open it first, and kept for everyone after."""

    @pass_context
    def formatted(_context: Any, *args: Any, **kwargs: Any) -> str:
        return format_value(*args, **kwargs)

    return formatted


def _quarter_of(quarter: Any) -> str:
    return quarter_text(quarter.year, quarter.number)


def half_year_text(label: str) -> str:
    """A half-year as the comparison labels it ("2026 H1", as the exports keep it) as the language writes it:
    "2026 H1" in English, "2026 halvår 1" in Swedish, with no-break spaces."""
    year, _space, half = label.partition(" H")
    return _("%(year)s H%(half)s", year=year, half=half).replace(" ", "\u00a0")


def init_app(app: Flask) -> None:
    """The formatting filters every template (and the PDF report) uses."""
    formats: dict[str, Callable[..., str]] = {
        "date": date_text,
        "datetime": datetime_text,
        "number": number_text,
        "amount": amount_text,
        "percent": percent_text,
        "quarter": _quarter_of,
        "half_year": half_year_text,
    }
    app.jinja_env.filters.update({name: _in_each_language(format_value) for name, format_value in formats.items()})
    app.jinja_env.globals.update(
        language_names=LANGUAGE_NAMES, current_language=current_language, quarter_text=quarter_text
    )
