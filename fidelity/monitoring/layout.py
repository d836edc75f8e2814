"""The journey file: one row per journey, its columns described once, here.

Imports read this layout, exports and templates write it, and the README's table and the import page's help are
made from it (`markdown_table`; a test keeps the README in step).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from fidelity.column_names import ColumnNames
from fidelity.models.monitoring import CODE_MAX, AgeBand, Decision, ExitReason, Goal, NotAcceptedReason


class Kind(enum.Enum):
    CODE = "code"
    DATE = "date"
    CHOICE = "choice"
    YES_NO = "yes_no"
    HOURS = "hours"


@dataclass(frozen=True)
class Column:
    """One column of the file: its header, what it holds and the model field it fills."""

    name: str  # for a spell column, with <N> where the spell's number goes: job<N>_start
    kind: Kind
    field: str
    description: Any  # a lazy translatable string
    required: bool = False
    choices: tuple[str, ...] = ()
    example: str = ""

    def numbered(self, number: int) -> str:
        return self.name.replace("<N>", str(number))

    @property
    def allowed(self) -> Any:
        """The values the column takes, in words for the help (a lazy translatable string, or the choices)."""
        if self.kind is Kind.CHOICE:
            return ", ".join(self.choices)
        return {
            Kind.CODE: _l("1-%(max)d letters, digits, - and _, not starting with -", max=CODE_MAX),
            Kind.DATE: _l("a date, YYYY-MM-DD"),
            Kind.YES_NO: _l("yes or no"),
            Kind.HOURS: _l("0-%(max)d", max=HOURS_MAX),
        }[self.kind]


HOURS_MAX = 80  # hours a week
JA_NEJ = ("ja", "nej")  # yes and no as a Swedish reader writes them, which the import reads (with yes and no)


def _values(enum_class: Iterable[enum.Enum]) -> tuple[str, ...]:
    return tuple(str(member.value) for member in enum_class)


D = Kind.DATE
# The code of the templates' example journey: refused on import, so that an example left in a file is not taken for
# a person.
EXAMPLE_CODE = "EXAMPLE"
JOURNEY_COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        Kind.CODE,
        "code",
        _l(
            "The unit's pseudonymous code for the person: never a name, a national identity number, a date of birth "
            "or a phone number."
        ),
        required=True,
        example=EXAMPLE_CODE,
    ),
    Column(
        "referral_date", D, "referral_date", _l("The day the referral reached the unit."), True, example="2026-01-12"
    ),
    Column(
        "age_band",
        Kind.CHOICE,
        "age_band",
        _l("Age at referral, as a band."),
        choices=_values(AgeBand),
        example="25_29",
    ),
    Column(
        "goal",
        Kind.CHOICE,
        "goal",
        _l("What the person wants: work, education or both."),
        choices=_values(Goal),
        example="work",
    ),
    Column(
        "decision",
        Kind.CHOICE,
        "decision",
        _l("Whether the unit accepted the referral; empty while undecided."),
        choices=_values(Decision),
        example="accepted",
    ),
    Column("decision_date", D, "decision_date", _l("The day of the decision."), example="2026-01-19"),
    Column(
        "not_accepted_reason",
        Kind.CHOICE,
        "not_accepted_reason",
        _l("Why the referral was not accepted: required exactly when it was not accepted."),
        choices=_values(NotAcceptedReason),
    ),
    Column(
        "first_meeting_date",
        D,
        "first_meeting_date",
        _l("The first meeting with a work/study specialist."),
        example="2026-01-21",
    ),
    Column(
        "enrolment_date",
        D,
        "enrolment_date",
        _l("The day support started: not before the first meeting, and never for a referral not accepted."),
        example="2026-01-26",
    ),
    Column(
        "first_employer_contact_date",
        D,
        "first_employer_contact_date",
        _l(
            "The first face-to-face meeting with an employer about the person (a call or an email does not count), "
            "not after the person has left the unit."
        ),
        example="2026-02-09",
    ),
    Column(
        "first_education_contact_date",
        D,
        "first_education_contact_date",
        _l(
            "The first contact with a school or college on the person's behalf, not after the person has left the unit."
        ),
    ),
    Column("exit_date", D, "exit_date", _l("The day the journey ended; empty while it goes on.")),
    Column(
        "exit_reason",
        Kind.CHOICE,
        "exit_reason",
        _l("Why the journey ended: required exactly when there is an exit date."),
        choices=_values(ExitReason),
    ),
)
JOB_COLUMNS: tuple[Column, ...] = (
    Column("job<N>_start", D, "start_date", _l("The first day of the person's job number N."), example="2026-03-16"),
    Column("job<N>_end", D, "end_date", _l("Its last day; empty while the job goes on.")),
    Column(
        "job<N>_competitive",
        Kind.YES_NO,
        "competitive",
        _l(
            "Open to anyone and paid at least the going wage: yes or no (empty means yes; y/n, true/false, 1/0 and "
            "ja/nej are read too, in any capitals)."
        ),
        example="yes",
    ),
    Column("job<N>_hours", Kind.HOURS, "hours_per_week", _l("Hours worked per week."), example="20"),
)
EDUCATION_COLUMNS: tuple[Column, ...] = (
    Column("education<N>_start", D, "start_date", _l("The first day of the person's course of study number N.")),
    Column("education<N>_end", D, "end_date", _l("Its last day; empty while the course goes on.")),
)
LAYOUT: tuple[Column, ...] = JOURNEY_COLUMNS + JOB_COLUMNS + EDUCATION_COLUMNS
SPELL_GROUPS = {"job": JOB_COLUMNS, "education": EDUCATION_COLUMNS}

# Each column's name in Swedish, as a Swedish unit's templates and exports name it. An import takes either name, in
# any capitals, so that a file keeps the names its unit reads.
SWEDISH: dict[str, str] = {
    "code": "kod",
    "referral_date": "remissdatum",
    "age_band": "åldersgrupp",
    "goal": "mål",
    "decision": "beslut",
    "decision_date": "beslutsdatum",
    "not_accepted_reason": "skäl_ej_antagen",
    "first_meeting_date": "första_mötet",
    "enrolment_date": "inskrivning",
    "first_employer_contact_date": "första_arbetsgivarkontakt",
    "first_education_contact_date": "första_utbildningskontakt",
    "exit_date": "avslutsdatum",
    "exit_reason": "avslutsskäl",
    "job<N>_start": "anställning<N>_start",
    "job<N>_end": "anställning<N>_slut",
    "job<N>_competitive": "anställning<N>_öppna_marknaden",
    "job<N>_hours": "anställning<N>_timmar",
    "education<N>_start": "utbildning<N>_start",
    "education<N>_end": "utbildning<N>_slut",
}
NAMES = ColumnNames(SWEDISH)


def english_name(name: str) -> str:
    """The layout's name of a column named in English or in Swedish (in small letters); any other name as it is."""
    return NAMES.english_name(name)


def swedish_name(name: str) -> str:
    """The Swedish name of a column of the layout (job2_hours: anställning2_timmar)."""
    return NAMES.swedish_name(name)


_SPELL_HEADER = re.compile(r"(job|education)([1-9][0-9]*)_([a-z]+)")


def spell_header(name: str) -> tuple[str, int, Column] | None:
    """('job', 2, the job<N>_hours column) for 'job2_hours'; None for a name that is no spell column."""
    match = _SPELL_HEADER.fullmatch(name)
    if match is None:
        return None
    group, number, _suffix = match.groups()
    column = next((c for c in SPELL_GROUPS[group] if c.numbered(int(number)) == name), None)
    return None if column is None else (group, int(number), column)


def header(jobs: int = 1, education: int = 1) -> list[str]:
    """The columns of a file with room for `jobs` jobs and `education` courses per journey."""
    names = [c.name for c in JOURNEY_COLUMNS]
    names += [c.numbered(n) for n in range(1, jobs + 1) for c in JOB_COLUMNS]
    names += [c.numbered(n) for n in range(1, education + 1) for c in EDUCATION_COLUMNS]
    return names


def example_row() -> dict[str, str]:
    """The templates' example journey, with one job and room for one course."""
    by_name = {c.name: c for c in JOURNEY_COLUMNS}
    row = {}
    for name in header():
        spell = spell_header(name)
        column = spell[2] if spell else by_name[name]
        row[name] = column.example if spell is None or spell[1] == 1 else ""
    return row


def markdown_table() -> str:
    """The layout as the README shows it."""
    lines = ["| column | in Swedish | required | values | what it holds |", "| --- | --- | --- | --- | --- |"]
    for column in LAYOUT:
        required = "yes" if column.required else ""
        lines.append(
            f"| `{column.name}` | `{SWEDISH[column.name]}` | {required} | {column.allowed} | {column.description} |"
        )
    return "\n".join(lines)
