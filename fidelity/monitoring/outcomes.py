"""A unit's outcome figures per calendar quarter, computed from its journeys. Pure: pandas and numpy, no Flask.

The definitions are written once, here: as code below and as text in DEFINITIONS, which the outcomes page shows with
DEFINITIONS_VERSION. A change to any definition is a new version; every kept figure records the version it was
computed under.

Dates are whole days. A spell's end date is its last day; a missing end or exit date means it has not happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fidelity.models.monitoring import GAVE_UP, ZERO_EXCLUSION_BREACHES
from fidelity.monitoring.quarters import Quarter, quarters_between

if TYPE_CHECKING:
    from fidelity.monitoring.frames import JourneyFrames  # the tables only: this module reads no database

# Version 2 added the referrals of each quarter, those not accepted and screened out, and the longest wait; version 3
# those who gave up while waiting; version 4 leaves out jobs of 0 hours a week, which are no paid work; version 5
# counts employer contact within 30 days only for people towards work (a goal of education alone meets no employer);
# version 6 keeps each quarter's supervisors' full-time equivalents, for the specialists per supervisor; version 7
# counts job endings and exits.
DEFINITIONS_VERSION = "7"
CONTACT_DAYS = 30  # rapid job search: first face-to-face employer contact within 30 days of enrolment
RETENTION_DAYS = 90
CASELOAD_LIMIT = 20  # the IPS model's most people per work/study specialist
SUPERVISION_LIMIT = 10  # fidelity item O5: the employment supervisor supervises no more than 10 specialists
MINIMUM_SPECIALISTS = 2  # fidelity item O4: a vocational unit has at least 2 full-time specialists and a team leader
# Quarterly competitive employment rate (the US learning community's benchmarks): minimum, average, excellent.
BENCHMARKS = (("minimum", 0.31), ("average", 0.41), ("excellent", 0.50))
# With fewer people served than this, one person moves a quarter's rate by more than ten points, the distance between
# two benchmarks: such a rate is shown with its count and marked as resting on few people, and it is not set against
# the benchmarks (no "below the minimum", no benchmark's shade).
FEW_SERVED = 10


def N_(text: str) -> str:
    """Mark `text` for translation; the page translates it when it shows it."""
    return text


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    text: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition("served", N_("People served"), N_(
        "Enrolled on or before the quarter's last day and not exited before its first day.")),
    Definition("exits", N_("Exits"), N_(
        "People enrolled whose exit date fell in the quarter: the transitions off the caseload. Referrals not "
        "accepted and people who left before enrolment are not exits.")),
    Definition("in_competitive_work", N_("In competitive work"), N_(
        "People served who held a competitive job on at least one day of the quarter on which they were enrolled. A "
        "job counts from its first day of paid work; a job of 0 hours a week is no paid work, and does not count. The "
        "employment rate is this number divided by the people served; it is not given for a quarter in which nobody "
        "was served.")),
    Definition("in_education", N_("In education"), N_(
        "People served who were in an education spell on at least one day of the quarter on which they were "
        "enrolled; the education rate divides this by the people served.")),
    Definition("job_starts", N_("Competitive job starts"), N_(
        "Competitive jobs whose first day of paid work fell in the quarter, between the person's enrolment and exit "
        "(not a job of 0 hours a week). A person who starts two jobs counts twice.")),
    Definition("job_endings", N_("Competitive job endings"), N_(
        "Competitive jobs whose last day fell in the quarter, between the person's enrolment and exit (not a job of 0 "
        "hours a week, nor one whose last day came after the exit). A person whose two jobs end counts twice.")),
    Definition("education_starts", N_("Education starts"), N_(
        "Education spells that started in the quarter, between the person's enrolment and exit.")),
    Definition("median_days_to_employer_contact", N_("Days to first employer contact"), N_(
        "For people whose first face-to-face contact with an employer fell in the quarter: the median number of "
        "days from enrolment to that contact (a contact before enrolment counts as 0 days).")),
    Definition("contact_within_30", N_("Employer contact within 30 days"), N_(
        "Of the people towards work (a goal of work, or of work and education, or none recorded) whose 30th day after "
        "enrolment fell in the quarter, the share who had met an employer by that day. People whose goal is "
        "education alone are not counted, nor people who left before day 30 without meeting an employer.")),
    Definition("retained_90", N_("Jobs held 90 days"), N_(
        "Of the competitive jobs counted as job starts whose 90th day after the first day of paid work fell in the "
        "quarter, the share still held on that day. A job that ended before its 90th day was not retained.")),
    Definition("waiting_at_end", N_("Waiting at the quarter's end"), N_(
        "Referred on or before the quarter's last day and, by that day, neither enrolled, exited nor refused "
        "(referral not accepted).")),
    Definition("median_days_to_enrolment", N_("Days from referral to enrolment"), N_(
        "For people enrolled in the quarter: the median number of days from referral to enrolment.")),
    Definition("longest_wait_at_end", N_("Longest wait at the quarter's end"), N_(
        "Of the people waiting at the quarter's end, the days since referral of the one who had waited longest; not "
        "given when nobody was waiting.")),
    Definition("referred", N_("Referrals"), N_("People referred in the quarter.")),
    Definition("not_accepted", N_("Referrals not accepted"), N_(
        "Of the people referred in the quarter, those whose referral was not accepted, as the journeys stand: a "
        "decision made after the quarter counts in the quarter of the referral.")),
    Definition("screened_out", N_("Screened out"), N_(
        "Of the referrals not accepted, those refused for a reason that breaches zero exclusion: not motivated, not "
        "ready, substance use, symptoms, a needs assessment not granted, a criminal record, or an eligibility rule. "
        "The share screened out divides this by the referrals. The IPS model accepts everyone who wants to work.")),
    Definition("gave_up", N_("Gave up while waiting"), N_(
        "Of the people referred in the quarter and not refused, those who left before enrolment because they "
        "withdrew or lost contact, as the journeys stand; the share divides them by the referrals not refused.")),
    Definition("caseload", N_("Caseload per specialist"), N_(
        "People served divided by the work/study specialists' full-time equivalents recorded for the quarter; not "
        "given without staffing, or with no specialist time recorded. The IPS model allows at most 20: a quarter "
        "above 20, as shown to one decimal, is marked.")),
    Definition("specialists_per_supervisor", N_("Specialists per supervisor"), N_(
        "The work/study specialists' full-time equivalents recorded for the quarter divided by the supervisors'; not "
        "given without staffing, and a quarter with specialist time but no supervisor time recorded says so. The IPS "
        "model's employment supervisor supervises at most 10 specialists: a quarter above 10 per full-time "
        "supervisor, as shown to one decimal, is marked.")),
)  # fmt: skip


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def rounded(value: float | None, decimals: int) -> float | None:
    """A figure as an export gives it: rounded half up to `decimals` places, as the pages round (19.25 to one place
    is 19.3 there, where Python's round gives 19.2), None kept."""
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def version_number(version: str) -> int:
    """A definitions version as an export writes it: the whole number it is, which a spreadsheet can sort and compare
    (the outcomes and the waiting list keep theirs as text, as the database and the API give them)."""
    return int(version)


def per_supervisor(specialist_fte: float | None, supervisor_fte: float | None) -> float | None:
    """A quarter's work/study specialists per full-time supervisor: their full-time equivalents divided; None without
    staffing, or without supervisor time (nothing to divide by)."""
    if specialist_fte is None or not supervisor_fte:
        return None
    return specialist_fte / supervisor_fte


def supervision(specialist_fte: float | None, supervisor_fte: float | None) -> str | None:
    """Where a quarter's staffing stands against the model's SUPERVISION_LIMIT specialists per full-time supervisor:
    "over" above it, judged as shown, to one decimal (4.7 specialists to 0.47 supervisor is 10, within, though the
    division in binary gives 10.000000000000002); "within" at or under it; "no_supervisor" with specialist time but no
    supervisor time recorded; None without staffing, without specialist time (nobody to supervise), or where the
    supervisors were not kept (a quarter locked before definitions version 6)."""
    if specialist_fte is None or supervisor_fte is None or not specialist_fte:
        return None
    ratio = per_supervisor(specialist_fte, supervisor_fte)
    if ratio is None:
        return "no_supervisor"
    shown = rounded(ratio, 1)  # as the pages show it
    return "over" if shown is not None and shown > SUPERVISION_LIMIT else "within"


def over_caseload(caseload: float | None) -> bool:
    """Whether a quarter's people served per specialist are above the model's CASELOAD_LIMIT, judged as the pages
    show the caseload, to one decimal: 20.04 is shown as 20.0 and is not marked above 20 beside it."""
    shown = rounded(caseload, 1)
    return shown is not None and shown > CASELOAD_LIMIT


def below_unit_minimum(specialist_fte: float | None) -> bool:
    """Whether a quarter's recorded specialists fall short of the vocational unit the model asks for: fewer than
    MINIMUM_SPECIALISTS full-time equivalents (no staffing recorded: nothing to say)."""
    return specialist_fte is not None and specialist_fte < MINIMUM_SPECIALISTS


def benchmark_reached(rate: float | None) -> str | None:
    """The highest employment benchmark a rate reaches ('minimum', 'average', 'excellent'), or None below them all."""
    reached = [key for key, level in BENCHMARKS if rate is not None and whole_percent(rate) >= whole_percent(level)]
    return reached[-1] if reached else None


def few_served(served: int | None) -> bool:
    """Whether a rate among `served` people rests on too few to be set against the benchmarks or another unit's: one
    to FEW_SERVED - 1 people (none served gives no rate at all)."""
    return served is not None and 0 < served < FEW_SERVED


def one_person_points(served: int) -> int:
    """The whole points one person moves a rate among `served` people by, rounded as the rates are (8 people: 13)."""
    return whole_percent(1 / served)


def judged(rate: float | None, served: int | None) -> str | None:
    """Where an employment rate among `served` people stands against the benchmarks: the highest it reaches, "below"
    under them all, "few" when it rests on too few people (`few_served`) to say, None without a rate."""
    if rate is None or not served:
        return None
    if few_served(served):
        return "few"
    return benchmark_reached(rate) or "below"


def whole_percent(rate: float) -> int:
    """A rate in whole percent, rounded half up as people round: 0.425 is 43 %."""
    # The share as written (0.575), times 100 in decimal: 100 * 0.575 in binary is 57.49999999999999.
    return int((Decimal(repr(rate)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class ServedRates:
    """The rates that follow from the counts of people served, in one quarter or several added up."""

    served: int
    in_competitive_work: int
    in_education: int
    contact_window_closed: int
    contact_within_30: int

    @property
    def employment_rate(self) -> float | None:
        return share(self.in_competitive_work, self.served)

    @property
    def education_rate(self) -> float | None:
        return share(self.in_education, self.served)

    @property
    def share_within_30(self) -> float | None:
        return share(self.contact_within_30, self.contact_window_closed)


@dataclass(frozen=True)
class QuarterFigures(ServedRates):
    """The figures of one quarter; the counts are what is kept, the rates follow from them."""

    quarter: Quarter
    served: int
    in_competitive_work: int
    in_education: int
    job_starts: int
    education_starts: int
    median_days_to_employer_contact: float | None
    contact_window_closed: int
    contact_within_30: int
    retention_window_closed: int
    retained_90: int
    waiting_at_end: int
    median_days_to_enrolment: float | None
    # Kept since definitions version 2: None in a quarter locked before then.
    longest_wait_at_end: int | None  # None also when nobody was waiting
    referred: int | None
    not_accepted: int | None
    screened_out: int | None
    specialist_fte: float | None
    gave_up: int | None = None  # since definitions version 3
    supervisor_fte: float | None = None  # since definitions version 6; None also without staffing
    job_endings: int | None = None  # since definitions version 7
    exits: int | None = None  # since definitions version 7

    @property
    def retention_90(self) -> float | None:
        return share(self.retained_90, self.retention_window_closed)

    @property
    def screened_out_share(self) -> float | None:
        """Of the quarter's referrals, the share refused for a reason that breaches zero exclusion."""
        return None if self.screened_out is None or not self.referred else self.screened_out / self.referred

    @property
    def gave_up_share(self) -> float | None:
        """Of the quarter's referrals not refused, the share who gave up while waiting."""
        if self.gave_up is None or self.referred is None or self.not_accepted is None:
            return None
        return share(self.gave_up, self.referred - self.not_accepted)

    @property
    def caseload_per_specialist(self) -> float | None:
        return self.served / self.specialist_fte if self.specialist_fte else None

    @property
    def specialists_per_supervisor(self) -> float | None:
        return per_supervisor(self.specialist_fte, self.supervisor_fte)

    def counts(self) -> dict[str, int | float | None]:
        """The kept figures by column name, without the quarter."""
        return {name: getattr(self, name) for name in KEPT_FIELDS}


KEPT_FIELDS = tuple(name for name in QuarterFigures.__dataclass_fields__ if name != "quarter")

# The figures' columns in the exports (the outcomes', the waiting list's, the comparison's) as a Swedish reader's
# files name them (see `fidelity.column_names`), in the words the Swedish pages use.
SWEDISH_COLUMNS: dict[str, str] = {
    "unit": "enhet",
    "year": "år",
    "quarter": "kvartal",
    "definitions_version": "definitionsversion",
    "served": "i_stöd",
    "in_competitive_work": "i_arbete_öppna_marknaden",
    "employment_rate": "andel_i_arbete",
    "in_education": "i_studier",
    "education_rate": "andel_i_studier",
    "job_starts": "påbörjade_anställningar",
    "education_starts": "påbörjade_utbildningar",
    "median_days_to_employer_contact": "mediantal_dagar_till_arbetsgivarkontakt",
    "contact_window_closed": "nådde_dag_30",
    "contact_within_30": "arbetsgivarkontakt_inom_30",
    "share_within_30": "andel_arbetsgivarkontakt_inom_30",
    "retention_window_closed": "nådde_dag_90",
    "retained_90": "varat_90_dagar",
    "retention_90": "andel_varat_90_dagar",
    "waiting_at_end": "väntande_vid_kvartalets_slut",
    "median_days_to_enrolment": "mediantal_dagar_till_inskrivning",
    "longest_wait_at_end": "längsta_väntan_vid_kvartalets_slut",
    "referred": "remitterade",
    "not_accepted": "ej_antagna",
    "screened_out": "bortsållade",
    "screened_out_share": "andel_bortsållade",
    "specialist_fte": "specialister_årsarbetare",
    "gave_up": "gav_upp",
    "gave_up_share": "andel_gav_upp",
    "caseload_per_specialist": "deltagare_per_specialist",
    "supervisor_fte": "ips_ledare_årsarbetare",
    "job_endings": "avslutade_anställningar",
    "exits": "avslut",
    "specialists_per_supervisor": "specialister_per_ips_ledare",
    "to_date": "hittills",
}


def counted_jobs(jobs: pd.DataFrame) -> pd.DataFrame:
    """The jobs the figures count: competitive ones, other than those of 0 hours a week (no paid work). A job whose
    hours were not recorded counts."""
    counted = jobs["competitive"].astype(bool).to_numpy(copy=True)
    if "hours_per_week" in jobs:
        counted &= ~(pd.to_numeric(jobs["hours_per_week"]) == 0).to_numpy()
    return jobs[counted]


def quarter_figures(frames: JourneyFrames, quarter: Quarter, as_of: date | None = None) -> QuarterFigures:
    """The figures of one quarter for one unit's journeys (see `figures_by_quarter`)."""
    return figures_by_quarter(frames, quarter, quarter, as_of)[0]


def first_quarter(frames: JourneyFrames) -> Quarter | None:
    """The quarter of the unit's first referral; None without journeys."""
    if frames.journeys.empty:
        return None
    return Quarter.of(frames.journeys["referral_date"].min().date())


# Days are counted as whole days since 1970; a date that has not happened is far in the future.
NEVER = np.int64(10**9)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _day(value: date) -> np.int64:
    return np.datetime64(value, "D").astype(np.int64)


def _days(column: pd.Series) -> np.ndarray:
    values = column.to_numpy(dtype="datetime64[ns]")
    days = values.astype("datetime64[D]").astype(np.int64)
    days[np.isnat(values)] = NEVER
    return days


def _falls_in(days: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """days x quarters: whether each day falls in each quarter (a day that has not happened falls in none)."""
    return (days[:, None] >= starts) & (days[:, None] <= ends)


def mean_days_to_employer_contact(journeys: pd.DataFrame, quarter: Quarter) -> float | None:
    """For the people enrolled whose first face-to-face employer contact fell in `quarter`: the mean number of days
    from enrolment to that contact (a contact before enrolment counts as 0 days), as the IPS scale's rapid job search
    item judges it; the quarterly figures give the median of the same days. None when nobody's contact fell in it."""
    enrolled = _days(journeys["enrolment_date"])
    contact = _days(journeys["first_employer_contact_date"])
    inside = (enrolled != NEVER) & (contact >= _day(quarter.start)) & (contact <= _day(quarter.end))
    days = np.clip(contact - enrolled, 0, None)[inside]
    return float(days.mean()) if days.size else None


def _median_by_quarter(
    events: np.ndarray, values: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> list[float | None]:
    """The median of `values` over the events falling in each quarter; None for a quarter without events."""
    index = np.searchsorted(starts, events, side="right") - 1
    index[index < 0] = len(starts)  # before the first quarter: nowhere
    padded_ends = np.append(ends, -1)
    inside = events <= padded_ends[index]
    medians = pd.Series(values[inside]).groupby(index[inside]).median()
    return [float(medians[q]) if q in medians.index else None for q in range(len(starts))]


def _refused(people: pd.DataFrame) -> np.ndarray:
    """Per journey, the day its referral was refused: the decision's day, or the referral's when the decision has no
    date; NEVER for a referral not refused."""
    decided, referral = _days(people["decision_date"]), _days(people["referral_date"])
    return np.where((people["decision"] == "not_accepted").to_numpy(bool),
                    np.where(decided == NEVER, referral, decided), NEVER)  # fmt: skip


def figures_by_quarter(
    frames: JourneyFrames, first: Quarter, last: Quarter, as_of: date | None = None
) -> list[QuarterFigures]:
    """Every quarter's figures from `first` to `last` for one unit's journeys, in one vectorised pass.

    `as_of` (today) ends the last quarter early when it is still running: nothing after that day is counted. It may
    not fall before the last quarter's first day.
    """
    if as_of is not None and as_of < last.start:
        raise ValueError(f"{last} has not started on {as_of}")
    quarters = list(quarters_between(first, last))
    starts = np.array([_day(q.start) for q in quarters], dtype=np.int64)
    ends = np.array([_day(min(q.end, as_of) if as_of else q.end) for q in quarters], dtype=np.int64)

    people = frames.journeys
    referral = _days(people["referral_date"])
    enrolled = _days(people["enrolment_date"])
    exited = _days(people["exit_date"])
    contact = _days(people["first_employer_contact_date"])
    refused = _refused(people)

    # people x quarters
    served = (enrolled[:, None] <= ends) & (exited[:, None] >= starts)
    waiting = (referral[:, None] <= ends) & (enrolled[:, None] > ends) & (exited[:, None] > ends)
    waiting &= refused[:, None] > ends
    is_enrolled = enrolled != NEVER
    after_enrolment = np.clip(contact - enrolled, 0, None)
    to_enrolment = enrolled - referral

    day_30 = enrolled + CONTACT_DAYS
    met = contact <= day_30
    counted_30 = is_enrolled & _towards_work(people) & ~((exited < day_30) & ~met)
    window_30 = counted_30[:, None] & _falls_in(day_30, starts, ends)

    ids = pd.Index(people["id"])
    jobs = counted_jobs(frames.jobs)
    work = _spells(jobs, ids, enrolled, exited, served, starts, ends)
    study = _spells(frames.education, ids, enrolled, exited, served, starts, ends)

    # The quarter's referrals: those not accepted, and those screened out, as the journeys stand.
    referred_in = _falls_in(referral, starts, ends)
    not_accepted = (people["decision"] == "not_accepted").to_numpy(bool)
    breach = people["not_accepted_reason"].isin([reason.value for reason in ZERO_EXCLUSION_BREACHES]).to_numpy(bool)
    # Exits: people enrolled who left in the quarter (those who left before enrolment are no transition off the
    # caseload).
    exits = _falls_in(exited, starts, ends) & (enrolled <= exited)[:, None]
    # Gave up while waiting: not refused, and left before enrolment because they withdrew or lost contact.
    left_early = (exited != NEVER) & (enrolled > exited)
    gave_up = ~not_accepted & left_early & people["exit_reason"].isin([r.value for r in GAVE_UP]).to_numpy(bool)
    # The longest wait at each quarter's end: from the earliest referral of those still waiting then.
    earliest_waiting = [referral[waiting[:, q]].min(initial=NEVER) for q in range(len(quarters))]

    fte = {(int(r.year), int(r.quarter)): float(r.specialist_fte) for r in frames.staffing.itertuples()}
    # Supervisors left empty count as 0, as the staffing form says.
    supervisors = {(int(r.year), int(r.quarter)): 0.0 if pd.isna(r.supervisor_fte) else float(r.supervisor_fte)
                   for r in frames.staffing.itertuples()}  # fmt: skip
    contact_medians = _median_by_quarter(contact[is_enrolled], after_enrolment[is_enrolled], starts, ends)
    enrolment_medians = _median_by_quarter(enrolled[is_enrolled], to_enrolment[is_enrolled], starts, ends)
    return [
        QuarterFigures(
            quarter=quarter,
            served=int(served[:, q].sum()),
            in_competitive_work=work.people[q],
            in_education=study.people[q],
            job_starts=work.starts[q],
            education_starts=study.starts[q],
            median_days_to_employer_contact=contact_medians[q],
            contact_window_closed=int(window_30[:, q].sum()),
            contact_within_30=int((window_30[:, q] & met).sum()),
            retention_window_closed=work.retention_closed[q],
            retained_90=work.retained[q],
            waiting_at_end=int(waiting[:, q].sum()),
            median_days_to_enrolment=enrolment_medians[q],
            longest_wait_at_end=None if earliest_waiting[q] == NEVER else int(ends[q] - earliest_waiting[q]),
            referred=int(referred_in[:, q].sum()),
            not_accepted=int((referred_in[:, q] & not_accepted).sum()),
            screened_out=int((referred_in[:, q] & not_accepted & breach).sum()),
            specialist_fte=fte.get((quarter.year, quarter.number)),
            gave_up=int((referred_in[:, q] & gave_up).sum()),
            supervisor_fte=supervisors.get((quarter.year, quarter.number)),
            job_endings=work.endings[q],
            exits=int(exits[:, q].sum()),
        )
        for q, quarter in enumerate(quarters)
    ]


@dataclass(frozen=True)
class _SpellCounts:
    people: list[int]  # people served holding a spell on a day of the quarter they were enrolled
    starts: list[int]  # spells starting in the quarter between enrolment and exit
    retention_closed: list[int]  # of those spells, the ones whose 90th day fell in the quarter
    retained: list[int]  # ... still held on that day
    endings: list[int]  # spells whose last day fell in the quarter between enrolment and exit


def _spells(
    spells: pd.DataFrame,
    ids: pd.Index,
    enrolled: np.ndarray,
    exited: np.ndarray,
    served: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> _SpellCounts:
    person = ids.get_indexer(spells["journey_id"])
    known = person >= 0
    person = person[known]
    begin, end = _days(spells["start_date"])[known], _days(spells["end_date"])[known]
    enrolled, exited = enrolled[person], exited[person]
    # spells x quarters: held on a day that is in the quarter and between the person's enrolment and exit
    held = begin[:, None] <= np.minimum(ends, exited[:, None])
    held &= end[:, None] >= np.maximum(starts, enrolled[:, None])
    held &= served[person]
    holding = np.zeros(served.shape, dtype=bool)
    np.logical_or.at(holding, person, held)
    counted = (begin >= enrolled) & (begin <= exited)
    started = counted[:, None] & _falls_in(begin, starts, ends)
    day_90 = begin + RETENTION_DAYS
    closed = counted[:, None] & _falls_in(day_90, starts, ends)
    kept = closed & (end >= day_90)[:, None]
    ended = ((end >= enrolled) & (end <= exited))[:, None] & _falls_in(end, starts, ends)
    return _SpellCounts(
        people=[int(n) for n in holding.sum(axis=0)],
        starts=[int(n) for n in started.sum(axis=0)],
        retention_closed=[int(n) for n in closed.sum(axis=0)],
        retained=[int(n) for n in kept.sum(axis=0)],
        endings=[int(n) for n in ended.sum(axis=0)],
    )


def _towards_work(people: pd.DataFrame) -> np.ndarray:
    """Whose goal is not education alone: work, work and education, or none recorded (as the journey list's people
    without employer contact)."""
    return (people["goal"] != "education").to_numpy(bool)


def last_counted_day(frames: JourneyFrames) -> pd.Series:
    """Per journey id, the last day on which it counts in any figure: its exit (or, for a referral refused and not
    exited, the refusal, after which it no longer waits), its first employer contact, the end of its 30 days after
    enrolment, the 90th day of its jobs. None for a journey that goes on, neither exited nor refused."""
    people = frames.journeys
    enrolled, exited = _days(people["enrolment_date"]), _days(people["exit_date"])
    ended = np.where(exited != NEVER, exited, _refused(people))
    contact = _days(people["first_employer_contact_date"])
    is_enrolled = enrolled != NEVER
    day_30 = enrolled + CONTACT_DAYS
    counted_30 = is_enrolled & _towards_work(people) & ~((exited < day_30) & (contact > day_30))
    last = np.maximum(ended, np.where(is_enrolled & (contact != NEVER), contact, ended))
    last = np.maximum(last, np.where(counted_30, day_30, ended))
    ids = pd.Index(people["id"])
    jobs = counted_jobs(frames.jobs)
    person = ids.get_indexer(jobs["journey_id"])
    begin = _days(jobs["start_date"])[person >= 0]
    person = person[person >= 0]
    counted = (begin >= enrolled[person]) & (begin <= exited[person])
    np.maximum.at(last, person[counted], begin[counted] + RETENTION_DAYS)
    dates = [None if day >= NEVER else date.fromordinal(int(day) + EPOCH_ORDINAL) for day in last]
    return pd.Series(dates, index=ids, dtype=object)
