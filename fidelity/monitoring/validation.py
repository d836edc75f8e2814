"""Checking a journey file's cells, column by column with pandas: every problem with its line, or the journeys and
their spells ready to be written.

Each check is a vectorised test over a whole column; Python runs once per problem found, not once per row. Cells are
compared as written first and tidied (spaces, case) only where that first test fails, which keeps a clean file fast.
"""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd
from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _

from fidelity.day_field import no_such_day
from fidelity.i18n import current_language
from fidelity.models.monitoring import CODE_MAX, Decision
from fidelity.monitoring.columns import header_problems, named_columns, not_a_header, rows_readable, spell_numbers
from fidelity.monitoring.given_names import GIVEN_NAMES, SURNAMES
from fidelity.monitoring.identity import MONTH_NAMES, RUN_TOGETHER_LETTERS, code_keys, code_problem
from fidelity.monitoring.journey_files import Cells
from fidelity.monitoring.journey_forms import CHOICE_LABELS
from fidelity.monitoring.layout import EXAMPLE_CODE, HOURS_MAX, JA_NEJ, JOURNEY_COLUMNS, Column, Kind
from fidelity.monitoring.problems import N_, ImportRefused, Problem, quoted
from fidelity.monitoring.spells import check_spells

DATE_FORMAT = "%Y-%m-%d"
# No journey starts before this day: an earlier date is a mistyped year (1026 for 2026, 1926 for 2026).
EARLIEST_DATE = date(1990, 1, 1)
YES = frozenset({"yes", "y", "true", "1", "ja", "j"})
NO = frozenset({"no", "n", "false", "0", "nej"})
# Dates that may not come before the referral.
AFTER_REFERRAL = (
    "decision_date",
    "first_meeting_date",
    "enrolment_date",
    "first_employer_contact_date",
    "first_education_contact_date",
    "exit_date",
)


@dataclass(frozen=True)
class CheckedJourneys:
    """One row per journey: `code` and the model's fields, dates as datetime64 (NaT when empty), choices as their
    values ('' when empty). A spell names its journey by `row`, the journey's position in `journeys`."""

    journeys: pd.DataFrame
    jobs: pd.DataFrame  # row, start_date, end_date, competitive, hours_per_week
    education: pd.DataFrame  # row, start_date, end_date
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # each journey's line in the file
    # The kinds of spell the file has columns for ('job', 'education'): a file without a kind's columns says nothing
    # of them, whereas empty cells say there are none.
    spell_groups: frozenset[str] = frozenset({"job", "education"})

    def without(self, left_out: np.ndarray) -> CheckedJourneys:
        """The same without the journeys where `left_out` (a boolean per journey) is true, nor their spells; the
        spells of the others name their journeys' new positions."""
        kept = ~np.asarray(left_out, dtype=bool)
        position = np.cumsum(kept) - 1  # each kept journey's position among the kept ones

        def spells(frame: pd.DataFrame) -> pd.DataFrame:
            rows = frame["row"].to_numpy(dtype=np.int64)
            frame = frame[kept[rows]].reset_index(drop=True)
            return frame.assign(row=position[rows[kept[rows]]])

        return replace(self, journeys=self.journeys[kept].reset_index(drop=True), jobs=spells(self.jobs),
                       education=spells(self.education), lines=self.lines[kept])  # fmt: skip


def check_journeys(
    cells: Cells,
    today: date,
    label: Callable[[str], str] | None = None,
    purged_before: date | None = None,
    day: Callable[[date], str] | None = None,
) -> CheckedJourneys:
    """The file's journeys and spells as they stand on `today`. Raises ImportRefused with every problem, each on its
    line. A journey records what has happened: no date may come after `today` (a job or course that goes on has no
    end date yet), nor before EARLIEST_DATE. Problems name a column as `label` gives it (the form's field for a journey
    kept in the browser), or by its name in the file, and dates as `day` writes them (the form's reader's way), or as
    the file does. `purged_before`: the cut-off of the unit's latest purge; a journey that ended before it is refused,
    since the purge deleted such journeys and the unit keeps none again."""
    no_header = not_a_header(cells)
    if no_header is not None:
        raise ImportRefused([no_header])
    problems = header_problems(cells)
    if problems and (cells.rows.empty or not rows_readable(cells)):
        raise ImportRefused([*cells.problems, *problems])
    if cells.rows.empty:
        raise ImportRefused(cells.problems or [Problem(None, _("The file has a header but no journeys."))])
    # A column the layout does not know (a notes column) leaves the others to be read: their rows' problems come in
    # the same answer, rather than after the column is taken out.
    try:
        checked = RowCheck(cells, today, label, purged_before, day).run()
    except ImportRefused as refused:
        raise ImportRefused([*problems, *refused.problems]) from None
    if problems:
        raise ImportRefused([*problems, *cells.problems])
    return checked


def plain_words(text: str) -> str:
    """Words as they are compared with a choice's name: any dash a hyphen, spaces closed up, small letters."""
    text = "".join("-" if unicodedata.category(c) == "Pd" else c for c in unicodedata.normalize("NFKC", str(text)))
    return " ".join(text.split()).lower()


def choice_words(field_name: str) -> dict[str, str]:
    """The coded value of each of the form's words for a choice of the column `field_name`, in each of the app's
    languages (the names are translated, so the words are read as a Swedish or an English spreadsheet has them)."""
    words: dict[str, str] = {}
    # Outside the app (a script checking a file) the names are the English ones.
    for language in current_app.config["LANGUAGES"] if has_app_context() else ["en"]:
        with force_locale(language):
            for member, name in CHOICE_LABELS.get(field_name, {}).items():
                words.setdefault(plain_words(str(name)), member.value)
    return words


def reader_writes_swedish() -> bool:
    """Whether the reader of a message or a workbook writes Swedish: the language of the request, or of the command
    (the app's default language); outside the app, as a script checking a file is, not."""
    return has_app_context() and current_language() == "sv"


def written_choices(column: Column) -> list[str]:
    """The values of the choice column `column`, as its reader writes them, for a problem's message and a workbook's
    drop-down list. For a reader in Swedish, the form's names in Swedish (`Bedömd som inte motiverad`), which the
    import reads as their codes (`choice_words`): a Swedish reader never writes not_motivated. In English, the codes
    the templates and exports write: the import reads the form's English names too, but the codes are shorter. A
    name the import would not read as its value (two names written alike) is given as its code."""
    if not reader_writes_swedish():
        return list(column.choices)
    names = {member.value: str(name) for member, name in CHOICE_LABELS.get(column.field, {}).items()}
    words = choice_words(column.field)
    return [
        names[value] if value in names and words.get(plain_words(names[value])) == value else value
        for value in column.choices
    ]


def yes_and_no() -> tuple[str, str]:
    """Yes and no as the reader writes them, and the import reads them: ja and nej in Swedish."""
    return JA_NEJ if reader_writes_swedish() else ("yes", "no")


# A value a message may give as it is among others, separated by commas: a word, with no space or comma in it.
_ONE_WORD = re.compile(r"[\w-]+")


def one_of(values: list[str]) -> str:
    """Values for a message, separated by commas; each in quotes when one is more than a word (a name such as
    'Målet nått; stödet behövs inte längre'), so that it is plain where each ends."""
    if all(_ONE_WORD.fullmatch(value) for value in values):
        return ", ".join(values)
    return ", ".join(f"'{value}'" for value in values)


# How like a choice a value must be to be offered as what it meant: a letter or two mistyped in a word or a name.
CLOSE_ENOUGH = 0.8


def meant(value: str, choices: list[str]) -> str | None:
    """The one of `choices` a value not read most likely meant, in any capitals ('Behovsbedömning inte beviljat' for
    'Behovsbedömning inte beviljad', 'not_motivted' for 'not_motivated'); None when none is close enough."""
    folded = {choice.casefold(): choice for choice in choices}
    found = difflib.get_close_matches(value.strip().casefold(), list(folded), n=1, cutoff=CLOSE_ENOUGH)
    return folded[found[0]] if found else None


# A date with a time of midnight after it, as a spreadsheet writes a date it holds as a date and time.
_AT_MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(?::00(?:\.0+)?)?")


def _day_of(text: str) -> str:
    """The date of a text that is a date at midnight; any other text as it is."""
    found = _AT_MIDNIGHT.fullmatch(text)
    return found.group(1) if found else text


# The characters of a plain code: ASCII letters, digits, '-' and '_'.
_PLAIN = np.zeros(128, dtype=bool)
_PLAIN[[ord(c) for c in string.ascii_letters + string.digits + "-_"]] = True
_ZERO, _NINE = ord("0"), ord("9")
_DIGITS_SUSPECT = 8  # an identity number has ten digits or more, a date of birth eight
_DIGITS_ALONE_SUSPECT = (9, 6)  # ... or nine alone (a leading zero dropped), or six with no letter (a date of birth)


def _letters_key(values: np.ndarray) -> int:
    """A run of ASCII letters (their values 1 to 26, a to z, any capitals) as one number, five bits a letter."""
    return sum(int(value) << (5 * i) for i, value in enumerate(values))


# The common given names and the common surnames shorter than a run looked at anyway (Olsen, Olsson), written in
# ASCII letters, each as `_letters_key` makes it (sorted, for a binary search), and the fewest and most letters they
# have: a code with a non-ASCII letter (Åsa) is looked at closely anyway. Not the months' names (JAN-0001): only
# beside another word, which is suspect anyway, is one a name (Jan_Berg).
_ASCII_NAMES = sorted(
    name
    for name in (GIVEN_NAMES - MONTH_NAMES) | {name for name in SURNAMES if len(name) < RUN_TOGETHER_LETTERS}
    if name.isascii() and name.isalpha()
)
_NAME_KEYS = np.array(
    sorted(_letters_key(np.frombuffer(name.encode(), dtype=np.uint8) - ord("a") + 1) for name in _ASCII_NAMES),
    dtype=np.int64,
)
_NAME_SHORTEST, _NAME_LONGEST = min(map(len, _ASCII_NAMES)), max(map(len, _ASCII_NAMES))


def suspect_codes(codes: list[str]) -> np.ndarray:
    """The positions of the codes that need a closer look from `code_problem`: empty, longer than CODE_MAX, with a
    character that is not an ASCII letter, digit, '-' or '_' (a space to strip, a name), with eight digits or more
    (an identity number or a date of birth may hide in it), of nine digits alone (an identity number that lost its
    leading zero), of six digits and no letter, or six digits in a row not starting with 00 (a date of birth), with
    two words of two letters or more, or two capitals and a small letter (a given name beside another word, Anna_Berg,
    AnnaBerg), a run of letters that is a common given name in any capitals (a given name alone or with digits or
    initials beside it, Kalle, Maja_K, ahmed-1) or a common surname shorter than that (Olsen-7), a run of
    RUN_TOGETHER_LETTERS letters or more (a given name and a surname run together, ANNASVENSSON, or a surname,
    Andersson-7) or starting with '-'. Nearly every code is plain, and numpy tells them apart
    all at once."""
    lengths = np.fromiter(map(len, codes), dtype=np.int64, count=len(codes))
    points = np.frombuffer("".join(codes).encode("utf-32-le"), dtype=np.uint32)
    owner = np.repeat(np.arange(len(codes)), lengths)  # the code each character belongs to
    plain = np.zeros(len(points), dtype=bool)
    ascii_ = points < len(_PLAIN)
    plain[ascii_] = _PLAIN[points[ascii_]]
    digit = (points >= _ZERO) & (points <= _NINE)
    letter = plain & ~digit & (points != ord("-")) & (points != ord("_"))
    odd = np.bincount(owner[~plain], minlength=len(codes)) > 0
    digits = np.bincount(owner[digit], minlength=len(codes))
    letters = np.bincount(owner[letter], minlength=len(codes))
    alone = np.isin(digits, _DIGITS_ALONE_SUSPECT) & (letters == 0)
    starts = np.cumsum(lengths) - lengths
    hyphen = np.zeros(len(codes), dtype=bool)
    hyphen[lengths > 0] = points[starts[lengths > 0]] == ord("-")
    capitals = np.bincount(owner[(points >= ord("A")) & (points <= ord("Z"))], minlength=len(codes))
    small = np.bincount(owner[(points >= ord("a")) & (points <= ord("z"))], minlength=len(codes))
    camel = (capitals >= 2) & (small >= 1)
    # ... or a capital after a small letter (kalleB: a name and an initial)
    upper = (points >= ord("A")) & (points <= ord("Z"))
    turns = (points[:-1] >= ord("a")) & (points[:-1] <= ord("z")) & upper[1:] & (owner[:-1] == owner[1:])
    camel |= np.bincount(owner[:-1][turns], minlength=len(codes)) > 0
    run_starts, run_lengths = _runs(letter, starts)
    words = np.bincount(owner[run_starts[run_lengths >= 2]], minlength=len(codes)) >= 2
    long_word = np.bincount(owner[run_starts[run_lengths >= RUN_TOGETHER_LETTERS]], minlength=len(codes)) > 0
    named = np.zeros(len(codes), dtype=bool)
    named[owner[_given_name_runs(points, run_starts, run_lengths)]] = True
    run_starts, run_lengths = _runs(digit, starts)
    six = run_starts[run_lengths == 6]
    birth = np.zeros(len(codes), dtype=bool)
    birth[owner[six[(points[six] != _ZERO) | (points[six + 1] != _ZERO)]]] = True  # not a zero-padded number
    return np.flatnonzero(
        (lengths == 0) | (lengths > CODE_MAX) | odd | (digits >= _DIGITS_SUSPECT) | alone | hyphen | camel | words
        | long_word | named | birth
    )  # fmt: skip


def _given_name_runs(points: np.ndarray, run_starts: np.ndarray, run_lengths: np.ndarray) -> np.ndarray:
    """Where the runs of ASCII letters (`run_starts`, `run_lengths` over the code points `points`) that are a common
    given name, in any capitals, begin. Each run of as many letters as a name may have is made one number
    (`_letters_key`) and looked up among the names' at once: a file's codes have few distinct runs (NRV), but this
    costs little more when they have many."""
    fits = (run_lengths >= _NAME_SHORTEST) & (run_lengths <= _NAME_LONGEST)
    run_starts, run_lengths = run_starts[fits], run_lengths[fits]
    keys = np.zeros(len(run_starts), dtype=np.int64)
    for i in range(_NAME_LONGEST):
        longer = np.flatnonzero(run_lengths > i)
        if not len(longer):
            break
        # A small letter's value from either capital: 'A' (65) and 'a' (97) differ only in the bit 32.
        values = (points[run_starts[longer] + i].astype(np.int64) | 0x20) - (ord("a") - 1)
        keys[longer] |= values << (5 * i)
    found = np.minimum(np.searchsorted(_NAME_KEYS, keys), len(_NAME_KEYS) - 1)
    return run_starts[_NAME_KEYS[found] == keys]


def _runs(kind: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of characters of a `kind` (a mask over the codes' characters run together) begins, and its
    length; no run goes on from one code into the next (`starts`: where each code begins)."""
    first = np.zeros(len(kind), dtype=bool)
    first[starts[starts < len(kind)]] = True
    begins = kind & (first | ~np.concatenate(([False], kind[:-1])))
    ends = kind & (np.concatenate((first[1:], [True])) | ~np.concatenate((kind[1:], [False])))
    run_starts, run_ends = np.flatnonzero(begins), np.flatnonzero(ends)
    return run_starts, run_ends - run_starts + 1


def _day(value: pd.Timestamp) -> str:
    """A day as YYYY-MM-DD, whatever its year: pandas reads a year 0 or a negative one, which Python's dates lack."""
    return str(np.datetime64(pd.Timestamp(value).to_datetime64(), "D"))


_PLAIN_NUMBER = r"\s*\d+(?:\.\d+)?\s*"


def _date_text(cell: object) -> str:
    """A cell that did not read as YYYY-MM-DD, read again: a date at midnight as its date, other text as it is, but
    '?' for text without a digit, which no date is (pandas takes 'today' for one), and '' for spaces alone."""
    text = str(cell).strip()
    if not any(character.isdigit() for character in text):
        return "?" if text else ""
    return _day_of(text)


class RowCheck:
    """The checks of every row, gathering problems as it goes."""

    def __init__(
        self,
        cells: Cells,
        today: date,
        label: Callable[[str], str] | None = None,
        purged_before: date | None = None,
        day: Callable[[date], str] | None = None,
    ) -> None:
        self.cells = cells
        self.purged_before = purged_before
        self.show: Callable[[str], str] = label or str  # how a problem names a column
        self.day = day  # how a problem writes a date, if not as the file does
        self.today = np.datetime64(today, "us")
        self.year = today.year
        self.columns = named_columns(cells)
        self.problems: list[Problem] = list(cells.problems)
        self.unreadable: dict[str, np.ndarray] = {}  # column -> rows whose cell was refused
        self.not_accepted = np.zeros(len(cells.rows), dtype=bool)  # referrals not accepted, once the decisions are read

    def raw(self, name: str) -> pd.Series:
        return self.cells.rows[self.columns[name]]

    def report(self, mask: pd.Series | np.ndarray, message: Callable[[int], str], column: str | None = None) -> None:
        """A problem on each row in `mask`, about the file's `column` if it is about one; `message` is given the
        row's position."""
        for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.problems.append(Problem(int(self.cells.lines[position]), message(int(position)), column))

    def refused(self, name: str) -> np.ndarray:
        """The rows whose cell in column `name` could not be read (already reported)."""
        return self.unreadable.get(name, np.zeros(len(self.cells.rows), dtype=bool))

    def before(
        self, later: str, later_dates: pd.Series, earlier: str, earlier_dates: pd.Series, column: str | None = None
    ) -> None:
        """Report rows whose `later` date comes before their `earlier` date, as a problem about `column` (the later
        one unless told)."""

        def message(p: int) -> str:
            return _(
                "%(later)s (%(later_date)s) is before %(earlier)s (%(earlier_date)s)",
                later=self.show(later),
                later_date=self.day_text(later_dates.iat[p]),
                earlier=self.show(earlier),
                earlier_date=self.day_text(earlier_dates.iat[p]),
            )

        self.report((later_dates < earlier_dates).to_numpy(), message, column or later)

    def day_text(self, value: pd.Timestamp) -> str:
        """A date in a problem: as `day` writes it, or as YYYY-MM-DD (always, for a year Python's dates lack)."""
        stamp = pd.Timestamp(value)
        if self.day is not None and 1 <= stamp.year <= 9999:
            return self.day(stamp.date())
        return _day(stamp)

    # --- one column at a time ---------------------------------------------------------------------------------

    def codes(self) -> tuple[pd.Series, np.ndarray]:
        """The codes, stripped, and which are usable: not empty, malformed, a name or an identity number."""
        codes = self.raw("code").tolist()  # text, as every cell; only a code with a space can need stripping
        found: dict[int, str | None] = {}
        for position in suspect_codes(codes).tolist():
            codes[position] = codes[position].strip()
            found[position] = code_problem(codes[position], self.year)
        bad = np.zeros(len(codes), dtype=bool)
        bad[[position for position, problem in found.items() if problem]] = True
        column = self.show("code")
        self.report(
            bad, lambda p: _("%(column)s: %(problem)s", column=column, problem=_(found[p] or "", max=CODE_MAX)), "code"
        )
        lengths = np.fromiter(map(len, codes), dtype=np.int64, count=len(codes))
        example = np.zeros(len(codes), dtype=bool)
        for position in np.flatnonzero(lengths == len(EXAMPLE_CODE)).tolist():
            example[position] = codes[position].upper() == EXAMPLE_CODE
        self.report(
            example,
            lambda p: _(
                "%(column)s: %(code)s is the template's example journey: delete its row before importing",
                column=column,
                code=codes[p],
            ),
        )
        return pd.Series(codes, dtype=object), ~bad & ~example

    def date(self, name: str) -> pd.Series:
        raw = self.raw(name).to_numpy(dtype=object)
        parsed = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[us]")
        filled = np.flatnonzero(raw != "")  # only cells with something in them are parsed
        if not len(filled):
            return pd.Series(parsed)
        # Each distinct text is parsed once: a file has far fewer days than rows.
        codes, texts = pd.factorize(raw[filled])
        days = pd.to_datetime(pd.Series(texts, dtype=object), format=DATE_FORMAT, errors="coerce").to_numpy(copy=True)
        # pandas reads the words 'today' and 'now' as a date in any format: a date is written in digits.
        days[[not any(character.isdigit() for character in str(text)) for text in texts]] = np.datetime64("NaT")
        values = days[codes]
        retry = np.isnat(values)
        if retry.any():
            tidy = pd.Series([_date_text(cell) for cell in raw[filled[retry]]], dtype=object)
            values[retry] = pd.to_datetime(tidy, format=DATE_FORMAT, errors="coerce").to_numpy()
            bad = np.zeros(len(raw), dtype=bool)
            bad[filled[retry]] = np.isnat(values[retry]) & (tidy != "").to_numpy()
            self.unreadable[name] = bad
            not_a_date = N_("%(column)s: '%(value)s' is not a date (YYYY-MM-DD)")
            no_day = N_("%(column)s: '%(value)s' is no day of the calendar: %(why)s")

            def problem(p: int) -> str:
                why = no_such_day(str(raw[p]))
                if why is None:
                    return _(not_a_date, column=self.show(name), value=quoted(raw[p]))
                return _(no_day, column=self.show(name), value=quoted(raw[p]), why=why)

            self.report(bad, problem, name)
        parsed[filled] = values
        return pd.Series(self.within_bounds(name, parsed))

    def within_bounds(self, name: str, parsed: np.ndarray) -> np.ndarray:
        """`parsed` with the dates of column `name` that are after today or before EARLIEST_DATE reported, and left
        out as unreadable."""
        early = parsed < np.datetime64(EARLIEST_DATE, "us")
        late = parsed > self.today
        if not (early.any() or late.any()):
            return parsed

        def shown(p: int) -> str:
            return self.day_text(pd.Timestamp(parsed[p]))

        self.report(
            late, lambda p: _("%(column)s: %(date)s is after today", column=self.show(name), date=shown(p)), name
        )
        too_early = N_("%(column)s: %(date)s is before %(earliest)s: is the year right?")
        earliest = self.day_text(pd.Timestamp(EARLIEST_DATE))
        self.report(early, lambda p: _(too_early, column=self.show(name), date=shown(p), earliest=earliest), name)
        self.unreadable[name] = self.refused(name) | early | late
        return np.where(early | late, np.datetime64("NaT"), parsed)

    def choice(self, column: Column, name: str) -> pd.Series:
        raw = self.raw(name)
        allowed = {*column.choices, ""}
        retry = (~raw.isin(allowed)).to_numpy()
        if not retry.any():
            return raw
        tidy = raw[retry].str.strip().str.lower().str.replace(r"[- ]", "_", regex=True)
        known = tidy.isin(allowed)
        if not known.all():  # the form's words for a value, in any of the app's languages: 'Inte antagen'
            words = choice_words(column.field)
            named = raw[retry][~known].map(lambda cell: words.get(plain_words(cell), ""))
            found = named != ""
            tidy[found[found].index] = named[found]
            known = known | found.reindex(known.index, fill_value=False)
        values = raw.copy()
        values[retry] = tidy.where(known, "")
        bad = np.zeros(len(raw), dtype=bool)
        bad[np.flatnonzero(retry)[~known.to_numpy()]] = True
        self.unreadable[name] = bad
        if bad.any():
            written = written_choices(column)  # as the reader would write them: in Swedish, the form's names
            choices, guesses = one_of(written), {}

            def not_one_of(position: int) -> str:
                value = str(raw.iat[position])
                if value not in guesses:  # the reader's words first, then the codes (which the import reads too)
                    guesses[value] = meant(value, written) or meant(value, list(column.choices))
                said = {"column": self.show(name), "value": quoted(value), "allowed": choices}
                if guesses[value] is None:
                    return _("%(column)s: '%(value)s' is not one of %(allowed)s", **said)
                return _("%(column)s: '%(value)s' is not one of %(allowed)s. Did you mean '%(meant)s'?",
                         meant=guesses[value], **said)  # fmt: skip

            self.report(bad, not_one_of, name)
        return values

    def yes_no(self, name: str) -> pd.Series:
        raw = self.raw(name)
        tidy = raw if raw.isin(["", "yes", "no"]).all() else raw.str.strip().str.lower()
        bad = (~tidy.isin(YES | NO | {""})).to_numpy()
        self.unreadable[name] = bad
        if bad.any():
            yes, no = yes_and_no()  # as the reader writes them: ja and nej in Swedish
            not_yes_or_no = N_("%(column)s: '%(value)s' is not %(yes)s or %(no)s")
            self.report(
                bad, lambda p: _(not_yes_or_no, column=self.show(name), value=quoted(raw.iat[p]), yes=yes, no=no), name
            )
        return ~tidy.isin(NO)

    def hours(self, name: str) -> pd.Series:
        raw = self.raw(name).to_numpy(dtype=object)
        hours = np.full(len(raw), np.nan)
        filled = np.flatnonzero(raw != "")
        try:
            # Python's float() also takes 'nan', 'inf' and '1_0': only plain decimal numbers are read all at once.
            if not pd.Series(raw[filled], dtype=object).str.fullmatch(_PLAIN_NUMBER).all():
                raise ValueError
            hours[filled] = raw[filled].astype(float)
        except ValueError:  # some cell is not a plain number: read each, allowing a decimal comma
            tidy = [str(cell).strip().replace(",", ".") for cell in raw[filled]]
            hours[filled] = pd.to_numeric(pd.Series(tidy, dtype=object), errors="coerce").to_numpy()
            bad = np.zeros(len(raw), dtype=bool)
            bad[filled] = np.isnan(hours[filled]) & np.array([cell != "" for cell in tidy], dtype=bool)
            self.unreadable[name] = bad
            not_hours = N_("%(column)s: '%(value)s' is not a number of hours")
            self.report(bad, lambda p: _(not_hours, column=self.show(name), value=quoted(raw[p])), name)
        outside = (hours < 0) | (hours > HOURS_MAX)
        out_of_range = N_("%(column)s: %(hours)s hours a week is outside 0-%(max)d")
        self.report(
            outside, lambda p: _(out_of_range, column=self.show(name), hours=str(raw[p]).strip(), max=HOURS_MAX), name
        )
        return pd.Series(hours)

    def parse(self, column: Column, name: str) -> pd.Series:
        """The column `name`, read as `column` says."""
        if column.kind is Kind.CHOICE:
            return self.choice(column, name)
        return {Kind.DATE: self.date, Kind.YES_NO: self.yes_no, Kind.HOURS: self.hours}[column.kind](name)

    # --- the rows as a whole ----------------------------------------------------------------------------------

    def run(self) -> CheckedJourneys:
        codes, usable = self.codes()
        journeys = pd.DataFrame({"code": codes})
        for column in JOURNEY_COLUMNS[1:]:
            journeys[column.field] = self.parse(column, column.name)
        self.not_accepted = (journeys["decision"] == Decision.NOT_ACCEPTED.value).to_numpy()
        self.duplicates(codes, usable)
        self.relations(journeys)
        if self.purged_before is not None:
            self.retention(journeys)
        spells = check_spells(self, journeys)
        if self.problems:
            raise ImportRefused(self.coded(codes, usable))
        groups = frozenset(group for group, numbers in spell_numbers(self.columns).items() if numbers)
        return CheckedJourneys(journeys, spells["job"], spells["education"], np.asarray(self.cells.lines), groups)

    def coded(self, codes: pd.Series, usable: np.ndarray) -> list[Problem]:
        """The problems, each on a row with a usable code given that code."""
        position = {int(line): p for p, line in enumerate(self.cells.lines)}
        return [
            replace(problem, code=codes.iat[position[problem.line]])
            if problem.line in position and usable[position[problem.line]]
            else problem
            for problem in self.problems
        ]

    def duplicates(self, codes: pd.Series, usable: np.ndarray) -> None:
        """Report each code already on an earlier line; codes that differ only in capitals are the same code."""
        keys = code_keys(codes)
        twice = keys.duplicated(keep=False).to_numpy() & usable
        first: dict[str, tuple[int, str]] = {}
        for position in np.flatnonzero(twice):
            key, code, line = keys.iat[position], codes.iat[position], int(self.cells.lines[position])
            if key not in first:
                first[key] = (line, code)
                continue
            first_line, first_code = first[key]
            if code == first_code:
                message = _("code: %(code)s is also on line %(first)d", code=code, first=first_line)
            else:
                message = _(
                    "code: %(code)s is on line %(first)d as %(other)s (codes that differ only in capitals are the "
                    "same code)",
                    code=code,
                    first=first_line,
                    other=first_code,
                )
            self.problems.append(Problem(line, message, "code"))

    def retention(self, journeys: pd.DataFrame) -> None:
        """Report the journeys that ended before the latest purge's cut-off, as the purge counts the end
        (`purge.retention_end`): the exit date, or for a referral not accepted without one, the decision's date or
        else the referral's."""
        refused_on = journeys["decision_date"].fillna(journeys["referral_date"])
        ended = journeys["exit_date"].where(journeys["exit_date"].notna(), refused_on.where(self.not_accepted))
        cutoff = np.datetime64(self.purged_before, "us")
        shown = self.day_text(pd.Timestamp(self.purged_before))
        self.report(
            (ended < cutoff).to_numpy(),
            lambda p: _(
                "the journey ended on %(date)s, before %(cutoff)s: the unit's journeys that ended before then were "
                "deleted by a purge, and are not taken again",
                date=self.day_text(ended.iat[p]),
                cutoff=shown,
            ),
        )

    def relations(self, journeys: pd.DataFrame) -> None:
        """Required columns, dates in order, and the columns that go together."""
        referral = journeys["referral_date"]
        missing = referral.isna().to_numpy() & ~self.refused("referral_date")
        self.report(missing, lambda p: _("%(column)s is missing", column=self.show("referral_date")), "referral_date")
        for name in AFTER_REFERRAL:
            self.before(name, journeys[name], "referral_date", referral)
        self.before("enrolment_date", journeys["enrolment_date"], "decision_date", journeys["decision_date"])
        self.before("enrolment_date", journeys["enrolment_date"], "first_meeting_date", journeys["first_meeting_date"])
        self.before("exit_date", journeys["exit_date"], "enrolment_date", journeys["enrolment_date"])
        # A first contact after leaving the unit is not the unit's work, and would count as one within 30 days.
        for name in ("first_employer_contact_date", "first_education_contact_date"):
            self.before("exit_date", journeys["exit_date"], name, journeys[name], column=name)

        not_accepted = self.not_accepted
        reason = (journeys["not_accepted_reason"] != "").to_numpy() | self.refused("not_accepted_reason")
        decision_read = ~self.refused("decision")
        reason_column = self.show("not_accepted_reason")
        self.report(
            not_accepted & ~reason,
            lambda p: _("%(column)s is required for a referral not accepted", column=reason_column),
            "not_accepted_reason",
        )
        self.report(
            ~not_accepted & reason & decision_read & ~self.refused("not_accepted_reason"),
            lambda p: _("%(column)s is only for a referral not accepted", column=reason_column),
            "not_accepted_reason",
        )
        enrolled = journeys["enrolment_date"].notna().to_numpy()
        enrolment = self.show("enrolment_date")
        not_enrolled = N_("%(column)s: a referral not accepted cannot be enrolled")
        self.report(not_accepted & enrolled, lambda p: _(not_enrolled, column=enrolment), "enrolment_date")
        undecided = (journeys["decision"] == "").to_numpy() & decision_read
        only_accepted = N_("%(column)s: only a referral accepted is enrolled")
        self.report(undecided & enrolled, lambda p: _(only_accepted, column=enrolment), "enrolment_date")
        # A decision's date without the decision: the date would be kept and never shown or counted.
        dated = journeys["decision_date"].notna().to_numpy()
        decision_names = {"column": self.show("decision_date"), "other": self.show("decision")}
        filled_alone = N_("%(column)s is filled in, but %(other)s is not")
        self.report(undecided & dated, lambda p: _(filled_alone, **decision_names), "decision")

        def none_when_not_accepted(name: str) -> Callable[[int], str]:
            return lambda _p: _("%(column)s: a referral not accepted has none", column=self.show(name))

        for name in ("first_employer_contact_date", "first_education_contact_date", "exit_date"):
            self.report(not_accepted & journeys[name].notna().to_numpy(), none_when_not_accepted(name), name)

        exited = journeys["exit_date"].notna().to_numpy() | self.refused("exit_date")
        exit_reason = (journeys["exit_reason"] != "").to_numpy() | self.refused("exit_reason")
        names = {"reason": self.show("exit_reason"), "date": self.show("exit_date")}
        self.report(exited & ~exit_reason, lambda p: _("%(reason)s is required with %(date)s", **names), "exit_reason")
        self.report(exit_reason & ~exited, lambda p: _("%(reason)s is given without %(date)s", **names), "exit_date")
