"""Dates and numbers as the pages and reports write them in English, for tests that look for them there."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date


def day(value: date) -> str:
    """A date as pages and reports show it in English: "Mar 11, 2026" (Babel's medium format)."""
    return format_date(value, "medium", locale="en")
