"""No free text a person types (an action, a local adaptation, a review's evidence and notes) may name a person served
by their identity number: such text is shown to reviewers, printed in reports and kept in the audit log, none of
which the retention purge clears. Each such field carries `NoIdentityNumber`."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

from fidelity.monitoring.identity import identity_number_in_text


class NoIdentityNumber:
    """Refuse a field whose text holds what is plainly a Swedish or Norwegian identity number."""

    def __call__(self, form: Any, field: Field) -> None:
        if field.data and identity_number_in_text(str(field.data)):
            raise ValidationError(
                _l(
                    "This holds what looks like a personal identity number. Write nothing that identifies a person "
                    "the unit serves."
                )
            )
