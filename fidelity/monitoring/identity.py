"""Is a journey's code a national identity number, a date of birth, a phone number or a name? Pure.

People served are health-data subjects: a unit records them under pseudonymous codes only. A code that has the shape
of a Swedish or Norwegian identity number is refused whether or not its check digit is right, because a mistyped
number still points at a person. So is a code that is, or holds, a date of birth of someone of working age, or that
is a Swedish mobile number, or that holds a person's name: a common given name beside another word, in any capitals
(Anna_Berg, ÅSA-ÖBERG, NRV_Lisa, AnnaBerg), or alone, with nothing but digits or initials beside it (Kalle, Maja_K,
Ahmed-1). A name the list of given names lacks cannot be told from a code (Ips-Lund is a unit's own): the forms and
the file layout say never to use one.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable

import pandas as pd

from fidelity.models.monitoring import CODE_MAX
from fidelity.monitoring.given_names import GIVEN_NAMES, GREN_STEMS, SURNAMES
from fidelity.monitoring.problems import N_

SWEDISH_PERSONNUMMER = N_(
    "looks like a Swedish personal identity number (personnummer): give the person a code of the unit's own instead"
)
SWEDISH_SAMORDNINGSNUMMER = N_(
    "looks like a Swedish coordination number (samordningsnummer): give the person a code of the unit's own instead"
)
NORWEGIAN_FODSELSNUMMER = N_(
    "looks like a Norwegian national identity number (fødselsnummer): give the person a code of the unit's own instead"
)
NORWEGIAN_D_NUMBER = N_("looks like a Norwegian D-number (D-nummer): give the person a code of the unit's own instead")
NORWEGIAN_H_NUMBER = N_("looks like a Norwegian H-number (H-nummer): give the person a code of the unit's own instead")
BIRTH_DATE = N_("looks like a date of birth: a code must not hold one")
PHONE_NUMBER = N_("looks like a mobile phone number: give the person a code of the unit's own instead")
NAME = N_("contains a space: a code must not be a name")
NAME_WORDS = N_("holds a person's name (a given name beside another word, such as Anna_Berg): a code must not hold one")
NAME_ALONE = N_(
    "holds a person's name (a given name alone, or with only digits or initials beside it, such as Kalle or Maja_K): "
    "a code must not hold one"
)
NAME_SURNAME = N_("holds a person's name (a surname, such as Andersson-7 or NRV_Olsen): a code must not hold one")
NAME_RUN_TOGETHER = N_(
    "holds a person's name (a given name and a surname run together, such as ANNASVENSSON): a code must not hold one"
)
EMPTY = N_("the code is missing")
TOO_LONG = N_("the code is longer than %(max)d characters")
CHARACTERS = N_("a code may contain only letters, digits, '-' and '_'")
LEADING_HYPHEN = N_("a code may not begin with '-': a spreadsheet would read it as a sum (-1-1 as -2)")

# Digits, possibly split by the separators people write identity numbers (or join them to other digits) with, or by
# one or two letters between two digits, with or without separators around them (800101A1234, 800101-XX-1234).
_DIGIT_RUN = re.compile(r"\d(?:(?:[\d+\-_ ./]|[^\W\d_]{1,2}(?=[+\-_ ./]?\d))*\d)?")
# Six digits with no digit beside them, inside a longer code: a date of birth unless they begin with 00, as a running
# number padded with zeros does (NRV-000123); someone born in 2000 is then not recognised.
_SIX_DIGITS = re.compile(r"(?<!\d)(?!00)\d{6}(?!\d)")
# Letters, and what lies between them.
_LETTERS = re.compile(r"([^\W\d_]+)")
_BETWEEN_NAMES = re.compile(r"[\s_.\-]+")
_SEPARATORS = re.compile(r"\D")
_DIGITS_ALONE = re.compile(r"[\d+\-_ ./]+")
# A code that is a Swedish mobile number alone, written at home or from abroad: 07x-xxx xx xx, +46 7x-xxx xx xx.
_MOBILE = re.compile(r"(?:\+46|0046|46|0)7[02369]\d{7}")
# The ages of the people a unit serves, for a date of birth: a date in a code from the last 15 years is no one's
# (a referral's date, say), and none from over 100 years ago.
_YOUNGEST, _OLDEST = 15, 100
# ... and for six digits (YYMMDD, DDMMYY), whose century is a guess, none from over 80 years ago: people served by
# IPS and SEd are of working or study age, and a code made from this year's referral date (Nrv-261124-1, 24 November
# 2026) would otherwise be read as a date of birth a hundred years before it (24 November 1926).
_OLDEST_SIX_DIGITS = 80
CODE_PATTERN = r"[\w-]+"
# Years an identity number's birth date may fall in.
_FIRST_YEAR, _LAST_YEAR = 1850, 2099


def _real_date(year: int, month: int, day: int) -> bool:
    return _FIRST_YEAR <= year <= _LAST_YEAR and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _real_date_any_century(yy: int, month: int, day: int) -> bool:
    """A two-digit year says nothing of its century: the date is real if it is in any century people live in."""
    return any(_real_date(century + yy, month, day) for century in (1800, 1900, 2000))


def _swedish(digits: str) -> str | None:
    """YYMMDD or YYYYMMDD and four more digits; a coordination number adds 60 to the day."""
    date_part = digits[:-4]
    if len(date_part) == 8:
        year, month, day = int(date_part[:4]), int(date_part[4:6]), int(date_part[6:])
        real: Callable[[int, int, int], bool] = _real_date
    else:
        year, month, day = int(date_part[:2]), int(date_part[2:4]), int(date_part[4:])
        real = _real_date_any_century
    if real(year, month, day):
        return SWEDISH_PERSONNUMMER
    if day > 60 and real(year, month, day - 60):
        return SWEDISH_SAMORDNINGSNUMMER
    return None


def _norwegian(digits: str) -> str | None:
    """DDMMYY and five more digits; a D-number adds 40 to the day, an H-number 40 to the month."""
    day, month, yy = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    if _real_date_any_century(yy, month, day):
        return NORWEGIAN_FODSELSNUMMER
    if day > 40 and _real_date_any_century(yy, month, day - 40):
        return NORWEGIAN_D_NUMBER
    if month > 40 and _real_date_any_century(yy, month - 40, day):
        return NORWEGIAN_H_NUMBER
    return None


def looks_like_identity_number(code: str) -> str | None:
    """Why `code` looks like a Swedish or Norwegian identity number, or None if it does not.

    Every run of digits in the code is read with its separators ('-', '+', '_', '.', '/', spaces) taken out, and an
    identity number is looked for at each place in it, so that one written inside a longer code, or with digits
    added before or after it, is found too. A code of nine or ten digits alone is also read with the leading zero a
    spreadsheet drops when it takes a number for a number: from a Swedish number of someone born in 2000 to 2009
    (nine digits left), or from a Norwegian number of someone born on the 1st to the 9th of a month (ten left).
    """
    code = unicodedata.normalize("NFKC", code)  # superscript and other compatibility digits as plain ones
    for run in _DIGIT_RUN.findall(code):
        digits = _SEPARATORS.sub("", run)
        for start in range(len(digits) - 9):
            found = _at(digits[start:])
            if found:
                return found
    if code.isascii() and code.isdigit():
        if len(code) == 9:
            return _swedish("0" + code)
        if len(code) == 10:
            return _norwegian("0" + code)
    return None


def looks_like_birth_date(code: str, year: int) -> bool:
    """Whether `code` holds, in the year `year`, the date of birth of someone 15 to 100 years old (15 to 80 for six
    digits, whose century is a guess):
    - eight digits YYYYMMDD or DDMMYYYY anywhere in it (separators as for identity numbers, so 1980-01-01 too);
    - six digits YYMMDD or DDMMYY with no digit beside them, anywhere (AS800101, Anna-150785), unless they begin with
      00, as a running number padded with zeros does (NRV-000123);
    - six digits that are all the code holds, with separators or none (800101, 80-01-01, 000123).
    Six digits of a recent date (a referral's, Nrv-261124-1 in 2026) are thus no one's date of birth: read in the
    other century, they would be of someone over 80."""
    code = unicodedata.normalize("NFKC", code)

    def born(yyyy: int, month: int, day: int, oldest: int = _OLDEST) -> bool:
        return year - oldest <= yyyy <= year - _YOUNGEST and _real_date(yyyy, month, day)

    def six(digits: str) -> bool:
        first, middle, last = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        return any(
            born(c + first, middle, last, _OLDEST_SIX_DIGITS) or born(c + last, middle, first, _OLDEST_SIX_DIGITS)
            for c in (1900, 2000)
        )

    for run in _DIGIT_RUN.findall(code):
        digits = _SEPARATORS.sub("", run)
        for start in range(len(digits) - 7):
            eight = digits[start : start + 8]
            if born(int(eight[:4]), int(eight[4:6]), int(eight[6:])) or born(
                int(eight[4:]), int(eight[2:4]), int(eight[:2])
            ):
                return True
    if any(six(digits) for digits in _SIX_DIGITS.findall(code)):
        return True
    digits = _SEPARATORS.sub("", code)
    return len(digits) == 6 and bool(_DIGITS_ALONE.fullmatch(code)) and six(digits)


def _words(piece: str) -> list[str]:
    """A run of letters as the words it is written as: a capital after a small letter, or before one, begins a word
    (AnnaBerg as Anna and Berg, NRVKalle as NRV and Kalle, MajaK and kalleB with their initial apart); a run in one
    case is one word."""
    turns = [
        i
        for i in range(1, len(piece))
        if piece[i].isupper() and (piece[i - 1].islower() or (i + 1 < len(piece) and piece[i + 1].islower()))
    ]
    return [piece[a:b] for a, b in zip([0, *turns], [*turns, len(piece)], strict=True)]


# Common endings of Swedish and Norwegian surnames, for a given name and a surname run together (ANNASVENSSON).
_SURNAME_ENDINGS = ("sson", "son", "sen", "berg", "ström", "strom", "lund", "qvist", "kvist", "gren", "dahl", "holm",
                    "blom", "borg", "stedt", "gård", "gard")  # fmt: skip
# The fewest letters of a run that may hold a given name and a surname run together: three and four.
RUN_TOGETHER_LETTERS = 7


def _run_together(piece: str) -> bool:
    """Whether a run of letters, all capitals or all small, is a common given name and a surname written with nothing
    between, in either order (ANNASVENSSON, svenssonanna): the surname told by an ending with at least three letters
    before it (SVEN-sson, BERG-lund), so that a place named after someone (GUSTAVSBERG, OLOFSTRÖM, KARLBERG) is not."""
    if len(piece) < RUN_TOGETHER_LETTERS or not (piece.isupper() or piece.islower()):
        return False
    word = piece.casefold()
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if (head in GIVEN_NAMES and _surname(tail)) or (tail in GIVEN_NAMES and _surname(head)):
            return True
    return False


def runs_names_together(text: str) -> bool:
    """Whether a word of `text` is a given name and a surname run together (see `_run_together`)."""
    return any(_run_together(piece) for piece in _LETTERS.findall(unicodedata.normalize("NFKC", text)))


def _surname(word: str) -> bool:
    return word in SURNAMES or any(
        word.endswith(ending) and len(word) - len(ending) >= 3 for ending in _SURNAME_ENDINGS
    )


def looks_like_name(text: str) -> bool:
    """Whether `text` holds a person's name: a common given name (`GIVEN_NAMES`) beside another word, in any capitals,
    with nothing but spaces, '_', '-' or '.' between them, or run together (Anna_Svensson, ÅSA-ÖBERG, NRV_Lisa,
    Björn_Lindqvist_81, AnnaBerg, Svensson Anna). Words that are no given name (Ips-Lund, Nrv-Ost-01) are not. A given
    name and a surname run together in one case (ANNASVENSSON) are `_run_together`'s."""
    words: list[str] = []  # the words since anything other than a separator
    for position, piece in enumerate(_LETTERS.split(unicodedata.normalize("NFKC", text))):
        if position % 2 == 0:  # what lies between words
            if piece and not _BETWEEN_NAMES.fullmatch(piece):
                words = []
            continue
        words.extend(_words(piece))
        if (
            len(words) >= 2
            and any(word.casefold() in GIVEN_NAMES for word in words)
            and all(len(word) >= 2 for word in words[-2:])
        ):
            return True
    return False


# Given names that are also months' names (januari, maj), which a unit may code by (JAN-0001, MAJ26-03): alone, they
# are read as the month.
MONTH_NAMES = frozenset({"jan", "maj"})


def is_given_name_alone(text: str) -> bool:
    """Whether the only word of two letters or more in `text` is a common given name (`GIVEN_NAMES`), in any capitals,
    with nothing but digits or single letters (initials) beside it, whatever lies between: Kalle, KALLE, kalle2,
    Maja_K, Lisa-K, Ahmed-1, K_Eva_01. Words are as `looks_like_name` reads them (AnnaBerg is two). Jan and Maj alone
    are months' names (JAN-0001, MAJ26-03); a code with two words or more (Ips-Lund-3) is `looks_like_name`'s."""
    words = [
        word
        for piece in _LETTERS.findall(unicodedata.normalize("NFKC", text))
        for word in _words(piece)
        if len(word) >= 2
    ]
    if len(words) != 1:
        return False
    word = words[0].casefold()
    return word in GIVEN_NAMES and word not in MONTH_NAMES


# The endings that tell a Swedish surname, with three letters before them at least: Nilsson, Lindqvist (not Lesson,
# nor a word of its ending alone). Each such name has RUN_TOGETHER_LETTERS letters or more, which the import's quick
# look (`validation.suspect_codes`) takes a closer look at; the shorter names are `SURNAMES` (Olsson, Olsen).
_SURNAME_ENDS = ("sson", "qvist", "kvist")


def _is_surname(word: str) -> bool:
    word = word.casefold()
    return (
        # A listed name, alone or run on after a prefix of two letters or more (NRVOLSEN)
        any(word == name or (word.endswith(name) and len(word) - len(name) >= 2) for name in SURNAMES)
        or any(word.endswith(end) and len(word) - len(end) >= 3 for end in _SURNAME_ENDS)
        or (word.endswith("gren") and word[:-4] in GREN_STEMS)
    )


def holds_surname(text: str) -> bool:
    """Whether any word of `text` is a common surname, in any capitals, whatever lies beside it: a Swedish one told by
    its ending (Andersson, Lindqvist, Sjögren) or a common Norwegian one (`SURNAMES`: Hansen, Olsen). A unit codes
    by place and series, not by a person's family name (Andersson-7)."""
    return any(
        _is_surname(word) for piece in _LETTERS.findall(unicodedata.normalize("NFKC", text)) for word in _words(piece)
    )


def holds_given_name(text: str) -> bool:
    """Whether any word of `text` is a common given name (`GIVEN_NAMES`), in any capitals, whatever lies between the
    words: for a file's name, which people write as the person's name in any order and with any punctuation
    ("SVENSSON, ANNA 2026-10", "Svensson (Anna)"). Stricter than `looks_like_name`: a given name alone is enough."""
    return any(
        word.casefold() in GIVEN_NAMES
        for piece in _LETTERS.findall(unicodedata.normalize("NFKC", text))
        for word in _words(piece)
    )


def looks_like_phone_number(code: str) -> bool:
    """Whether `code` is a Swedish mobile number alone, with or without separators and country code."""
    code = unicodedata.normalize("NFKC", code)
    return bool(_MOBILE.fullmatch(re.sub(r"[\-_ ./()]", "", code)))


def _at(digits: str) -> str | None:
    """Whether `digits` begins with something shaped like an identity number."""
    for length, read in ((12, _swedish), (11, _norwegian), (10, _swedish)):
        if len(digits) >= length:
            found = read(digits[:length])
            if found:
                return found
    return None


# In free text, an identity number is read only as people write one, with a right check digit, so that dates, sums
# and phone numbers in a reviewer's notes are not taken for one: a Swedish number YYMMDD-NNNC or YYYYMMDD-NNNC (any
# dash, '+', a space, '.', '_', '/' or nothing between), a Norwegian one DDMMYYIIICC (a space or nothing between).
_SWEDISH_IN_TEXT = re.compile(r"(?<!\d)(\d{8}|\d{6})[-+ ._/]?(\d{4})(?!\d)")
_NORWEGIAN_IN_TEXT = re.compile(r"(?<!\d)(\d{6}) ?(\d{5})(?!\d)")


def _luhn(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(int(d) for d in reversed(digits)):
        doubled = digit * 2 if position % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def _norwegian_checked(digits: str) -> bool:
    """The two mod-11 check digits of an 11-digit Norwegian number."""
    for weights in ((3, 7, 6, 1, 8, 9, 4, 5, 2, 1), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)):
        if sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11:
            return False
    return True


def identity_number_in_text(text: str) -> str | None:
    """Why `text` (a note, a comment, a title) holds what is plainly a Swedish or Norwegian identity number, or None.

    Stricter than for a code, where anything shaped like a number is refused: here the number must be written as
    one is and its check digits must be right."""
    text = unicodedata.normalize("NFKC", text)
    # Any dash as '-': a word processor turns a typed hyphen into an en dash; and any space as ' ', but not a line's
    # end: a number that ends one line and one that starts the next are two numbers.
    text = "".join(
        "-" if unicodedata.category(c) == "Pd" or c == "\u2212" else " " if c.isspace() and c not in "\n\r" else c
        for c in text
    )
    for match in _SWEDISH_IN_TEXT.finditer(text):
        digits = match[1][-6:] + match[2]
        found = _swedish(match[1] + match[2]) if _luhn(digits) else None
        if found:
            return found
    for match in _NORWEGIAN_IN_TEXT.finditer(text):
        digits = match[1] + match[2]
        found = _norwegian(digits) if _norwegian_checked(digits) else None
        if found:
            return found
    return None


def code_key(code: str) -> str:
    """What two codes must share to be the same code in a unit: codes that differ only in capitals are one code."""
    return code.upper()


def code_keys(codes: pd.Series) -> pd.Series:
    """code_key of each code. The codes are upper-cased as one text, ten times as fast as one by one; a code that
    holds the line break they are joined with (never a good one) sends them one by one."""
    joined = "\n".join(codes.tolist())
    upper = joined.upper()
    if upper == joined:  # no code has a small letter: each is its own key
        return codes
    keys = upper.split("\n")
    if len(keys) != len(codes):
        keys = [code_key(code) for code in codes.tolist()]
    return pd.Series(keys, index=codes.index, dtype=object)


def identifying(text: str, year: int) -> str | None:
    """Why `text` (a code, a file's name) points at a person, in the year `year`: it looks like an identity number,
    holds a date of birth, or is a mobile number; None if it does not."""
    explanation = looks_like_identity_number(text)
    if explanation:
        return explanation
    if looks_like_birth_date(text, year):
        return BIRTH_DATE
    if looks_like_phone_number(text):
        return PHONE_NUMBER
    return None


def code_problem(code: str, year: int) -> str | None:
    """What is wrong with `code` as a journey's code in the year `year` (untranslated, with %(max)d for the length),
    or None.

    A code is 1 to CODE_MAX letters, digits, '-' and '_', not starting with '-', and is neither an identity number, a
    date of birth, a mobile number nor a name: not a given name beside another word (`looks_like_name`), nor one alone
    or with only digits or initials beside it (`is_given_name_alone`), nor a given name and a surname run together,
    nor a common surname (`holds_surname`).
    """
    code = code.strip()
    if not code:
        return EMPTY
    explanation = identifying(code, year)
    if explanation:
        return explanation
    if any(character.isspace() for character in code):
        return NAME
    if looks_like_name(code):
        return NAME_WORDS
    if is_given_name_alone(code):
        return NAME_ALONE
    if runs_names_together(code):
        return NAME_RUN_TOGETHER
    if holds_surname(code):
        return NAME_SURNAME
    if len(code) > CODE_MAX:
        return TOO_LONG
    if not re.fullmatch(CODE_PATTERN, code):
        return CHARACTERS
    if code.startswith("-"):
        return LEADING_HYPHEN
    return None
