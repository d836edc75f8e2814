"""Codes that look like identity numbers or names are refused; pseudonymous codes pass. Pure functions."""

from __future__ import annotations

import pytest

from fidelity.monitoring.identity import (
    CHARACTERS,
    EMPTY,
    NAME,
    NORWEGIAN_D_NUMBER,
    NORWEGIAN_FODSELSNUMMER,
    NORWEGIAN_H_NUMBER,
    SWEDISH_PERSONNUMMER,
    SWEDISH_SAMORDNINGSNUMMER,
    TOO_LONG,
    code_problem,
    looks_like_identity_number,
)


@pytest.mark.parametrize(
    ("code", "explanation"),
    [
        # Swedish personnummer, with a right check digit and with a wrong one: both are personal data.
        ("811218-9876", SWEDISH_PERSONNUMMER),
        ("811218-9875", SWEDISH_PERSONNUMMER),
        ("8112189876", SWEDISH_PERSONNUMMER),
        ("19811218-9876", SWEDISH_PERSONNUMMER),
        ("198112189876", SWEDISH_PERSONNUMMER),
        ("121212+1212", SWEDISH_PERSONNUMMER),  # '+' for someone 100 or older
        ("811218 9876", SWEDISH_PERSONNUMMER),
        ("20000229-1234", SWEDISH_PERSONNUMMER),  # a leap day
        ("P-811218-9876", SWEDISH_PERSONNUMMER),  # inside a longer code
        # Samordningsnummer: the day plus 60.
        ("701063-2391", SWEDISH_SAMORDNINGSNUMMER),
        ("701063-2392", SWEDISH_SAMORDNINGSNUMMER),
        ("19701063-2391", SWEDISH_SAMORDNINGSNUMMER),
        # Norwegian fødselsnummer DDMMYY + five digits; D-number: day plus 40; H-number: month plus 40.
        ("15078510150", NORWEGIAN_FODSELSNUMMER),
        ("15078510151", NORWEGIAN_FODSELSNUMMER),
        ("150785 10150", NORWEGIAN_FODSELSNUMMER),
        ("55078510063", NORWEGIAN_D_NUMBER),
        ("15478510052", NORWEGIAN_H_NUMBER),
        # Other separators, and digits added before or after the number.
        ("850312_1234", SWEDISH_PERSONNUMMER),
        ("19850312_1234", SWEDISH_PERSONNUMMER),
        ("850312.1234", SWEDISH_PERSONNUMMER),
        ("850312/1234", SWEDISH_PERSONNUMMER),
        ("120385_12345", NORWEGIAN_FODSELSNUMMER),
        ("850312-1234-01", SWEDISH_PERSONNUMMER),
        ("99-850312-1234", SWEDISH_PERSONNUMMER),
        ("2026-850312-1234", SWEDISH_PERSONNUMMER),
        ("19850312-1234-1", SWEDISH_PERSONNUMMER),
        ("7-120385-12345", NORWEGIAN_FODSELSNUMMER),
        ("NRV-8503121234X", SWEDISH_PERSONNUMMER),
        # A Norwegian number born on the 5th, its leading zero dropped by a spreadsheet.
        ("5118012345", NORWEGIAN_FODSELSNUMMER),
        # Swedish numbers of people born in 2000 to 2009, their leading zero dropped the same way.
        ("503151234", SWEDISH_PERSONNUMMER),
        ("903751234", SWEDISH_SAMORDNINGSNUMMER),
    ],
)
def test_identity_numbers_are_recognised_whatever_the_check_digit(code: str, explanation: str) -> None:
    assert looks_like_identity_number(code) == explanation
    assert code_problem(code) == explanation


@pytest.mark.parametrize(
    "code",
    [
        "NRV-0042",
        "P123",
        "20261",
        "1234567890",  # ten digits, but month 34 is no month
        "NRV-8113329876",  # month 13 and day 32
        "0102291234",  # 29 February 2001 or 1901: no leap year either way (and no 1801 February 29 either)
        "810231-1234",  # 31 February
        "811292-1234",  # day 92 is past any coordination day
        "99999999999",  # eleven digits, no date
        "NRV-2024-0001",
        "NRV-2024-000123",  # ten digits in all, but no date where a number would start
        "NRV-1234567890",  # ten digits and a prefix: not read with a leading zero
        "123456789",  # nine digits: with a leading zero, month 23 is no month
        "NRV503151234",  # nine digits and a prefix: not read with a leading zero
        "journey_7",
    ],
)
def test_pseudonymous_codes_pass(code: str) -> None:
    assert looks_like_identity_number(code) is None
    assert code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("Anna Berg", NAME),
        ("anna\tberg", NAME),
        ("", EMPTY),
        ("   ", EMPTY),
        ("X" * 33, TOO_LONG),
        ("NRV/0042", CHARACTERS),
        ("NRV.42", CHARACTERS),
    ],
)
def test_names_and_malformed_codes_are_refused(code: str, problem: str) -> None:
    assert code_problem(code) == problem


def test_surrounding_spaces_are_not_part_of_the_code() -> None:
    assert code_problem("  NRV-0042 ") is None


def test_a_code_of_exactly_the_maximum_length_passes() -> None:
    assert code_problem("X" * 32) is None
