"""Monitoring pages of a unit: the waiting list, and the journeys of the people it serves, kept one by one."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fidelity import clock
from fidelity.access import Permission, can, unit_or_404
from fidelity.audit_display import audit_lines
from fidelity.downloads import CSV, XLSX, download, xlsx_bytes
from fidelity.extensions import db, writes_when_read
from fidelity.i18n import amount_text, date_text, quarter_text
from fidelity.models import Journey, NotAcceptedReason, Unit
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.journey_files import csv_bytes
from fidelity.monitoring.journey_forms import (
    REASON_NAMES,
    SPELL_LABELS,
    DeleteJourneyForm,
    EducationForm,
    JobForm,
    JourneyForm,
    show_at_fields,
)
from fidelity.monitoring.journey_operations import (
    CHOICES,
    JourneyChanged,
    JourneyInvalid,
    SpellRecordedAlready,
    delete_journey,
    delete_spell,
    journey_problems,
    journey_snapshot,
    journey_spell,
    locked_through,
    save_journey,
    save_spell,
    spell_snapshot,
    spells_shown,
)
from fidelity.monitoring.journey_queries import (
    ATTENTION_DAYS,
    JOURNEY_STATES,
    Refusals,
    choice_names,
    journey_or_404,
    journey_page,
    journey_trail,
    journey_waits,
)
from fidelity.monitoring.purge import latest_purge, purge_reaching
from fidelity.monitoring.reads import JOURNEY, JOURNEYS, WAITING, log_read
from fidelity.monitoring.wait_pages import QUARTERS_SHOWN, column_definitions, wait_chart
from fidelity.monitoring.waiting import (
    DEFAULT_MONTHS,
    EXPORT_NAMES,
    WAITING_DEFINITIONS_VERSION,
    export_frame,
    referral_quarters,
    waiting_list,
)
from fidelity.paging import page_number
from fidelity.reviews.forms import ActionForm
from fidelity.security import opened_from_this_site
from fidelity.stale import kept_notice, refill

bp = Blueprint("monitoring", __name__, url_prefix="/units/<code>")

PERIODS = (3, 6, 12, 24)


def _read(page: str, unit: Unit, what: str, journey_id: int | None = None) -> str:
    """`page`, once its reading is logged (see `reads`) and committed: a page that cannot be logged is not shown. A
    HEAD request is answered without the page, and shows nothing."""
    if request.method != "HEAD":
        log_read(unit, what, journey_id)
        db.session.commit()
    return page


@bp.get("/waiting-list")
@writes_when_read
@opened_from_this_site
def waiting(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code)
    months = request.args.get("months", DEFAULT_MONTHS, type=int)
    if months not in PERIODS:
        months = DEFAULT_MONTHS
    purge = latest_purge(unit.id)
    cutoff = purge.cutoff if purge else None
    journeys, today = load_frames([unit.id]).journeys, clock.today()
    result = waiting_list(journeys, today, months, cutoff)
    by_quarter = referral_quarters(journeys, today, cutoff, last=QUARTERS_SHOWN)
    can_read_records = can(current_user, Permission.RECORDS, unit)
    page = render_template(
        "monitoring/waiting.html",
        unit=unit,
        result=result,
        latest_purge=purge,
        purge=purge_reaching(purge, result.period_start),
        months=months,
        periods=PERIODS,
        reason_names={reason.value: name for reason, name in REASON_NAMES.items()},
        by_quarter=by_quarter,
        wait_chart=wait_chart(by_quarter),
        version=WAITING_DEFINITIONS_VERSION,
        can_record=can(current_user, Permission.RECORD, unit),
        can_read_records=can_read_records,
    )
    # Who may read the records sees who waits, by code; anyone else the figures alone, which name no one.
    return _read(page, unit, WAITING) if can_read_records and result.waiting else page


def _waiting_file(unit: Unit) -> str:
    """The name of a unit's waiting-list file, without its extension, in the reader's language (in ASCII)."""
    return _("%(unit)s-waiting-list-%(date)s", unit=unit.code, date=clock.today().isoformat())


def _waiting_export(code: str) -> tuple[Unit, pd.DataFrame]:
    unit = unit_or_404(current_user, code)
    today = clock.today()
    purge = latest_purge(unit.id)
    quarters = referral_quarters(load_frames([unit.id]).journeys, today, purge.cutoff if purge else None)
    return unit, export_frame(unit.code, quarters)


@bp.get("/waiting-list.csv", endpoint="waiting_csv")
def waiting_csv(code: str) -> ResponseReturnValue:
    """The waiting list's figures for each quarter's referrals, as CSV."""
    unit, frame = _waiting_export(code)
    return download(csv_bytes(EXPORT_NAMES.in_language(frame)), CSV, _waiting_file(unit) + ".csv")


@bp.get("/waiting-list.xlsx", endpoint="waiting_xlsx")
def waiting_xlsx(code: str) -> ResponseReturnValue:
    """The waiting list's figures for each quarter's referrals, as an Excel workbook, with a sheet that says what each
    column gives. The header and the columns that say which quarter a line counts (unit, year, quarter) stay in view
    while the reader scrolls, as in the comparison's workbook."""
    unit, frame = _waiting_export(code)
    shares = [c for c in frame.columns if c.endswith("_share")]
    workbook = xlsx_bytes(frame, "Waiting list", percent=shares, freeze="D2", names=EXPORT_NAMES,
                          more=[("Definitions", column_definitions())])  # fmt: skip
    return download(workbook, XLSX, _waiting_file(unit) + ".xlsx")


@bp.get("/journeys")
@writes_when_read
@opened_from_this_site
def journeys(code: str) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.RECORDS)
    state = request.args.get("state", "all")
    if state not in JOURNEY_STATES:
        state = "all"
    search = (request.args.get("code") or "").strip()
    refusals = _refusals()
    if refusals is not None:
        state = "not_accepted"
    page = page_number()
    today = clock.today()
    found, pages, total = journey_page(unit, state, search, page, today, refusals)
    # What the list's pages keep of what it was asked for: in a query string of its own, as the search's name, code,
    # is also the unit's in the route.
    kept = {"state": state} | ({"code": search} if search else {})
    if refusals is not None:
        kept |= {"reason": refusals.reason.value, "since": refusals.since.isoformat()}
    base = url_for(".journeys", code=unit.code)
    shown = render_template(
        "monitoring/journeys.html",
        unit=unit,
        journeys=found,
        state=state,
        search=search,
        refusals=refusals,
        total=total,
        page_url=lambda number: f"{base}?{urlencode(kept | {'page': number})}",
        page=page,
        pages=pages,
        states=JOURNEY_STATES,
        attention_days=ATTENTION_DAYS,
        waits=journey_waits(found, state, today),  # a list of people waiting: how long each has waited
        names=choice_names(),
        can_record=can(current_user, Permission.RECORD, unit),
    )
    return _read(shown, unit, JOURNEYS) if found else shown


def _refusals() -> Refusals | None:
    """The referrals refused for one reason that the waiting list's table of reasons links to
    (`?reason=not_motivated&since=2025-11-26`: the reason and the first day of its period); None unless both are
    given and read, as an unknown state shows everyone."""
    try:
        return Refusals(NotAcceptedReason(request.args.get("reason", "")), date.fromisoformat(request.args["since"]))
    except (KeyError, ValueError):
        return None


@bp.get("/journeys/<int:journey_id>")
@writes_when_read
@opened_from_this_site
def journey(code: str, journey_id: int) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.RECORDS)
    found = journey_or_404(unit, journey_id)
    return _journey_page(unit, found)


@bp.get("/journeys/<int:journey_id>/history")
@writes_when_read
@opened_from_this_site
def journey_history(code: str, journey_id: int) -> ResponseReturnValue:
    """Every change to one journey and its jobs and courses, with its values: for those who read both the records
    and the unit's audit trail. Its reading is logged as the journey's page is."""
    unit = unit_or_404(current_user, code, Permission.RECORDS)
    if not can(current_user, Permission.AUDIT, unit):
        abort(403)
    found = journey_or_404(unit, journey_id)
    page = render_template(
        "monitoring/journey_history.html",
        unit=unit,
        journey=found,
        entries=audit_lines(journey_trail(unit.id, found)),
    )
    return _read(page, unit, JOURNEY, found.id)


def _journey_page(unit: Unit, journey: Journey, **forms: Any) -> str:
    """The journey's page, its reading logged; after a refused job or course, with what was typed (`typed`: the kind,
    the spell's id or None for a new one, and its form) back in its fields. A refused change shows the whole record as
    a look at it does, and is logged as one."""
    typed: tuple[str, int | None, JobForm | EducationForm] | None = forms.get("typed")
    new = {kind: form for kind, spell_id, form in [typed] if spell_id is None} if typed else {}
    job_form = new.get("jobs") or JobForm(formdata=None)
    education_form = new.get("education") or EducationForm(formdata=None)
    # The forms for a new job or course carry the ones the page shows: one sent again after it was added adds nothing.
    job_form.seen.data, education_form.seen.data = spells_shown(journey.jobs), spells_shown(journey.education)
    page = render_template(
        "monitoring/journey.html",
        unit=unit,
        journey=journey,
        names=choice_names(),
        can_record=can(current_user, Permission.RECORD, unit),
        can_audit=can(current_user, Permission.AUDIT, unit),
        job_form=job_form,
        education_form=education_form,
        typed=typed if typed and typed[1] is not None else None,
        # The job or course refused, for the list of what was wrong, which links to where it was typed.
        refused=typed,
        refused_at=_typed_at(typed) if typed else None,
        refused_fields=_typed_fields(typed) if typed else {},
        delete_form=ActionForm(),
        problems=forms.get("problems", []),
        # Each job's and course's row carries the spell as the page shows it, so that a change is merged with any
        # made since.
        snapshots={spell.id: spell_snapshot(spell) for spells in (journey.jobs, journey.education) for spell in spells},
    )
    return _read(page, unit, JOURNEY, journey.id)


def _typed_at(typed: tuple[str, int | None, Any]) -> str:
    """The id of the place on the journey's page where a job or course was typed: its row's first field, or the form
    for a new one."""
    kind, spell_id, _form = typed
    if spell_id is None:
        return "add-job" if kind == "jobs" else "add-course"
    return f"{'job' if kind == 'jobs' else 'course'}-{spell_id}-start"


# Where each field of a job or course is on the journey's page, after the id of its row or of the form adding one.
_SPELL_FIELD_IDS = {"start_date": "start", "end_date": "end", "competitive": "competitive", "hours_per_week": "hours"}


def _typed_fields(typed: tuple[str, int | None, Any]) -> dict[str, str]:
    """The id of each field of the job or course typed (see `_typed_at`), for the list of what was wrong to link to."""
    kind, spell_id, _form = typed
    noun = "job" if kind == "jobs" else "course"
    place = f"new-{noun}" if spell_id is None else f"{noun}-{spell_id}"
    return {name: f"{place}-{suffix}" for name, suffix in _SPELL_FIELD_IDS.items()}


def _shown(form: JourneyForm, invalid: JourneyInvalid) -> tuple[list[str], dict[str, str]]:
    """Show the problems at their fields of the journey's form; the problems, and the field each is about, for the
    list at the top of the page."""
    show_at_fields(form, invalid.by_field())
    return invalid.messages, invalid.field_of()


def _say_if_locked(unit: Unit, journey: Journey, category: str = "message") -> None:
    """Say so when a change to `journey` cannot reach the figures of the quarters a purge locked: they stay as they
    were (as an import of such a journey says)."""
    locked = locked_through(unit, journey)
    if locked is not None:
        flash(
            _(
                "Journey %(code)s was referred in a quarter locked by a purge (up to %(quarter)s): the figures of "
                "those quarters stay as they were, and the change counts from the first quarter that is not locked.",
                code=journey.code,
                quarter=quarter_text(locked.year, locked.number),
            ),
            category,
        )


def _edit(unit: Unit, journey: Journey | None) -> ResponseReturnValue:
    form = JourneyForm(obj=journey) if request.method == "GET" and journey else JourneyForm()
    if request.method == "GET" and journey is not None:
        for name in CHOICES:
            value = getattr(journey, name)
            form[name].data = value.value if value is not None else ""
        form.seen.data = journey_snapshot(journey)
    problems: list[str] = []
    problem_fields: dict[str, str] = {}  # a problem -> the id of the field it is about, for the list to link to
    changed: list[tuple[str, Any]] | None = None
    if form.validate_on_submit():
        refused_before = journey.screening_out if journey is not None else None
        try:
            saved, kept = save_journey(unit, form.record(), journey, form.seen.data)
        except LookupError:  # deleted meanwhile
            abort(404)
        except JourneyInvalid as exc:
            db.session.rollback()
            problems, problem_fields = _shown(form, exc)
        except JourneyChanged as exc:
            db.session.rollback()
            changed = exc.merged.conflicts
            # The form shows what was typed where this person changed a field and what is stored elsewhere, and
            # carries the journey as it is now: saving again settles only the fields both changed.
            refill(form, exc.merged.values)
            form.seen.data = journey_snapshot(exc.journey)
        else:
            db.session.commit()
            flash(_("Journey %(code)s saved.", code=saved.code))
            if (reason := saved.screening_out) is not None and reason != refused_before:
                flash(
                    _("Not accepted as “%(reason)s”: a reason that screens a person out, which zero exclusion "
                      "forbids. The waiting list and the outcomes count it as a breach.", reason=REASON_NAMES[reason])
                )  # fmt: skip
            if notice := kept_notice(kept, form):
                flash(notice)
            _say_if_locked(unit, saved)
            return redirect(url_for(".journey", code=unit.code, journey_id=saved.id))
    elif request.method == "POST":
        # A field's own error (a date left out) stops the save; the problems between the fields that were read are
        # listed with it, so that one round shows everything to correct.
        invalid = journey_problems(unit, form.record(), journey)
        if invalid is not None:
            invalid = invalid.without({name for name, errors in form.errors.items() if errors})
            problems, problem_fields = _shown(form, invalid)
    status = 409 if changed is not None else 400 if form.errors or problems else 200
    page = render_template("monitoring/journey_form.html", unit=unit, form=form, journey=journey, problems=problems,
                           problem_fields=problem_fields, changed=changed, names=choice_names())  # fmt: skip
    if journey is not None:  # the form shows the record, opened or refused (a refusal shows what is stored too)
        page = _read(page, unit, JOURNEY, journey.id)
    return page, status


@bp.route("/journeys/new", methods=["GET", "POST"])
def new_journey(code: str) -> ResponseReturnValue:
    return _edit(unit_or_404(current_user, code, Permission.RECORD), None)


@bp.route("/journeys/<int:journey_id>/edit", methods=["GET", "POST"])
@writes_when_read
@opened_from_this_site
def edit_journey(code: str, journey_id: int) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.RECORD)
    return _edit(unit, journey_or_404(unit, journey_id))


@bp.get("/journeys/<int:journey_id>/delete")
@writes_when_read
@opened_from_this_site
def confirm_delete(code: str, journey_id: int) -> ResponseReturnValue:
    """What deleting the journey would delete, and the button that does it: a person's record is never deleted in
    one click, and the step needs no script."""
    unit = unit_or_404(current_user, code, Permission.RECORD)
    found = journey_or_404(unit, journey_id)
    page = render_template("monitoring/journey_delete.html", unit=unit, journey=found, delete_form=DeleteJourneyForm())
    return _read(page, unit, JOURNEY, found.id)


@bp.post("/journeys/<int:journey_id>/delete")
def delete(code: str, journey_id: int) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code, Permission.RECORD)
    found = journey_or_404(unit, journey_id)
    form = DeleteJourneyForm()
    if not form.validate_on_submit():
        abort(400)
    journey_code = found.code
    try:
        delete_journey(found, erase=form.erase.data, reason=form.erase_reason.data)
    except LookupError:  # deleted meanwhile
        abort(404)
    db.session.commit()
    if form.erase.data:
        flash(_("Journey %(code)s deleted, and what the audit trail kept of it erased.", code=journey_code))
    else:
        flash(_("Journey %(code)s deleted.", code=journey_code))
    return redirect(url_for(".journeys", code=unit.code))


SPELL_FORMS: dict[str, type[JobForm] | type[EducationForm]] = {"jobs": JobForm, "education": EducationForm}


@bp.post("/journeys/<int:journey_id>/<any(jobs, education):kind>")
@bp.post("/journeys/<int:journey_id>/<any(jobs, education):kind>/<int:spell_id>")
def spell(code: str, journey_id: int, kind: str, spell_id: int | None = None) -> ResponseReturnValue:
    """Add a job or course (no spell id), or change or delete one of the journey's own."""
    unit = unit_or_404(current_user, code, Permission.RECORD)
    found = journey_or_404(unit, journey_id)
    form = SPELL_FORMS[kind]()
    deleting = spell_id is not None and "delete" in request.form
    typed = None if deleting else (kind, spell_id, form)  # what was typed, to show again if it is refused
    # Back at the jobs or the courses, with the message there: on a phone they are screens below the page's top.
    section = "jobs" if kind == "jobs" else "education"
    kept: list[tuple[str, Any]] = []
    try:
        if deleting and ActionForm().validate_on_submit():
            delete_spell(found, kind, spell_id or 0, form.seen.data)
        elif not deleting and form.validate_on_submit():
            kept = save_spell(found, kind, form.record(), spell_id, form.seen.data)
        else:
            db.session.rollback()
            return _journey_page(unit, found, typed=typed), 400
    except LookupError:
        abort(404)
    except JourneyInvalid as exc:
        db.session.rollback()
        show_at_fields(form, exc.by_field())
        return _journey_page(unit, found, typed=typed, problems=exc.messages), 400
    except JourneyChanged as exc:
        db.session.rollback()
        return _journey_page(unit, found, **_spell_conflict(kind, form, deleting, exc)), 409
    except SpellRecordedAlready as exc:  # a form sent twice: what it adds is there
        db.session.rollback()
        if kind == "jobs":
            message = _("Job %(number)d of journey %(code)s has these same values: nothing was added.",
                        number=exc.number, code=found.code)  # fmt: skip
        else:
            message = _("Course %(number)d of journey %(code)s has these same values: nothing was added.",
                        number=exc.number, code=found.code)  # fmt: skip
        flash(message, f"at:{section}")
        return redirect(url_for(".journey", code=unit.code, journey_id=found.id, _anchor=section))
    db.session.commit()
    if deleting:
        if kind == "jobs":
            flash(_("The job is deleted from journey %(code)s.", code=found.code), f"at:{section}")
        else:
            flash(_("The course is deleted from journey %(code)s.", code=found.code), f"at:{section}")
    elif kind == "jobs":
        flash(_("The job is saved in journey %(code)s.", code=found.code), f"at:{section}")
    else:
        flash(_("The course is saved in journey %(code)s.", code=found.code), f"at:{section}")
    if notice := kept_notice(kept, form):
        flash(notice, f"at:{section}")
    _say_if_locked(unit, found, f"at:{section}")
    return redirect(url_for(".journey", code=unit.code, journey_id=found.id, _anchor=section))


def spell_value(value: Any) -> str:
    """A job's or course's stored value in words, for a message."""
    if value is None:
        return _("empty")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return date_text(value)
    return amount_text(value) if isinstance(value, float) else str(value)


def _spell_conflict(kind: str, form: Any, deleting: bool, exc: JourneyChanged) -> dict[str, Any]:
    """How the journey's page shows a job or course refused because it changed meanwhile: a message naming the
    fields both changed (or saying it is gone), and what was typed back in its row, or, for a row that is gone, in
    the form for a new one."""
    thing = _("the job") if kind == "jobs" else _("the course")
    names = ", ".join(
        _("%(field)s (now %(value)s)", field=SPELL_LABELS[name], value=spell_value(value))
        for name, value in exc.merged.conflicts
    )
    if exc.spell_id is None and deleting:
        message = _("%(thing)s is no longer in the journey (deleted, or written again by an import).",
                    thing=thing.capitalize())  # fmt: skip
        return {"problems": [message]}
    if exc.spell_id is None:
        message = _("%(thing)s you changed is no longer in the journey (deleted, or written again by an import). What "
                    "you typed is in the form for a new one below.", thing=thing.capitalize())  # fmt: skip
        return {"typed": (kind, None, form), "problems": [message]}
    if deleting:
        message = _("%(thing)s changed after you opened this page (%(fields)s). Check it, and delete it again if you "
                    "still mean to.", thing=thing.capitalize(), fields=names)  # fmt: skip
        return {"problems": [message]}
    refill(form, exc.merged.values)
    message = _("You and someone else both changed %(fields)s of %(thing)s after you opened this page. Its row shows "
                "what you typed: save again to keep it.", fields=names, thing=thing)  # fmt: skip
    return {"typed": (kind, exc.spell_id, form), "problems": [message]}


@bp.get("/journeys/<int:journey_id>/<any(jobs, education):kind>/<int:spell_id>/delete")
@writes_when_read
@opened_from_this_site
def confirm_delete_spell(code: str, journey_id: int, kind: str, spell_id: int) -> ResponseReturnValue:
    """The job or course that deleting would delete, and the button that does it (no script needed)."""
    unit = unit_or_404(current_user, code, Permission.RECORD)
    found = journey_or_404(unit, journey_id)
    try:
        spell = journey_spell(found, kind, spell_id)
    except LookupError:
        abort(404)
    page = render_template("monitoring/spell_delete.html", unit=unit, journey=found, kind=kind, spell=spell,
                           delete_form=ActionForm())  # fmt: skip
    return _read(page, unit, JOURNEY, found.id)
