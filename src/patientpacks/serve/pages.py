"""The pages in the receptionist's language: chosen on the page (a cookie
keeps the choice), else the first of the browser's languages
(Accept-Language) that has a page catalogue, else English.

The pages' words come from their own catalogues (``frontdesk.po``), read
through the API as every catalogue is read; what the patient reads (a
leaflet's title, a language's own name) is in the patient's language
already. Where the pages show English for want of a translation, they say so.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import api
from .security import cookie_options

#: The cookie that remembers the interface language (a preference, not a secret).
LANGUAGE_COOKIE = "desk_language"
_A_YEAR = 365 * 24 * 3600


def make_pages() -> Environment:
    pages = Environment(
        loader=PackageLoader("patientpacks.serve"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
    )
    pages.filters["language_name"] = api.language_name
    # Installed afresh for each page (render_page), under a lock.
    pages.install_null_translations(newstyle=True)
    return pages


_render_lock = threading.Lock()


def interface_locale(request: Request) -> str:
    """The language the pages are shown in, for this request."""
    locales = api.page_locales(request.app.state.settings.project)
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in locales:
        return chosen
    return api.negotiate_page_locale(request.headers.get("accept-language", "")[:500], locales)


def render_page(request: Request, name: str, **context: object) -> str:
    project = request.app.state.settings.project
    locale = interface_locale(request)
    catalogue = api.page_catalogue(project, locale)
    # The language the words are in: English when none is translated.
    shown = locale if catalogue.any_translated else "en"
    interface = {
        "locale": locale,
        "lang": shown.replace("_", "-"),
        "direction": api.text_direction(shown),
        "english_because": catalogue.english_because,
        "choices": [(code, api.language_name(code)) for code in api.page_locales(project)],
    }
    pages: Environment = request.app.state.pages
    # One environment for every page: the gettext functions it calls are
    # rebound for each page's language, one page at a time.
    with _render_lock:
        pages.install_gettext_translations(catalogue.translations, newstyle=True)
        return pages.get_template(name).render(request=request, interface=interface, **context)


async def choose_language(request: Request) -> Response:
    """Remember the interface language the receptionist chose, and go back."""
    locale = request.query_params.get("locale", "")
    next_path = request.query_params.get("next", "/")
    if not next_path.startswith("/") or next_path.startswith("//") or urlsplit(next_path).netloc:
        next_path = "/"  # only a page of this server
    response = RedirectResponse(next_path, status_code=303)
    if locale in api.page_locales(request.app.state.settings.project):
        response.set_cookie(
            LANGUAGE_COOKIE, locale, max_age=_A_YEAR, samesite="lax", **cookie_options(request)
        )
    return response
