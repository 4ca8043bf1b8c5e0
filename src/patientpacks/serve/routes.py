"""The pages and endpoints: each reads its request, calls the API (through
views.py) and answers. Patient data comes only in the print form's body and
leaves only in the PDF it returns."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from .. import api
from ..errors import BusyError, PatientPacksError, UsageError
from . import infobutton as infobutton_answers
from .pages import render_page
from .security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    cookie_options,
    cross_site_refusal,
    csrf_cookie,
    form_token,
)
from .views import DESK_EDITIONS, languages

#: The print form's fields besides the leaflet's choice; anything else is refused.
_RECORD_FIELDS = ("date_of_treatment", "review_appointment", *api.TreatmentRecord.TEXT_FIELDS, "units")
_CHOICE_FIELDS = ("pack", "locale", "brand", "edition", "second_locale")
NO_STORE = {"Cache-Control": "no-store"}


def _page(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    return HTMLResponse(render_page(request, name, **context), status_code=status, headers=NO_STORE)


def _problem(
    request: Request, status_code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    response = _page(request, "problem.html", status_code, status_code=status_code, message=message)
    response.headers.update(headers or {})
    return response


async def project_problem(request: Request, error: Exception) -> Response:
    """A project file the server cannot use (a brand, a font list, a
    catalogue): the page says which and why, not "Internal Server Error"."""
    # Its path as the project knows it, never where the project is on the server.
    root = request.app.state.settings.project.root
    message = str(error)
    for where in {f"{root}/", f"{root.resolve()}/"}:
        message = message.replace(where, "")
    return _problem(request, 500, f"The project cannot be used: {message}. Fix it, then reload this page.")


def _with_csrf_cookie(request: Request, response: Response, cookie: str, new: bool) -> Response:
    if new:
        response.set_cookie(CSRF_COOKIE, cookie, samesite="strict", **cookie_options(request))
    return response


def _edition(name: str, second_locale: str) -> api.Edition:
    if name not in DESK_EDITIONS:
        raise UsageError(f"edition: one of {', '.join(DESK_EDITIONS)}, not {name[:40]!r}")
    if name == "bilingual":
        if not second_locale:
            raise UsageError("a bilingual leaflet needs its second language")
        return api.Edition("bilingual", second_locale)
    return api.Edition(name)


# --- The front desk ------------------------------------------------------------


async def front_desk(request: Request) -> Response:
    views = request.app.state.views
    listing = await asyncio.to_thread(views.listing)
    titles = await asyncio.to_thread(views.titles, listing)
    jobs = listing.standard_jobs
    brands = {job.brand.id: job.brand for job in jobs}
    clinic_locale = next(iter(brands.values())).language if brands else "en"
    locales = sorted({job.locale for job in jobs})
    review_days = {
        f"{job.pack.id}/{job.brand.id}": job.parameters.get("review_days")
        for job in jobs
        if isinstance(job.parameters.get("review_days"), int)
    }
    products = sorted({product for job in jobs for product in job.parameters.get("products", ())})
    cookie, new = csrf_cookie(request)
    response = _page(
        request,
        "front_desk.html",
        packs=sorted({job.pack.id: job.pack for job in jobs}.values(), key=lambda pack: pack.id),
        brands=sorted(brands.values(), key=lambda brand: brand.name),
        languages=languages(locales, clinic_locale),
        clinic_locale=clinic_locale,
        data={
            "titles": {f"{pack}/{locale}": title for (pack, locale), title in titles.items()},
            "reviewDays": review_days,
        },
        titles=titles,
        products=products,
        editions=DESK_EDITIONS,
        failures=listing.failures,
        today=api.BuildOptions(out_dir=views.out_dir).today.isoformat(),
        csrf_field=CSRF_FIELD,
        csrf_token=form_token(request.app.state.secrets, cookie),
    )
    return _with_csrf_cookie(request, response, cookie, new)


async def status(request: Request) -> Response:
    """Whether the chosen leaflet is publishable, and why not (JSON; the
    front desk page shows it before printing)."""
    views = request.app.state.views
    query = request.query_params
    try:
        edition = _edition(query.get("edition", "standard"), query.get("second_locale", ""))
        job = await asyncio.to_thread(
            views.plan_one, query.get("pack", ""), query.get("locale", ""), query.get("brand", ""), edition
        )
        state, reasons = await views.status(job)
    except BusyError as error:
        return JSONResponse(
            {"status": "busy", "reasons": [str(error)]}, 503, {"Retry-After": str(error.retry_after)}
        )
    except PatientPacksError as error:
        return JSONResponse({"status": "cannot be printed", "reasons": [str(error)]})
    return JSONResponse({"status": state, "reasons": list(reasons), "label": job.label})


def treatment_record(form: FormData) -> api.TreatmentRecord | None:
    """The print form's patient values as a TreatmentRecord (None when all
    are blank); a UsageError naming the field that is wrong, never its value."""
    values = {name: form.get(name, "") for name in _RECORD_FIELDS}
    if any(not isinstance(value, str) for value in values.values()):
        raise UsageError("the form holds a file: only text fields are accepted")
    values = {name: value.strip() for name, value in values.items()}
    if not any(values.values()):
        return None
    dates = {}
    for name, label in (
        ("date_of_treatment", "date of treatment"),
        ("review_appointment", "review appointment"),
    ):
        try:
            dates[name] = date.fromisoformat(values[name]) if values[name] else None
        except ValueError:
            raise UsageError(f"{label}: a date as YYYY-MM-DD") from None
    units = None
    if values["units"]:
        try:
            units = Decimal(values["units"].replace(",", "."))
        except InvalidOperation:
            raise UsageError("units: a number, such as 20 or 12.5") from None
    return api.TreatmentRecord(
        **dates, units=units, **{name: values[name] for name in api.TreatmentRecord.TEXT_FIELDS}
    )


async def print_leaflet(request: Request) -> Response:
    """The leaflet filled in for one patient, as a PDF for the browser's own
    viewer; kept nowhere."""
    try:
        form = await request.form(max_files=0, max_fields=len(_RECORD_FIELDS) + len(_CHOICE_FIELDS) + 1)
    except Exception:  # a body that is not a form of ours (Starlette raises 400s of its own kinds)
        return _problem(
            request, 400, "Not printed: the request is not the print form (a file, or too many fields)."
        )
    refusal = cross_site_refusal(request, request.app.state.secrets, str(form.get(CSRF_FIELD, "")))
    if refusal:
        return _problem(request, 403, f"Not printed: {refusal}.")
    unknown = sorted(set(form) - {*_RECORD_FIELDS, *_CHOICE_FIELDS, CSRF_FIELD})
    if unknown:
        return _problem(
            request, 400, f"Not printed: the form has fields it should not have ({', '.join(unknown)[:80]})."
        )
    try:
        edition = _edition(str(form.get("edition", "standard")), str(form.get("second_locale", "")))
        record = treatment_record(form)
        choice = {
            "pack": str(form.get("pack", "")),
            "locale": str(form.get("locale", "")),
            "brand": str(form.get("brand", "")),
        }
        leaflet = await asyncio.wrap_future(
            request.app.state.views.pool.render(**choice, edition=edition, record=record)
        )
    except BusyError as error:
        return _problem(request, 503, f"Not printed yet: {error}.", {"Retry-After": str(error.retry_after)})
    except UsageError as error:
        return _problem(request, 400, f"Not printed: {error}.")
    except PatientPacksError as error:
        return _problem(request, 422, f"This leaflet cannot be printed: {error}")
    name = leaflet.label.replace("/", "-")
    return Response(
        leaflet.pdf,
        media_type="application/pdf",
        headers={**NO_STORE, "Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


# --- The index and the built leaflets --------------------------------------------


async def index(request: Request) -> Response:
    views = request.app.state.views
    listing = await asyncio.to_thread(views.listing)
    titles = await asyncio.to_thread(views.titles, listing)
    stats = await asyncio.to_thread(api.stats, views.project)
    completeness: dict[str, dict] = {}
    for entry in stats.catalogues:
        completeness.setdefault(entry.locale, {})[entry.pack] = entry
    rows = [
        (job, listing.current_build(job), listing.built.get(job.relative_pdf_path)) for job in listing.jobs
    ]
    return _page(
        request,
        "index.html",
        rows=rows,
        titles=titles,
        completeness=completeness,
        completeness_packs=sorted({entry.pack for entry in stats.catalogues}),
        failures=listing.failures,
        out_dir=views.out_dir,
    )


async def leaflet_pdf(request: Request) -> Response:
    """A blank leaflet: the build's PDF when it is current, else rendered now."""
    views = request.app.state.views
    listing = await asyncio.to_thread(views.listing)
    job = listing.job(request.path_params["path"])
    if job is None:
        return _problem(
            request, 404, "There is no such leaflet: see the index of every leaflet at /leaflets."
        )
    built = listing.current_build(job)
    if built is not None and built.path.is_file():
        return FileResponse(
            built.path,
            media_type="application/pdf",
            content_disposition_type="inline",
            headers={"Cache-Control": "no-cache"},
        )
    try:
        leaflet = await views.render_blank(job)
    except BusyError as error:
        return _problem(request, 503, f"Not ready yet: {error}.", {"Retry-After": str(error.retry_after)})
    except PatientPacksError as error:
        return _problem(request, 422, f"This leaflet cannot be printed: {error}")
    return Response(
        leaflet.pdf,
        media_type="application/pdf",
        headers={"Cache-Control": "no-cache", "Content-Disposition": "inline"},
    )


async def thumbnail(request: Request) -> Response:
    views = request.app.state.views
    listing = await asyncio.to_thread(views.listing)
    sha256 = request.path_params["sha256"]
    built = next((leaflet for leaflet in listing.built.values() if leaflet.sha256 == sha256), None)
    if built is None or not built.path.is_file():
        return Response(status_code=404)
    png = await views.thumbnail(built)
    return Response(
        png, media_type="image/png", headers={"Cache-Control": "private, max-age=31536000, immutable"}
    )


# --- The EHR link ----------------------------------------------------------------


async def infobutton(request: Request) -> Response:
    views = request.app.state.views
    listing = await asyncio.to_thread(views.listing)
    titles = await asyncio.to_thread(views.titles, listing)
    base = f"{request.url.scheme}://{request.url.netloc}"
    return infobutton_answers.answer(request, listing, titles, base)


# --- Signing in ------------------------------------------------------------------


async def sign_in(request: Request) -> Response:
    secrets_ = request.app.state.secrets
    next_path = request.query_params.get("next", "/")
    if not next_path.startswith("/") or next_path.startswith("//") or urlsplit(next_path).netloc:
        next_path = "/"  # only a page of this server
    cookie, new = csrf_cookie(request)
    problem = ""
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=3, max_part_size=1024)
        refusal = cross_site_refusal(request, secrets_, str(form.get(CSRF_FIELD, "")))
        if refusal:
            return _problem(request, 403, f"Not signed in: {refusal}.")
        if secrets_.token_matches(str(form.get("token", ""))):
            response = RedirectResponse(next_path, status_code=303, headers=NO_STORE)
            response.set_cookie(
                SESSION_COOKIE, secrets_.sign("session"), samesite="lax", **cookie_options(request)
            )
            return response
        problem = "That is not the server's access token."
    response = _page(
        request, "sign_in.html", 401 if problem else 200, problem=problem, next_path=next_path,
        csrf_field=CSRF_FIELD, csrf_token=form_token(secrets_, cookie),
    )  # fmt: skip
    return _with_csrf_cookie(request, response, cookie, new)
