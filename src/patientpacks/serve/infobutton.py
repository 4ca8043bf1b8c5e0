"""The HL7 Infobutton knowledge request (URL-based), read the way MedlinePlus
Connect's web service reads it, so that an EHR that calls MedlinePlus
Connect can call a clinic's server by changing the base URL:

- ``mainSearchCriteria.v.c``: the code (required);
- ``mainSearchCriteria.v.cs``: its code system, as an OID (required):
  SNOMED CT ``2.16.840.1.113883.6.96``, RxNorm ``2.16.840.1.113883.6.88``...;
- ``informationRecipient.languageCode.c``: the patient's language (default
  ``en``), as ``es``, ``es-MX``, ``zh-Hans``;
- ``knowledgeResponseType``: ``text/xml`` (an Atom feed, the default),
  ``application/json`` (the same feed as JSON, in MedlinePlus Connect's
  shape: ``{"feed": {"entry": [{"title": {"_value": ...}, "link": [{"href": ...}]}]}}``)
  or ``text/html`` (a page of links, for a browser the EHR opens).

Other parameters of the standard (the patient's age and sex, the task, the
performer) are accepted and not used. Each entry links to a leaflet PDF in
the requested language, one per pack that declares the code and per brand.
A language the clinic has no catalogue for gets an empty feed that says so
(never English leaflets in its place); an unknown code gets an empty feed; a
malformed request, 400 with the reason.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from .. import api
from ..errors import UsageError
from .views import Listing

RESPONSE_TYPES = ("text/xml", "application/json", "text/html")
_OID = re.compile(r"[0-2](\.(0|[1-9][0-9]*))+")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,63}")
_ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class KnowledgeRequest:
    code: str
    system: str
    language: str  # as asked for
    response_type: str


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    summary: str


def read_request(request: Request) -> KnowledgeRequest:
    """The request's parameters, or a UsageError that says which is wrong."""
    query = request.query_params
    for name in ("mainSearchCriteria.v.c", "mainSearchCriteria.v.cs", "informationRecipient.languageCode.c",
                 "knowledgeResponseType"):  # fmt: skip
        if len(query.getlist(name)) > 1:
            raise UsageError(f"{name}: given more than once")
    code = query.get("mainSearchCriteria.v.c", "").strip()
    system = query.get("mainSearchCriteria.v.cs", "").strip()
    if not code:
        raise UsageError("mainSearchCriteria.v.c: missing: give the code to look up")
    if not _CODE.fullmatch(code):
        raise UsageError("mainSearchCriteria.v.c: a code is letters, digits, dots and hyphens")
    if not system:
        raise UsageError(
            "mainSearchCriteria.v.cs: missing: give the code system's OID (SNOMED CT: 2.16.840.1.113883.6.96)"
        )
    if not _OID.fullmatch(system):
        raise UsageError(
            "mainSearchCriteria.v.cs: must be the code system's OID, such as 2.16.840.1.113883.6.96 (SNOMED CT)"
        )
    response_type = query.get("knowledgeResponseType", "text/xml").strip()
    if response_type not in RESPONSE_TYPES:
        raise UsageError(
            f"knowledgeResponseType: one of {', '.join(RESPONSE_TYPES)}, not {response_type[:40]!r}"
        )
    language = query.get("informationRecipient.languageCode.c", "en").strip() or "en"
    return KnowledgeRequest(code=code, system=system, language=language, response_type=response_type)


def answer(request: Request, listing: Listing, titles: dict[tuple[str, str], str], base: str) -> Response:
    try:
        asked = read_request(request)
        locales = sorted({job.locale for job in listing.standard_jobs})
        locale = api.match_locale(asked.language, locales)
    except UsageError as error:
        return PlainTextResponse(f"400 Bad Request: {error}", status_code=400)
    notice = ""
    entries: list[Entry] = []
    if locale is None:
        offered = ", ".join(f"{api.language_name(code, 'en')} ({code.replace('_', '-')})" for code in locales)
        notice = f"This clinic has no leaflets in the language asked for ({asked.language[:40]}); it offers: {offered}."
    else:
        brands = {job.brand.id for job in listing.standard_jobs}
        for job in listing.standard_jobs:
            if job.locale != locale or not any(
                (code.system, code.code) == (asked.system, asked.code) for code in job.pack.codes
            ):
                continue
            title = titles.get((job.pack.id, job.locale), job.pack.title)
            built = listing.current_build(job)
            summary = job.brand.name + (
                ""
                if built is None or built.status == "publishable"
                else " (draft: not yet signed off for patients)"
            )
            entries.append(
                Entry(title=f"{title} ({job.brand.name})" if len(brands) > 1 else title,
                      url=f"{base}/leaflets/{job.relative_pdf_path}", summary=summary)
            )  # fmt: skip
    lang = (locale or asked.language).replace("_", "-")
    if asked.response_type == "application/json":
        return JSONResponse(_json_feed(asked, lang, entries, notice, base))
    if asked.response_type == "text/html":
        page = request.app.state.pages.get_template("infobutton.html")
        return HTMLResponse(
            page.render(request=request, entries=entries, notice=notice, lang=lang, asked=asked)
        )
    return Response(_atom_feed(asked, lang, entries, notice, base), media_type="text/xml; charset=utf-8")


def _json_feed(asked: KnowledgeRequest, lang: str, entries: list[Entry], notice: str, base: str) -> dict:
    updated = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        "feed": {
            "xml:lang": lang,
            "base": base,
            "title": {"_value": "patientpacks", "type": "text"},
            "subtitle": {"_value": notice or f"Leaflets for {asked.code} ({asked.system})", "type": "text"},
            "updated": {"_value": updated},
            "id": {"_value": f"{base}/infobutton"},
            "category": [
                {"scheme": "mainSearchCriteria.v.c", "term": asked.code},
                {"scheme": "mainSearchCriteria.v.cs", "term": asked.system},
                {"scheme": "informationRecipient.languageCode.c", "term": lang},
            ],
            "entry": [
                {
                    "xml:lang": lang,
                    "title": {"_value": entry.title, "type": "text"},
                    "link": [{"href": entry.url, "rel": "alternate", "type": "application/pdf"}],
                    "id": {"_value": entry.url},
                    "updated": {"_value": updated},
                    "summary": {"_value": entry.summary, "type": "text"},
                }
                for entry in entries
            ],
        }
    }


def _atom_feed(asked: KnowledgeRequest, lang: str, entries: list[Entry], notice: str, base: str) -> bytes:
    """An Atom feed, as the Infobutton SOA guide's knowledge response: built
    with ElementTree, so every value is escaped as XML text."""
    ElementTree.register_namespace("", _ATOM)
    updated = datetime.now(UTC).isoformat(timespec="seconds")

    def child(
        parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str
    ) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{_ATOM}}}{tag}", attributes)
        element.text = text
        return element

    feed = ElementTree.Element(f"{{{_ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    child(feed, "title", "patientpacks", type="text")
    child(feed, "subtitle", notice or f"Leaflets for {asked.code} ({asked.system})", type="text")
    child(feed, "updated", updated)
    child(feed, "id", f"{base}/infobutton")
    child(child(feed, "author"), "name", "patientpacks")
    for scheme, term in (("mainSearchCriteria.v.c", asked.code), ("mainSearchCriteria.v.cs", asked.system),
                         ("informationRecipient.languageCode.c", lang)):  # fmt: skip
        child(feed, "category", scheme=scheme, term=term)
    for entry in entries:
        element = child(feed, "entry")
        child(element, "title", entry.title, type="text")
        child(element, "link", href=entry.url, rel="alternate", type="application/pdf")
        child(element, "id", entry.url)
        child(element, "updated", updated)
        child(element, "summary", entry.summary, type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
