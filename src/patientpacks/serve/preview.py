"""The translator's preview: each pack in one language, laid out as the
leaflet would be, however little of it is translated, with every message
that is not printed as translated highlighted and numbered, and the problems
``check`` finds in that language beside it. The page follows the catalogue:
saving the ``.po`` (or a template) sends an event (server-sent events) and
the page fetches itself again.

A preview is rendered in this process (api.preview_leaflet), never by the
render workers, and is never written anywhere: its pictures are kept in
memory for the page that shows them, the last few only.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import api
from ..errors import BusyError, PatientPacksError, UsageError
from .pages import render_page

#: Previews whose page pictures are kept for their page to load.
KEPT_PREVIEWS = 8
#: The pictures' width: a page of A5 text is legible at it.
PAGE_WIDTH_PX = 700
NO_STORE = {"Cache-Control": "no-store"}


class PagePictures:
    """The last few previews' page pictures, by a digest of their PDF."""

    def __init__(self) -> None:
        self._pictures: OrderedDict[str, tuple[bytes, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, pdf: bytes) -> tuple[str, int]:
        digest = hashlib.sha256(pdf).hexdigest()[:24]
        pictures = api.page_pngs(pdf, PAGE_WIDTH_PX)
        with self._lock:
            self._pictures[digest] = pictures
            self._pictures.move_to_end(digest)
            while len(self._pictures) > KEPT_PREVIEWS:
                self._pictures.popitem(last=False)
        return digest, len(pictures)

    def get(self, digest: str, number: int) -> bytes | None:
        with self._lock:
            pictures = self._pictures.get(digest, ())
        return pictures[number - 1] if 0 < number <= len(pictures) else None


def _pictures(request: Request) -> PagePictures:
    state = request.app.state
    if not hasattr(state, "preview_pictures"):
        state.preview_pictures = PagePictures()
    return state.preview_pictures


def _page(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    return HTMLResponse(render_page(request, name, **context), status_code=status, headers=NO_STORE)


async def _jobs(request: Request, locale: str) -> tuple[list[api.Job], list[api.Failure]]:
    listing = await asyncio.to_thread(request.app.state.views.listing)
    jobs = [job for job in listing.jobs if job.locale == locale and job.edition == api.STANDARD_EDITION]
    failures = [failure for failure in listing.failures if f"/{locale}/" in failure.job_label]
    return jobs, failures


async def _problems(project: api.Project, locale: str) -> list[tuple[str, str]]:
    """What ``check`` finds in ``locale`` (without laying every leaflet out),
    blocking ones first, as (effect, text)."""
    report = await asyncio.to_thread(api.check, project, (locale,), layout=False)
    return [(problem.effect, str(problem)) for problem in report.problems]


async def locale_page(request: Request) -> Response:
    """Every pack in the language, each a link to its preview."""
    locale = request.path_params["locale"]
    jobs, failures = await _jobs(request, locale)
    if not jobs and not failures:
        return _page(
            request, "problem.html", 404, status_code=404, message=f"No leaflet is planned in {locale!r}."
        )
    brand = request.query_params.get("brand") or (jobs[0].brand.id if jobs else "")
    packs = sorted({job.pack.id for job in jobs if job.brand.id == brand})
    if len(packs) == 1:
        return RedirectResponse(f"/preview/{locale}/{packs[0]}?brand={brand}", status_code=303)
    return _page(
        request, "preview_locale.html", locale=locale, brand=brand, packs=packs, failures=failures,
        problems=await _problems(request.app.state.settings.project, locale),
    )  # fmt: skip


async def pack_page(request: Request) -> Response:
    """One pack's preview in the language, its messages and the language's problems."""
    project = request.app.state.settings.project
    locale, pack = request.path_params["locale"], request.path_params["pack"]
    jobs, failures = await _jobs(request, locale)
    brands = sorted({job.brand.id for job in jobs if job.pack.id == pack})
    brand = request.query_params.get("brand") or (brands[0] if brands else "")
    packs = sorted({job.pack.id for job in jobs if job.brand.id == brand})
    try:
        version = api.preview_version(project, locale)
    except UsageError as problem:
        return _page(request, "problem.html", 404, status_code=404, message=str(problem))
    preview, error, digest, pages = None, "", "", 0
    if brand not in brands:
        error = f"No leaflet of {pack!r} is planned in {locale!r} for {brand!r}."
    else:
        try:
            # In a render worker, under the build's time and memory limits.
            preview = await asyncio.wrap_future(
                request.app.state.views.pool.preview(pack=pack, locale=locale, brand=brand)
            )
            digest, pages = await asyncio.to_thread(_pictures(request).keep, preview.pdf)
        except BusyError as problem:
            error = f"Not made yet: {problem}. Reload in a moment."
        except PatientPacksError as problem:
            error = str(problem)
    return _page(
        request, "preview.html", status=200 if preview else 422, locale=locale, pack=pack, brand=brand,
        brands=brands, packs=packs, preview=preview, error=error, digest=digest, pages=pages, version=version,
        failures=failures, problems=await _problems(project, locale),
    )  # fmt: skip


async def page_picture(request: Request) -> Response:
    picture = _pictures(request).get(request.path_params["digest"], request.path_params["number"])
    if picture is None:
        return Response(status_code=404)
    return Response(picture, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


async def changes(request: Request) -> Response:
    """Server-sent events: one ``change`` each time the language's catalogue
    or a template is saved, from the version the page shows (``since``)."""
    project = request.app.state.settings.project
    locale = request.path_params["locale"]
    since = request.query_params.get("since", "")
    try:
        api.preview_version(project, locale)
    except UsageError as problem:
        return Response(str(problem), status_code=404, media_type="text/plain")

    async def events() -> AsyncIterator[str]:
        yield ": watching\n\n"
        async for version in api.preview_changes(project, locale, since):
            yield f"event: change\ndata: {version}\n\n"

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


ROUTES = [
    Route("/preview/{locale}", locale_page),
    Route("/preview/{locale}/events", changes),
    Route("/preview/{locale}/{pack}", pack_page),
    Route("/preview-pages/{digest}/{number:int}.png", page_picture),
]
