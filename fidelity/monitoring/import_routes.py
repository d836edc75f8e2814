"""Journey files of a unit: the import page, the templates and the exports.

Importing and exporting people's records needs the record permission (the unit's frontline managers); the empty
templates only need to read the unit. The import view parses the form, calls one operation and commits once; a
refused file comes back with status 400 and every problem on its line.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from fidelity import clock
from fidelity.access import Permission, unit_or_404
from fidelity.audit_display import actor_text
from fidelity.downloads import CSV, XLSX, download
from fidelity.extensions import db, writes_when_read
from fidelity.i18n import quarter_text
from fidelity.models import HeldImport, Unit
from fidelity.monitoring import exports
from fidelity.monitoring.held_imports import (
    HOLD_MINUTES,
    IMPORTED,
    NOT_IMPORTED,
    Check,
    JourneysChanged,
    NoLongerHeld,
    check_held,
    check_import,
    delete_expired,
    forget,
    hold,
    import_held,
    let_go,
)
from fidelity.monitoring.import_forms import ConfirmImportForm, ImportForm
from fidelity.monitoring.imports import ImportRefused, ImportSummary, Problem
from fidelity.monitoring.kept import refresh_outcomes
from fidelity.monitoring.layout import LAYOUT, SWEDISH
from fidelity.monitoring.reads import IMPORT_CHECK, log_read
from fidelity.security import opened_from_this_site

bp = Blueprint("journeys", __name__)

PROBLEMS_SHOWN = 1000  # rows of the problem table; a file wrong throughout would otherwise make a page of megabytes
NEXT_STEP = "at:imported"  # the category of the message after an import that the page shows with the next step's links


def _page(unit: Unit, form: ImportForm, problems: list[Problem] | None = None, too_large: bool = False) -> str:
    return render_template(
        "monitoring/import.html",
        unit=unit,
        form=form,
        problems=(problems or [])[:PROBLEMS_SHOWN],
        problem_count=len(problems or []),
        too_large=too_large,
        max_megabytes=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
        layout=LAYOUT,
        swedish=SWEDISH,
        next_step=NEXT_STEP,
        values_text=exports.values_text,
    )


@bp.route("/units/<code>/journeys/import", methods=["GET", "POST"])
@writes_when_read
def import_page(code: str) -> ResponseReturnValue:
    """Upload a file: one with problems comes back with them all; a good one is held, and its check shown."""
    unit = unit_or_404(current_user, code, Permission.RECORD)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data, filename, today = upload.read(), upload.filename or "", clock.today()
        try:
            check = check_import(unit, data, filename, today)
        except ImportRefused as refusal:
            return _page(unit, form, refusal.problems), 400
        if check.changes_nothing:
            return _check_page(unit, None, check)
        held = hold(unit, current_user, data, filename, check.summary.file_name)
        db.session.commit()
        return redirect(url_for(".check_page", code=unit.code, token=held.token))
    delete_expired()  # a file checked and left is not kept past its time for want of another upload
    db.session.commit()
    return _page(unit, form), 400 if form.errors else 200


@bp.get("/units/<code>/journeys/import/<token>")
@writes_when_read
def check_page(code: str, token: str) -> ResponseReturnValue:
    """What importing the held file would do, as the unit's journeys stand now, and the question."""
    unit = unit_or_404(current_user, code, Permission.RECORD)
    delete_expired()
    try:
        held, check = check_held(unit, current_user, token, clock.today())
    except NoLongerHeld as gone:
        return _no_longer_held(unit, gone)
    except ImportRefused as refusal:  # a problem it meets only now: a journey it replaces was deleted since
        return _refused_now(unit, token, refusal)
    if check.changes_nothing:  # no more, since the upload: nothing to hold it for
        forget(unit, current_user, token)
    if check.summary.changes:
        log_read(unit, IMPORT_CHECK)  # the page shows the values of the journeys it changes
    db.session.commit()
    return _check_page(unit, None if check.changes_nothing else held, check)


@bp.post("/units/<code>/journeys/import/<token>")
def confirm_import(code: str, token: str) -> ResponseReturnValue:
    """The answer to a file's check: import the held file, or not."""
    unit = unit_or_404(current_user, code, Permission.RECORD)
    form = ConfirmImportForm()  # its CSRF token is checked for every POST, before the view
    today = clock.today()
    delete_expired()
    if not form.cancel.data and not form.state.data:  # not this page's form: ask again, changing nothing
        db.session.commit()
        return redirect(url_for(".check_page", code=unit.code, token=token))
    try:
        if form.cancel.data:
            let_go(unit, current_user, token)
            db.session.commit()
            flash(_("Nothing was imported."))
            return redirect(url_for(".import_page", code=unit.code))
        summary = import_held(unit, current_user, token, form.state.data, today, leave_undone=bool(form.keep.data))
    except NoLongerHeld as gone:
        db.session.rollback()
        return _no_longer_held(unit, gone)
    except JourneysChanged:
        db.session.rollback()
        flash(_("The unit's journeys were changed after the file was checked, in another window or by a colleague. "
                "Nothing was imported: here is what importing the file would do now."))  # fmt: skip
        return redirect(url_for(".check_page", code=unit.code, token=token))
    except ImportRefused as refusal:
        db.session.rollback()
        return _refused_now(unit, token, refusal)
    refresh_outcomes(unit, today)  # the kept quarterly figures follow the journeys, in the same commit
    db.session.commit()
    _say_imported(summary)
    _say_next()
    return redirect(url_for(".import_page", code=unit.code))


def _no_longer_held(unit: Unit, gone: NoLongerHeld) -> ResponseReturnValue:
    # Commits the files past their time deleted on the way here, when nothing was rolled back since (a check page
    # shown); after an answer's rollback there is nothing to commit, and they go at the next page.
    db.session.commit()
    if gone.answer == IMPORTED:
        flash(_("This file has been imported already: it is not imported twice."))
        _say_next()
    elif gone.answer == NOT_IMPORTED:
        flash(_("This file was not imported, as asked. To import it after all, upload it again."))
    else:
        flash(_("This check has ended: its file is held for %(minutes)d minutes after the check, and for the latest "
                "upload only. To import it, upload it again.", minutes=HOLD_MINUTES))  # fmt: skip
    return redirect(url_for(".import_page", code=unit.code))


def _refused_now(unit: Unit, token: str, refusal: ImportRefused) -> ResponseReturnValue:
    """The held file has problems now that it did not have at its check: it is let go, and they are shown."""
    forget(unit, current_user, token)
    db.session.commit()
    return _page(unit, ImportForm(formdata=None), refusal.problems), 400


def _check_page(unit: Unit, held: HeldImport | None, check: Check) -> str:
    return render_template(
        "monitoring/import_check.html",
        unit=unit,
        held=held,
        check=check,
        summary=check.summary,
        form=ConfirmImportForm(formdata=None, state=check.state),
        actor_text=actor_text,
        hold_minutes=HOLD_MINUTES,
    )


CODES_SAID = 20  # codes a message names at most: the session cookie carries it, and has room for little


def _listed(codes: tuple[str, ...]) -> str:
    """The first CODES_SAID codes, and how many more."""
    listed = ", ".join(codes[:CODES_SAID])
    more = len(codes) - CODES_SAID
    return listed if more <= 0 else listed + " " + _("and %(num)d more", num=more)


def _say_imported(summary: ImportSummary) -> None:
    counts = {
        "added": summary.added,
        "replaced": summary.replaced,
        "changed": summary.changed,
        "jobs": summary.jobs,
        "education": summary.education,
    }
    if summary.file_name is None:
        flash(
            _(
                "Imported the file. Its name is not kept: it looks like it holds a name, a personal identity number, "
                "a date of birth or a phone number. Journeys added: %(added)d; replaced: %(replaced)d, of which "
                "changed: %(changed)d; jobs: %(jobs)d; courses of study: %(education)d.",
                **counts,
            )
        )
    else:
        flash(
            _(
                "Imported %(file)s. Journeys added: %(added)d; replaced: %(replaced)d, of which changed: "
                "%(changed)d; jobs: %(jobs)d; courses of study: %(education)d.",
                file=summary.file_name,
                **counts,
            )
        )
    if summary.left_out:
        flash(
            ngettext(
                "%(num)d journey the file would have put back as it was before a later change was left as the unit "
                "has it: %(codes)s.",
                "%(num)d journeys the file would have put back as they were before a later change were left as the "
                "unit has them: %(codes)s.",
                summary.left_out,
                codes=_listed(summary.left_out_codes),
            )
        )
    locked = summary.locked_through
    if locked is not None:
        flash(
            _(
                "Some journeys in the file were referred in quarters locked by a purge (up to %(quarter)s): the "
                "figures of those quarters stay as they were. The journeys count from the first quarter that is "
                "not locked.",
                quarter=quarter_text(locked.year, locked.number),
            )
        )


def _say_next() -> None:
    """After an import, the next step: the import page shows this with links to the unit's journeys, its waiting
    list, its outcomes and its staffing (a quarter's figures need both), once (a flashed message, where the page
    reloaded or opened again shows none), under the import's numbers."""
    flash(_("Next, look over the journeys as the unit has them now, its waiting list or its outcomes, and record "
            "the quarter's staffing if it is not recorded yet: the caseload needs it."), NEXT_STEP)  # fmt: skip


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """An upload over MAX_CONTENT_LENGTH: the import page again, saying so (or the plain error elsewhere)."""
    code = (request.view_args or {}).get("code")
    if request.endpoint != "journeys.import_page" or code is None:
        return error
    unit = unit_or_404(current_user, code, Permission.RECORD)
    return _page(unit, ImportForm(formdata=None), too_large=True), 413


def _journeys_file(unit: Unit) -> str:
    """The name of a unit's journeys file, without its extension, in the reader's language (ASCII, as every file name
    the app gives: a mail program or an old spreadsheet may mangle any other)."""
    return _("%(unit)s-journeys-%(date)s", unit=unit.code, date=clock.today().isoformat())


@bp.get("/units/<code>/journeys/template.csv")
def template_csv(code: str) -> Response:
    unit_or_404(current_user, code, Permission.READ)
    return download(exports.template_csv(), CSV, _("journeys-template") + ".csv")


@bp.get("/units/<code>/journeys/template.xlsx")
def template_xlsx(code: str) -> Response:
    unit_or_404(current_user, code, Permission.READ)
    return download(exports.template_xlsx(), XLSX, _("journeys-template") + ".xlsx")


@bp.get("/units/<code>/journeys/export.csv")
@writes_when_read
@opened_from_this_site
def export_csv(code: str) -> Response:
    unit = unit_or_404(current_user, code, Permission.RECORD)
    data = exports.export_csv(unit)
    db.session.commit()  # the export's audit entry
    return download(data, CSV, _journeys_file(unit) + ".csv")


@bp.get("/units/<code>/journeys/export.xlsx")
@writes_when_read
@opened_from_this_site
def export_xlsx(code: str) -> Response:
    unit = unit_or_404(current_user, code, Permission.RECORD)
    data = exports.export_xlsx(unit)
    db.session.commit()  # the export's audit entry
    return download(data, XLSX, _journeys_file(unit) + ".xlsx")
