"""Who may ask, and what every answer carries.

- **Access token.** On an address other than 127.0.0.1 the server starts
  only with a token (app.py); every request must then carry it as
  ``Authorization: Bearer T`` or a session cookie, which the sign-in page
  sets for a browser that gave the token. The cookie's value is an HMAC of
  the server's secret (new at each start), so it proves only "signed in to
  this server since it started".
- **Cross-site forms.** Every form that changes or costs something (print,
  sign in) carries a token that is an HMAC of a random cookie the page set
  (double submit, signed): a page on another site can neither read the
  cookie nor compute the token. A request that names another origin
  (``Origin``, ``Sec-Fetch-Site: cross-site``) is refused before that.
  Written here, not taken from asgi-csrf: it lets a POST without cookies
  through, and on 127.0.0.1 without a token a forged print request carries
  none.
- **Headers.** Every answer carries a Content-Security-Policy that allows
  only the server's own scripts, styles and images and no framing,
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``.
- **The access log** names the method, the path, the status and the time,
  never a query string (an Infobutton request may carry the patient's age
  and sex), never a form field, never a cookie or header.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from urllib.parse import quote

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "patientpacks_session"
CSRF_COOKIE = "patientpacks_csrf"
CSRF_FIELD = "csrf_token"
#: Pages a browser may reach before it signs in.
_OPEN_PATHS = ("/sign-in", "/static/", "/fonts/")

HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer Chrome sends "Origin: null"
    # on the page's own form posts, which the cross-site check must refuse.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]

access_log = logging.getLogger("patientpacks.serve.access")


class Secrets:
    """The server's token (None on 127.0.0.1 without one) and its secret for
    cookies, made anew at each start."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self.key = secrets.token_bytes(32)

    def sign(self, purpose: str, value: str = "") -> str:
        return hmac.new(self.key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()

    def token_matches(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def signed_in(self, headers: Headers, cookies: dict[str, str]) -> bool:
        if self.token is None:
            return True
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self.token_matches(credentials.strip()):
            return True
        return hmac.compare_digest(cookies.get(SESSION_COOKIE, ""), self.sign("session"))


class GuardMiddleware:
    """The access token, the security headers and the access log, for every request."""

    def __init__(self, app: ASGIApp, secrets_: Secrets) -> None:
        self.app = app
        self.secrets = secrets_

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        request = Request(scope)
        try:
            if request.url.path.startswith(_OPEN_PATHS) or self.secrets.signed_in(
                request.headers, request.cookies
            ):
                await self.app(scope, receive, send_with_headers)
            else:
                await _ask_to_sign_in(request)(scope, receive, send_with_headers)
        finally:
            client = scope.get("client") or ("-", 0)
            access_log.info(
                '%s "%s %s" %s %.3fs',
                client[0],
                scope["method"],
                scope["path"],
                status,
                time.monotonic() - started,
            )


def _ask_to_sign_in(request: Request) -> PlainTextResponse | RedirectResponse:
    """A browser is sent to the sign-in page (and back afterwards); anything
    else gets 401."""
    if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(f"/sign-in?next={quote(request.url.path, safe='/')}", status_code=303)
    return PlainTextResponse(
        "401 Unauthorized: give the server's access token as 'Authorization: Bearer <token>', "
        "or sign in at /sign-in",
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="patientpacks"'},
    )


# --- Cross-site forms ------------------------------------------------------------


def csrf_cookie(request: Request) -> tuple[str, bool]:
    """The browser's CSRF cookie, and whether it is new (to be set)."""
    current = request.cookies.get(CSRF_COOKIE, "")
    if len(current) == 43:  # token_urlsafe(32)
        return current, False
    return secrets.token_urlsafe(32), True


def form_token(secrets_: Secrets, cookie: str) -> str:
    return secrets_.sign("csrf", cookie)


def cross_site_refusal(request: Request, secrets_: Secrets, form_value: str) -> str | None:
    """Why a form POST is refused as possibly cross-site, or None."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin is not None and origin != own:
        return f"the form was sent from another site ({origin})"
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return "the form was sent from another site"
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not form_value:
        return "the form's security token is missing: reload the page and try again"
    if not hmac.compare_digest(form_value, form_token(secrets_, cookie)):
        return "the form's security token does not match: reload the page and try again"
    return None


def cookie_options(request: Request) -> dict[str, object]:
    """HttpOnly always; Secure when the page came over HTTPS (behind a proxy that says so)."""
    return {"httponly": True, "secure": request.url.scheme == "https", "path": "/"}
