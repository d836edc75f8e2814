"""Security headers on every response (Flask-Talisman) and the proxy in front of the app.

The Content Security Policy allows scripts, styles, images and fonts from the app itself only: no inline script
anywhere (the templates load `static/*.js`). Inline styles stay allowed for the SVG charts matplotlib writes. HSTS
is sent on HTTPS requests only; session and remember-me cookies are Secure in production, HttpOnly and SameSite=Lax
always (see config.py).
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
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
