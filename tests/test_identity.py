"""Codes that look like identity numbers or names are refused; pseudonymous codes pass. Pure functions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fidelity.monitoring.given_names import GIVEN_NAMES, GREN_STEMS, SURNAMES
from fidelity.monitoring.identity import (
    BIRTH_DATE,
    CHARACTERS,
    EMPTY,
    LEADING_HYPHEN,
    NAME,
    NAME_ALONE,
    NAME_RUN_TOGETHER,
    NAME_SURNAME,
    NAME_WORDS,
    NORWEGIAN_D_NUMBER,
    NORWEGIAN_FODSELSNUMMER,
    NORWEGIAN_H_NUMBER,
    PHONE_NUMBER,
    RUN_TOGETHER_LETTERS,
    SWEDISH_PERSONNUMMER,
    SWEDISH_SAMORDNINGSNUMMER,
    TOO_LONG,
    code_problem,
    identity_number_in_text,
    looks_like_birth_date,
    looks_like_identity_number,
)
from fidelity.monitoring.validation import suspect_codes

# The year the codes are checked in: a date of birth is of someone 15 to 100 years old then, 15 to 80 for six digits
# (YYMMDD, DDMMYY), whose century is a guess (Nrv-261124-1 is this year's 24 November, not 1926's).
YEAR = 2026


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
        # A letter in place of the separator, and digits that are not plain ones (superscript, full-width).
        ("800101A1239", SWEDISH_PERSONNUMMER),
        ("800101x1239", SWEDISH_PERSONNUMMER),
        ("P800101T1239", SWEDISH_PERSONNUMMER),
        # Two letters, with or without separators around them.
        ("811218AB9876", SWEDISH_PERSONNUMMER),
        ("811218XX9876", SWEDISH_PERSONNUMMER),
        ("811218-X-9876", SWEDISH_PERSONNUMMER),
        ("811218_A_9876", SWEDISH_PERSONNUMMER),
        ("150785-NO-10150", NORWEGIAN_FODSELSNUMMER),
        ("¹⁹⁸⁰⁰¹⁰¹¹²³⁹", SWEDISH_PERSONNUMMER),
        ("８００１０１－１２３９", SWEDISH_PERSONNUMMER),
        # A Norwegian number born on the 5th, its leading zero dropped by a spreadsheet.
        ("5118012345", NORWEGIAN_FODSELSNUMMER),
        # Swedish numbers of people born in 2000 to 2009, their leading zero dropped the same way.
        ("503151234", SWEDISH_PERSONNUMMER),
        ("903751234", SWEDISH_SAMORDNINGSNUMMER),
    ],
)
def test_identity_numbers_are_recognised_whatever_the_check_digit(code: str, explanation: str) -> None:
    assert looks_like_identity_number(code) == explanation
    assert code_problem(code, YEAR) == explanation


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
        "NRV-000123",  # six digits after a prefix: a running number, not a date of birth
        "2024-0115-3",  # a referral's date and a running number: nobody born in 2024 is served
        "20240115",
        "AB12CD34EF56",  # single letters between digits, but no date or number in them
        "123456",  # six digits, month 34
        "0712345",  # a phone number's start, too short to be one
        "Norrvik-07",
        "NRV-ABC",
        # Words with capitals that are no given name: a unit's own abbreviations and places.
        "Ips-Lund",
        "Nrv-Ost-01",
        "IpsGbg-01",
        "ReHab-Gbg",
    ],
)
def test_pseudonymous_codes_pass(code: str) -> None:
    assert looks_like_identity_number(code) is None
    assert code_problem(code, YEAR) is None


@pytest.mark.parametrize(
    "code",
    [
        "19800101",
        "1980-01-01",  # as a spreadsheet's date cell is read
        "1980.01.01",
        "NRV-19800101",
        "AS19800101",
        "800101",  # YYMMDD, as Swedes write a date of birth
        "80-01-01",
        "010180",  # DDMMYY, as Norwegians do
        "000123",  # 23 January 2000: someone 26 years old; a running number needs a prefix
        "19260101",  # a hundred years old
        "20110101",  # fifteen
        "１９８００１０１",
        # Day first, as Swedes and Norwegians also write one.
        "18121981",
        "18-12-1981",
        # Six digits inside a longer code: initials or a name with a date of birth, a number cut short.
        "AS811218",
        "800101X",
        "Anna-811218",
        "KF150785",  # DDMMYY
        "LB181281",
        "811218-987",
        "NRV-010101",  # 1 January 2001: a running number that is a date of birth too
    ],
)
def test_a_date_of_birth_is_refused(code: str) -> None:
    assert looks_like_birth_date(code, YEAR)
    assert code_problem(code, YEAR) == BIRTH_DATE


@pytest.mark.parametrize(
    "code",
    [
        "Nrv-461124-1",  # 24 November 1946: someone 80 years old (six digits)
        "461124",
        "AS800101",
        "19260101",  # a hundred years old: eight digits say the century, so up to 100 years
        "01011926",
    ],
)
def test_a_date_of_birth_of_someone_up_to_80_is_refused_in_six_digits_and_up_to_100_in_eight(code: str) -> None:
    assert looks_like_birth_date(code, YEAR)
    assert code_problem(code, YEAR) == BIRTH_DATE


def test_a_referral_date_in_six_digits_with_a_day_up_to_11_still_reads_as_a_date_of_birth() -> None:
    """Read day first, 26-01-05 is 26 January 2005, someone of 21: the six digits cannot say which they are. With
    the year in full, the same referral's date passes."""
    assert code_problem("Nrv-260105-1", YEAR) == BIRTH_DATE
    assert code_problem("Nrv-20260105-1", YEAR) is None


@pytest.mark.parametrize(
    "code",
    [
        "Nrv-261124-1",  # a referral on 24 November 2026 (YYMMDD), not a birth on 24 November 1926
        "NRV-241126-1",  # the same day written DDMMYY
        "Nrv-251124-1",
        "261124",
        "Nrv-451124-1",  # 1945: over 80 years ago, and the century of six digits is a guess
    ],
)
def test_six_digits_of_a_date_over_80_years_ago_pass(code: str) -> None:
    """Six digits do not say their century: people served are of working or study age, so a date over 80 years ago in
    six digits is read as a recent one (a referral's), not someone's birth."""
    assert not looks_like_birth_date(code, YEAR)
    assert code_problem(code, YEAR) is None


@pytest.mark.parametrize(
    "code", ["19250101", "20120101", "AS800132", "2011-02-29", "NRV-000123", "NRV-001231", "P123456", "01011925"]
)
def test_dates_that_are_no_one_s_birth_or_not_a_code_alone_pass(code: str) -> None:
    """Over a hundred or under fifteen years ago; six digits beginning with 00 after a prefix (a running number
    padded with zeros); no such day."""
    assert not looks_like_birth_date(code, YEAR)
    assert code_problem(code, YEAR) is None


@pytest.mark.parametrize(
    "code",
    [
        "Kalle", "KALLE", "kalle", "kalle2", "Maja_K", "Lisa-K", "Ahmed-1", "K_Eva_01", "Anna", "Åsa-3",
        "ＫＡＬＬＥ", "A-B-Ahmed-12", "MajaK", "kalleB", "majaK", "AnnaK-2",
    ],
)  # fmt: skip
def test_a_given_name_alone_or_with_only_digits_or_initials_is_refused(code: str) -> None:
    """A busy specialist codes a person by their given name, with a number or an initial to tell two apart."""
    assert code_problem(code, YEAR) == NAME_ALONE


def test_each_message_about_a_name_ends_as_a_sentence() -> None:
    """A message about what a code must not hold says what, as the one about a date of birth does."""
    for message in (BIRTH_DATE, NAME_WORDS, NAME_ALONE, NAME_SURNAME, NAME_RUN_TOGETHER):
        assert message.endswith(": a code must not hold one"), message


@pytest.mark.parametrize(
    "code",
    [
        "JAN-0001", "MAJ26-03", "maj-2", "Jan_1",  # months' names: a unit may code by the month of referral
        "NRV-0001", "Ips-Lund-3", "GUSTAVSBERG-1", "Kallebo-2", "Ahmedi-3", "Ips-3",
    ],
)  # fmt: skip
def test_a_word_that_is_no_given_name_or_a_month_alone_passes(code: str) -> None:
    assert code_problem(code, YEAR) is None


def test_a_month_s_name_beside_another_word_is_still_a_name() -> None:
    assert code_problem("Jan_Svensson", YEAR) == NAME_WORDS
    assert code_problem("MAJ-BERG-2", YEAR) == NAME_WORDS


def test_a_capital_after_a_small_letter_begins_a_word() -> None:
    """KalleAB is Kalle and AB (two initials), NRVKalle NRV and Kalle, IPSLund IPS and Lund: a name beside another
    word, or none."""
    assert code_problem("KalleAB", YEAR) == NAME_WORDS
    assert code_problem("NRVKalle", YEAR) == NAME_WORDS
    assert code_problem("IPSLund-3", YEAR) is None


@pytest.mark.parametrize("code", ["0739876543", "073-987 65 43", "076-555 12 34", "+46739876543", "0046 76 123 45 67"])
def test_a_mobile_number_is_refused(code: str) -> None:
    assert code_problem(code, YEAR) == PHONE_NUMBER


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("Anna Berg", NAME),
        ("anna\tberg", NAME),
        # Words written as names, joined as a code allows.
        ("Anna_Svensson", NAME_WORDS),
        ("Åsa-Öberg", NAME_WORDS),
        ("Björn_Lindqvist_81", NAME_WORDS),
        ("NRV_Karl_Berg", NAME_WORDS),
        ("AnnaBerg", NAME_WORDS),
        ("ANNA_SVENSSON", NAME_WORDS),  # in any capitals
        ("anna_berg", NAME_WORDS),
        ("NRV_Karl", NAME_WORDS),  # a given name beside the unit's prefix
        ("Svensson-Anna", NAME_WORDS),
        # A given name and a surname run together, in one case: the surname told by its ending.
        ("ANNASVENSSON", NAME_RUN_TOGETHER),
        ("annasvensson", NAME_RUN_TOGETHER),
        ("NRV_LISALINDBERG_2", NAME_RUN_TOGETHER),
        ("SVENSSONANNA", NAME_RUN_TOGETHER),
        ("", EMPTY),
        ("   ", EMPTY),
        ("X" * 33, TOO_LONG),
        ("NRV/0042", CHARACTERS),
        ("NRV.42", CHARACTERS),
        ("-A1", LEADING_HYPHEN),  # a spreadsheet would take it for a formula
        ("-1-1", LEADING_HYPHEN),
    ],
)
def test_names_and_malformed_codes_are_refused(code: str, problem: str) -> None:
    assert code_problem(code, YEAR) == problem


def test_surrounding_spaces_are_not_part_of_the_code() -> None:
    assert code_problem("  NRV-0042 ", YEAR) is None


def test_a_code_of_exactly_the_maximum_length_passes() -> None:
    assert code_problem("X" * 32, YEAR) is None


@pytest.mark.parametrize(
    "code",
    [
        "STOCKHOLM-1", "NORRVIKSTAD", "EMPLOYMENT", "MALMBERG-3", "IPSLUNDEN",
        # Places named after someone: no surname's stem after the given name.
        "Gustavsberg-12", "GUSTAVSBERG-12", "Olofström-3", "OLOFSTRÖM-3", "Eriksberg-7", "Sofielund-4", "KARLBERG-5",
        "Johanneberg-2", "JOHANNEBERG-2",
    ],
)  # fmt: skip
def test_a_long_word_that_is_no_name_and_surname_passes(code: str) -> None:
    assert code_problem(code, YEAR) is None


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ("Met the person with number 811218-9876 twice.", SWEDISH_PERSONNUMMER),
        ("19811218-9876", SWEDISH_PERSONNUMMER),
        ("(8112189876)", SWEDISH_PERSONNUMMER),
        ("121212+1212", SWEDISH_PERSONNUMMER),
        ("samordningsnummer 701063-2391", SWEDISH_SAMORDNINGSNUMMER),
        ("fnr 15078510150", NORWEGIAN_FODSELSNUMMER),
        ("150785 10150", NORWEGIAN_FODSELSNUMMER),
        ("D-nummer 55078510063", NORWEGIAN_D_NUMBER),
        ("８１１２１８－９８７６", SWEDISH_PERSONNUMMER),
        # As a word processor or a hurried hand writes one.
        ("Samtal med 811218\u20139876 om jobbet", SWEDISH_PERSONNUMMER),  # an en dash
        ("811218 9876", SWEDISH_PERSONNUMMER),
        ("811218.9876", SWEDISH_PERSONNUMMER),
        ("811218_9876", SWEDISH_PERSONNUMMER),
        ("811218/9876", SWEDISH_PERSONNUMMER),
        ("19811218 9876", SWEDISH_PERSONNUMMER),
    ],
)
def test_an_identity_number_written_in_free_text_is_found(text: str, explanation: str) -> None:
    assert identity_number_in_text(text) == explanation


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",  # a wrong check digit: in free text, more likely some other number than a person's
        "15078510151",
        "Visited on 2025-03-01; 1234 referrals in 2024.",
        "Call 073-987 65 43 for the employer contact.",
        "Budget 1234567890 kr",
        "Case 2024-0115-0042",
        "Ref 811218\n9876 kr",  # two numbers on two lines
        "",
    ],
)
def test_dates_sums_and_phone_numbers_in_free_text_pass(text: str) -> None:
    assert identity_number_in_text(text) is None


CODE_CHARACTERS = "ABCKNPRSVXYZabceknrsvÅÖåö0123456789-_ "
# Codes built of given names and surnames (in any capitals) and what people write beside them: digits, initials,
# separators, other letters run on (Kalle, Maja_K, ahmed-1, NRV_LISA, KalleAB, Olsen-7), which random characters
# seldom spell.
NAMED_CODES = st.lists(
    st.one_of(
        st.sampled_from(
            sorted(GIVEN_NAMES | SURNAMES | {"andersson", "lindqvist", "sjögren", "nilsson", "dahlgren"})
        ).flatmap(lambda name: st.sampled_from([name, name.upper(), name.capitalize()])),
        st.text(alphabet=CODE_CHARACTERS, max_size=4),
    ),
    min_size=1,
    max_size=4,
).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(st.text(alphabet=CODE_CHARACTERS, max_size=16), NAMED_CODES),
        min_size=1,
        max_size=30,
    )
)
def test_the_import_s_quick_sort_of_codes_misses_none_that_a_closer_look_refuses(codes: list[str]) -> None:
    """An import looks closely (`code_problem`) only at the codes numpy marks as suspect: every code a closer look
    refuses must be among them, or it would be stored."""
    assert {i for i, code in enumerate(codes) if code_problem(code, YEAR)} <= set(suspect_codes(codes).tolist())


def test_the_quick_sort_marks_every_refused_example() -> None:
    refused = [
        "811218AB9876", "811218-X-9876", "AS811218", "800101X", "Anna-811218", "KF150785", "811218-987", "NRV-010101",
        "18121981", "Anna_Svensson", "Åsa-Öberg", "Björn_Lindqvist_81", "NRV_Karl_Berg", "AnnaBerg", "000123",
        "ANNA_SVENSSON", "anna-berg", "NRV-LISA-01", "ANNASVENSSON", "svenssonanna", "Kalle", "KALLE", "kalle2",
        "Maja_K", "Lisa-K", "Ahmed-1", "K_Eva_01", "Nrv-461124-1", "Andersson-7", "NRV_Olsen", "olsson", "Lindqvist-2",
        "SJOGREN",
    ]  # fmt: skip
    plain = [
        "NRV-000123", "NRV-0000001", "NRV-01-0116", "NRV-24-0001", "P12345", "ABC-12", "Nrv-12", "JAN-0001", "MAJ-0001",
        "Ips-3", "abc-0042",
    ]  # fmt: skip
    assert all(code_problem(code, YEAR) for code in refused)
    suspects = set(suspect_codes(refused + plain).tolist())
    assert suspects >= set(range(len(refused))) and not suspects & set(range(len(refused), len(refused) + len(plain)))


@pytest.mark.parametrize(
    ("code", "refused"),
    [
        ("Andersson-7", True),  # a Swedish surname, told by its ending
        ("NRV-Nilsson", True),
        ("Lindqvist", True),
        ("nrv_sjögren_2", True),
        ("NRV_Olsen", True),  # a common Norwegian one
        ("OLSSON-1", True),
        ("JANSSON-1", True),  # a surname alone is a name too (before, only with a given name run on)
        ("NRVOLSEN", True),  # run on after a prefix
        ("ANNAOLSEN", True),  # after a given name
        ("SORENSEN-2", True),  # Sørensen in ASCII letters
        ("Nygren", True),
        ("Dahlgren-4", True),  # -gren after a surname's stem
        ("NRVGREN-1", False),  # ... not after a unit's prefix
        ("idrottsgren", False),  # nor in a word (a branch of sport)
        ("Lesson-1", False),  # a word with the ending, but too short to be a name
        ("IPS-Berg", False),  # names that are also places: a unit may code by its place
        ("NRV-Lund-3", False),
        ("Gustavsberg-01", False),
    ],
)
def test_a_code_holding_a_common_surname_is_refused(code: str, refused: bool) -> None:
    problem = code_problem(code, YEAR)
    assert problem in (NAME_SURNAME, NAME_RUN_TOGETHER) if refused else problem is None


def test_every_surname_the_rules_know_is_one_the_import_s_quick_look_finds() -> None:
    """The import looks closely only at codes `suspect_codes` marks: a name told by its ending or stem has as many
    letters as it looks at anyway; a shorter one is listed, and looked up."""
    assert all(len(stem) + len("gren") >= RUN_TOGETHER_LETTERS for stem in GREN_STEMS)
    short = sorted(name for name in SURNAMES if len(name) < RUN_TOGETHER_LETTERS)
    assert short and set(suspect_codes(short).tolist()) == set(range(len(short)))
