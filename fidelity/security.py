"""Security headers on every response (Flask-Talisman) and the proxy in front of the app.

The Content Security Policy allows scripts, styles, images and fonts from the app itself only: no inline script
anywhere (the templates load `static/*.js`). Inline styles stay allowed for the SVG charts matplotlib writes. HSTS
is sent on HTTPS requests only; session and remember-me cookies are Secure in production, HttpOnly and SameSite=Lax
always (see config.py). What the app shows a logged-in person is not kept by the browser or anything between
(`no_store`): after logging out, the back button brings back no page with people's codes on it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, abort, render_template, request, session
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

F = TypeVar("F", bound=Callable[..., Any])

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def refuse_nul_characters() -> None:
    """No text a person types holds a NUL character, and PostgreSQL can neither store nor compare text that does: it
    would fail the request with a 500. A path with one names nothing (404); a query or form field with one is 400."""
    if "\x00" in request.path:
        abort(404)
    for source in (request.args, request.form):
        if any("\x00" in key or "\x00" in value for key, value in source.items(multi=True)):
            abort(400)


def no_store(response: Response) -> Response:
    """A response to a logged-in person is not stored by any cache, the browser's back-forward cache included,
    unless its view chose otherwise (a chart that may be kept a few minutes). The app's own CSS, scripts and fonts
    hold nothing of anyone's and stay cacheable."""
    # Read from the session, not from the user it names: that would ask the database, which may be what failed.
    if request.endpoint != "static" and session.get("_user_id"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def plain_http_allowed(view: F) -> F:
    """Let `view` answer plain HTTP where every other page is sent to HTTPS: a load balancer's or a monitor's health
    check asks the app directly, without the proxy's `X-Forwarded-Proto`. Talisman reads a view's own options from
    this attribute (what its decorator sets)."""
    view.talisman_view_options = {"force_https": False}  # type: ignore[attr-defined]
    return view


def opened_from_this_site(view: F) -> F:
    """Show `view` (a page that shows people's records, and logs who read them) only when the app's own pages, a
    bookmark or a typed address opened it: the session cookie goes with a link followed from anywhere (SameSite=Lax),
    so any other site (another of the organisation's too) could otherwise make a logged-in person's browser open a
    journey or download an export, writing reads and exports in their name that they never made. Browsers say where
    a request came from (`Sec-Fetch-Site`); a browser too old to say is let through. Opened from elsewhere (a
    colleague's link in an e-mail), the page says so, with a link to open it from here, which is the person's own
    click (403, and nothing logged)."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
            return render_template("open_from_here.html", target=request.full_path.rstrip("?")), 403
        return view(*args, **kwargs)

    return cast(F, checked)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.after_request(no_store)
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies, x_prefix=proxies
        )
    # One Talisman per app: it keeps its settings on itself, so a shared one would carry the last app's settings.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=bool(app.config["FORCE_HTTPS"]),
        strict_transport_security=True,
        strict_transport_security_max_age=int(app.config["HSTS_SECONDS"]),
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
        session_cookie_http_only=True,
    )
