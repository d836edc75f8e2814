"""The forms of the journey import: the upload, which has the file checked, and the answer to the check. POSTs with
CSRF, like every form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField

FILE_TYPES = ("csv", "xlsx")


class ImportForm(FlaskForm):
    file = FileField(
        _l("Journey file"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(FILE_TYPES, _l("Choose a CSV file (.csv) or an Excel workbook (.xlsx).")),
        ],
        description=_l("CSV (UTF-8, comma or semicolon) or xlsx, one row per journey, with the columns below."),
        render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    """The answer to a file's check: import it, or not, or import it but for the journeys whose later changes it would
    undo (which the held file keeps from its check). It carries the state of the unit's journeys the check saw."""

    state = HiddenField()  # an answer without it is asked again
    submit = SubmitField(_l("Import"))
    keep = SubmitField(_l("Import the rest"))
    cancel = SubmitField(_l("Do not import"))
