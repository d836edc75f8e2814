"""The admin pages: organisations, areas, units, users and their roles. Administrators only.

Each view parses a form, calls one operation and commits; a refusal goes back onto the field it names, with 400.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from fidelity.access import admin_required, is_admin
from fidelity.account.operations import end_sessions
from fidelity.admin import operations
from fidelity.admin.forms import (
    ActiveForm,
    AreaForm,
    GrantRoleForm,
    LocaleForm,
    NewPasswordForm,
    NewUserForm,
    OrganisationForm,
    RevokeRoleForm,
    UnitForm,
    UserDetailsForm,
    set_choices,
)
from fidelity.admin.operations import HOST_TYPE_NAMES, ROLE_NAMES, SetupError
from fidelity.audit_display import audit_lines
from fidelity.extensions import db
from fidelity.models import HostType, Role, RoleAssignment, User
from fidelity.paging import page_number
from fidelity.units.queries import audit_trail

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"is_admin": is_admin}


def _render(template: str, **context: Any) -> ResponseReturnValue:
    """A page with the role and host names; 400 when it shows a refused POST (a success redirects)."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, role_names=ROLE_NAMES, host_names=HOST_TYPE_NAMES, **context), status


def _refuse(form: FlaskForm, error: SetupError) -> None:
    """Undo whatever the operation began and put its message on the field it names (or on the whole form)."""
    db.session.rollback()
    field = form._fields.get(error.field)
    (field.errors if field is not None else form.form_errors).append(error.message)


def _form_page(form: FlaskForm, heading: str, **context: Any) -> ResponseReturnValue:
    return _render("admin/form.html", form=form, heading=heading, **context)


def _scope_codes(form: NewUserForm | GrantRoleForm) -> tuple[str | None, str | None]:
    return form.unit_code.data or None, form.area_code.data or None


def _services(form: UnitForm) -> tuple[bool, bool]:
    chosen = form.services.data or []
    return "ips" in chosen, "sed" in chosen


@bp.get("/")
@admin_required
def index() -> ResponseReturnValue:
    organisations = operations.organisation_tree()
    areas = {area.id: area for organisation in organisations for area in organisation.areas}
    units = {unit.id: unit for area in areas.values() for unit in area.units}
    return _render(
        "admin/index.html", organisations=organisations, users=operations.users_with_roles(), units=units, areas=areas
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_required
def new_organisation() -> ResponseReturnValue:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = operations.create_organisation(form.code.data, form.name.data)
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("Organisation %(name)s created.", name=organisation.name))
            return redirect(url_for("admin.index"))
    return _form_page(form, _("New organisation"))


@bp.route("/areas/new", methods=["GET", "POST"])
@admin_required
def new_area() -> ResponseReturnValue:
    form = AreaForm()
    set_choices(form, organisations=operations.organisation_tree())
    if form.validate_on_submit():
        try:
            area = operations.create_area(form.code.data, form.name.data, form.organisation_code.data)
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("Area %(name)s created.", name=area.name))
            return redirect(url_for("admin.index"))
    return _form_page(form, _("New area"))


@bp.route("/units/new", methods=["GET", "POST"])
@admin_required
def new_unit() -> ResponseReturnValue:
    form = UnitForm(data={"services": ["ips"]})
    set_choices(form, areas=operations.all_areas())
    if form.validate_on_submit():
        try:
            unit = operations.create_unit(
                form.code.data,
                form.name.data,
                form.area_code.data,
                HostType(form.host_type.data),
                *_services(form),
                form.target_group.data or "",
                form.started_on.data,
            )
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("Unit %(name)s created.", name=unit.name))
            return redirect(url_for("admin.index"))
    return _form_page(form, _("New unit"))


@bp.route("/units/<code>/edit", methods=["GET", "POST"])
@admin_required
def edit_unit(code: str) -> ResponseReturnValue:
    unit = operations.find_unit(code)
    if unit is None:
        abort(404)
    # The unit's values fill the form shown; a posted form stands on its own (an absent field is empty).
    form = UnitForm() if request.method == "POST" else UnitForm(data=UnitForm.data_of(unit))
    del form.code  # a unit's code never changes: reviews and exports refer to it
    set_choices(form, areas=operations.all_areas())
    if form.validate_on_submit():
        try:
            operations.update_unit(
                unit,
                form.name.data,
                form.area_code.data,
                HostType(form.host_type.data),
                *_services(form),
                form.target_group.data or "",
                started_on=form.started_on.data,
            )
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("Unit %(name)s saved.", name=unit.name))
            return redirect(url_for("admin.index"))
    return _form_page(form, _("Edit unit %(code)s", code=unit.code), unit=unit)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> ResponseReturnValue:
    form = NewUserForm()
    set_choices(form, operations.all_units(), operations.all_areas())
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                form.email.data,
                form.display_name.data,
                form.password.data,
                Role(form.role.data),
                *_scope_codes(form),
                locale=form.locale.data,
            )
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("User %(email)s created.", email=user.email))
            return redirect(url_for("admin.user", user_id=user.id))
    return _form_page(form, _("New user"))


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _user_page(
    user: User,
    grant: GrantRoleForm | None = None,
    revoke: RevokeRoleForm | None = None,
    active: ActiveForm | None = None,
    language: LocaleForm | None = None,
    password: NewPasswordForm | None = None,
    details: UserDetailsForm | None = None,
) -> ResponseReturnValue:
    """The user's page, with the form that was just refused (if any) and fresh ones for the rest."""
    units, areas = operations.all_units(), operations.all_areas()
    grant = grant or GrantRoleForm(formdata=None)
    set_choices(grant, units, areas)
    return _render(
        "admin/user.html",
        user=user,
        grant=grant,
        revoke=revoke or RevokeRoleForm(formdata=None),
        active=active or ActiveForm(formdata=None),
        language=language or LocaleForm(formdata=None, data={"locale": user.locale or ""}),
        password=password or NewPasswordForm(formdata=None),
        details=details or UserDetailsForm(formdata=None, obj=user),
        units={unit.id: unit for unit in units},
        areas={area.id: area for area in areas},
    )


@bp.get("/audit")
@admin_required
def audit() -> ResponseReturnValue:
    page = page_number()
    entries, pages = audit_trail(None, page)
    lines = audit_lines(entries)
    return render_template("admin/audit.html", entries=lines, page=page, pages=pages)


@bp.get("/users/<int:user_id>")
@admin_required
def user(user_id: int) -> ResponseReturnValue:
    return _user_page(_user_or_404(user_id))


@bp.post("/users/<int:user_id>/roles")
@admin_required
def grant_role(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = GrantRoleForm()
    set_choices(form, operations.all_units(), operations.all_areas())
    if form.validate_on_submit():
        role = Role(form.role.data)
        try:
            operations.grant_role(user, role, *_scope_codes(form))
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("%(email)s now holds the role %(role)s.", email=user.email, role=ROLE_NAMES[role]))
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, grant=form)


@bp.post("/users/<int:user_id>/roles/<int:assignment_id>/revoke")
@admin_required
def revoke_role(user_id: int, assignment_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id:
        abort(404)
    form = RevokeRoleForm()
    if form.validate_on_submit():
        role = assignment.role
        try:
            operations.revoke_role(assignment, acting_user=current_user)
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("%(email)s no longer holds the role %(role)s.", email=user.email, role=ROLE_NAMES[role]))
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, revoke=form)


@bp.post("/users/<int:user_id>/active")
@admin_required
def set_active(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = ActiveForm()
    if form.validate_on_submit():
        active = form.active.data == "1"
        try:
            operations.set_active(user, active, acting_user=current_user)
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            if active:
                flash(_("%(email)s can log in again.", email=user.email))
            else:
                flash(_("%(email)s is deactivated and can no longer log in.", email=user.email))
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, active=form)


@bp.post("/users/<int:user_id>/sessions/end")
@admin_required
def end_user_sessions(user_id: int) -> ResponseReturnValue:
    """End every session of another user at once (a lost laptop, a shared computer), leaving their password as it is.
    Administrators end their own other sessions on their own account page, which keeps the one they are using."""
    user = _user_or_404(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        return redirect(url_for("account.password"), 303)  # where the session in use is kept
    end_sessions(user)
    db.session.commit()
    flash(_("Every session of %(email)s has ended: they log in again, with the same password.", email=user.email))
    return redirect(url_for("admin.user", user_id=user.id))


@bp.post("/users/<int:user_id>/locale")
@admin_required
def set_locale(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = LocaleForm()
    if form.validate_on_submit():
        try:
            operations.set_locale(user, form.locale.data)
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("The language of %(email)s is saved.", email=user.email))
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, language=form)


@bp.post("/users/<int:user_id>/password")
@admin_required
def set_password(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        # One's own password is changed with the current one (and its throttle), on one's own page.
        flash(_("This is your own account: change your password on your own page, with your current password."))
        return redirect(url_for("account.password"), 303)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            operations.set_password(user, form.password.data or "")
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("%(email)s has a new password. Any session of theirs has ended.", email=user.email))
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, password=form)


@bp.post("/users/<int:user_id>/details")
@admin_required
def edit_user(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = UserDetailsForm()
    if form.validate_on_submit():
        try:
            operations.edit_user(user, form.email.data or "", form.display_name.data or "")
        except SetupError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(_("The name and e-mail address of %(email)s are saved.", email=user.email))
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, details=form)
