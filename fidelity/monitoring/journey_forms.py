"""Forms for one journey and its job and education spells."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fidelity.audit import ERASE_MISTAKE, ERASE_REQUEST
from fidelity.day_field import DayField
from fidelity.models.monitoring import (
    CODE_MAX,
    ZERO_EXCLUSION_BREACHES,
    AgeBand,
    Decision,
    ExitReason,
    Goal,
    NotAcceptedReason,
)
from fidelity.monitoring.fields import DecimalCommaField
from fidelity.monitoring.layout import HOURS_MAX, spell_header

AGE_BAND_NAMES = {
    AgeBand.UNDER_18: _l("Under 18"),
    AgeBand.AGE_18_24: _l("18-24"),
    AgeBand.AGE_25_29: _l("25-29"),
    AgeBand.AGE_30_39: _l("30-39"),
    AgeBand.AGE_40_49: _l("40-49"),
    AgeBand.AGE_50_64: _l("50-64"),
    AgeBand.AGE_65_PLUS: _l("65 or older"),
}
GOAL_NAMES = {Goal.WORK: _l("Work"), Goal.EDUCATION: _l("Education"), Goal.BOTH: _l("Work and education")}
DECISION_NAMES = {Decision.ACCEPTED: _l("Accepted"), Decision.NOT_ACCEPTED: _l("Not accepted")}
REASON_NAMES = {
    NotAcceptedReason.NOT_MOTIVATED: _l("Judged not motivated"),
    NotAcceptedReason.NOT_READY: _l("Judged not ready for work or study"),
    NotAcceptedReason.SUBSTANCE_USE: _l("Active substance use"),
    NotAcceptedReason.SYMPTOMS: _l("Symptoms judged too severe"),
    NotAcceptedReason.NEEDS_ASSESSMENT_NOT_GRANTED: _l("Needs assessment not granted"),
    NotAcceptedReason.CRIMINAL_RECORD: _l("Criminal record"),
    NotAcceptedReason.OUTSIDE_ELIGIBILITY: _l("Outside a local eligibility rule (such as an age limit)"),
    NotAcceptedReason.DECLINED: _l("The person declined"),
    NotAcceptedReason.NOT_REACHED: _l("Could not be reached"),
    NotAcceptedReason.MOVED_AWAY: _l("Moved away"),
    NotAcceptedReason.OTHER: _l("Other"),
}
EXIT_NAMES = {
    ExitReason.GOAL_REACHED: _l("Goal reached; support no longer needed"),
    ExitReason.WITHDREW: _l("Withdrew"),
    ExitReason.LOST_CONTACT: _l("Lost contact"),
    ExitReason.MOVED_AWAY: _l("Moved away"),
    ExitReason.REFERRED_ELSEWHERE: _l("Referred elsewhere"),
    ExitReason.OTHER: _l("Other"),
}
# The words for each coded value of a journey's choices, by column.
CHOICE_LABELS: dict[str, dict[Any, Any]] = {
    "age_band": AGE_BAND_NAMES,
    "goal": GOAL_NAMES,
    "decision": DECISION_NAMES,
    "not_accepted_reason": REASON_NAMES,
    "exit_reason": EXIT_NAMES,
}
# What the form calls each of a journey's columns, and each column of a job or course; problems found by the import's
# checks name them so.
JOURNEY_LABELS = {
    "code": _l("Code"),
    "age_band": _l("Age band"),
    "goal": _l("Goal"),
    "referral_date": _l("Referred"),
    "decision": _l("Decision"),
    "decision_date": _l("Decided"),
    "not_accepted_reason": _l("Reason not accepted"),
    "first_meeting_date": _l("First meeting"),
    "enrolment_date": _l("Enrolled"),
    "first_employer_contact_date": _l("First face-to-face employer contact"),
    "first_education_contact_date": _l("First contact with an education provider"),
    "exit_date": _l("Left the unit"),
    "exit_reason": _l("Reason for leaving"),
}
SPELL_LABELS = {
    "start_date": _l("Started"),
    "end_date": _l("Ended"),
    "competitive": _l("Competitive job"),
    "hours_per_week": _l("Hours per week"),
}


def field_label(name: str) -> str:
    """The form's name for the file column `name`: 'Ended, job 2' for job2_end."""
    spell = spell_header(name)
    if spell is None:
        return str(JOURNEY_LABELS.get(name, name))
    group, number, column = spell
    field = SPELL_LABELS[column.field]
    if group == "job":
        return _("%(field)s, job %(number)d", field=field, number=number)
    return _("%(field)s, course %(number)d", field=field, number=number)


# The journey's dates in the order a person goes through them.
DATE_FIELDS = (
    "referral_date",
    "decision_date",
    "first_meeting_date",
    "enrolment_date",
    "first_employer_contact_date",
    "first_education_contact_date",
    "exit_date",
)


def _choices(names: dict[Any, Any], blank: Any) -> list[SelectChoice]:
    return [SelectChoice("", blank), *(SelectChoice(member.value, name) for member, name in names.items())]


def _reason_choices() -> list[SelectChoice]:
    """The reasons a referral was not accepted, those that screen a person out (and breach zero exclusion) in a group
    of their own that says so, so that the choice is made knowing it."""
    breach, other = _l("Screening out: breaches zero exclusion"), _l("Other reasons")
    return [
        SelectChoice("", _l("Accepted or not decided")),
        *(
            SelectChoice(member.value, name, optgroup=breach if member in ZERO_EXCLUSION_BREACHES else other)
            for member, name in sorted(REASON_NAMES.items(), key=lambda pair: pair[0] not in ZERO_EXCLUSION_BREACHES)
        ),
    ]


class JourneyForm(FlaskForm):
    """One journey's own fields. Choices are checked with the rest of the journey, as an import checks them."""

    code = StringField(
        JOURNEY_LABELS["code"],
        validators=[DataRequired(), Length(max=CODE_MAX)],
        description=_l(
            "A pseudonymous code your unit chooses. Never a name, a personal identity number, a date of birth or a "
            "phone number."
        ),
    )
    age_band = SelectField(
        JOURNEY_LABELS["age_band"], choices=_choices(AGE_BAND_NAMES, _l("Not recorded")), validate_choice=False
    )
    goal = SelectField(JOURNEY_LABELS["goal"], choices=_choices(GOAL_NAMES, _l("Not recorded")), validate_choice=False)
    referral_date = DayField(JOURNEY_LABELS["referral_date"], validators=[DataRequired()])
    decision = SelectField(
        JOURNEY_LABELS["decision"], choices=_choices(DECISION_NAMES, _l("Not decided yet")), validate_choice=False
    )
    decision_date = DayField(JOURNEY_LABELS["decision_date"], validators=[Optional()])
    not_accepted_reason = SelectField(
        JOURNEY_LABELS["not_accepted_reason"],
        choices=_reason_choices(),
        validate_choice=False,
    )
    first_meeting_date = DayField(JOURNEY_LABELS["first_meeting_date"], validators=[Optional()])
    enrolment_date = DayField(JOURNEY_LABELS["enrolment_date"], validators=[Optional()])
    first_employer_contact_date = DayField(JOURNEY_LABELS["first_employer_contact_date"], validators=[Optional()])
    first_education_contact_date = DayField(JOURNEY_LABELS["first_education_contact_date"], validators=[Optional()])
    exit_date = DayField(JOURNEY_LABELS["exit_date"], validators=[Optional()])
    exit_reason = SelectField(
        JOURNEY_LABELS["exit_reason"], choices=_choices(EXIT_NAMES, _l("Has not left")), validate_choice=False
    )
    seen = HiddenField()  # the journey's digest when the form was opened
    save = SubmitField(_l("Save"))

    def record(self) -> dict[str, Any]:
        """The form's values by column name; empty choices and dates as None."""
        values: dict[str, Any] = {"code": (self.code.data or "").strip()}
        for name in ("age_band", "goal", "decision", "not_accepted_reason", "exit_reason"):
            values[name] = self[name].data or None
        for name in DATE_FIELDS:
            values[name] = self[name].data
        return values


class JobForm(FlaskForm):
    start_date = DayField(SPELL_LABELS["start_date"], validators=[DataRequired()])
    end_date = DayField(SPELL_LABELS["end_date"], validators=[Optional()])
    competitive = BooleanField(_l("Competitive job (open to anyone, at least the going wage)"), default=True)
    hours_per_week = DecimalCommaField(
        SPELL_LABELS["hours_per_week"],
        validators=[
            Optional(),
            NumberRange(0, HOURS_MAX, message=_l("Give a number from 0 to %(max)d.", max=HOURS_MAX)),
        ],
    )
    seen = HiddenField()  # the journey's digest when its page was opened
    save = SubmitField(_l("Save job"))

    def record(self) -> dict[str, Any]:
        hours = self.hours_per_week.data
        return {
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "competitive": bool(self.competitive.data),
            "hours_per_week": float(hours) if hours is not None else None,
        }


class EducationForm(FlaskForm):
    start_date = DayField(SPELL_LABELS["start_date"], validators=[DataRequired()])
    end_date = DayField(SPELL_LABELS["end_date"], validators=[Optional()])
    seen = HiddenField()  # the journey's digest when its page was opened
    save = SubmitField(_l("Save course"))

    def record(self) -> dict[str, Any]:
        return {"start_date": self.start_date.data, "end_date": self.end_date.data}


def show_at_fields(form: FlaskForm, messages: dict[str, list[str]]) -> None:
    """Add each problem the journey's checks found to the field of `form` it is about (see JourneyInvalid.by_field),
    so that the form shows it beside what was typed, as it shows the field's own errors."""
    for name, found in messages.items():
        form[name].errors = [*form[name].errors, *found]


class DeleteJourneyForm(FlaskForm):
    """The confirmation of a journey's deletion, and whether the audit trail's copy of it goes too."""

    erase = BooleanField(
        _l("Erase what the audit trail kept of this journey too"),
        description=_l(
            "Its code, dates, jobs and courses are cleared from every entry about it in the unit's audit trail, which "
            "keeps only who changed it and when. Without this, the trail keeps them until the retention purge."
        ),
    )
    # Why the trail is erased, kept with the erasure: the person's request, or a detail that points at the person
    # recorded by mistake (a name or an identity number typed as the code, before the rules refused it).
    erase_reason = RadioField(
        _l("Why"),
        choices=[
            SelectChoice(ERASE_REQUEST, _l("The person asked to be forgotten")),
            SelectChoice(
                ERASE_MISTAKE,
                _l(
                    "It was recorded with a name, an identity number or another detail that points at the person, by "
                    "mistake"
                ),
            ),
        ],
        default=ERASE_REQUEST,
    )
