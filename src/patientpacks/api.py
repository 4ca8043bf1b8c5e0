"""The one way in: everything the command line, the benchmark, the tests and
the web server do to a project, they do through these functions.

WeasyPrint and the translator's libraries (Babel's catalogue front end,
textstat) are imported by the functions that need them, not here: a no-op
rebuild or ``stats`` starts in a fraction of a second.

    project = api.open_project("~/clinic-leaflets")
    leaflet = api.render_leaflet(project, pack="aftercare-card", locale="es", brand="harbour-lane-uk")
    leaflet.pdf, leaflet.status, leaflet.reasons, leaflet.pages

    report = api.build(project, api.BuildOptions(out_dir=Path("dist")))

``render_leaflet`` lays one leaflet out in this process, writes nothing, and
keeps its fonts, stylesheets, templates and catalogues warm for the next,
each checked against what it was made from: a saved catalogue, template or
stylesheet shows on the next call. Per-patient values (a TreatmentRecord)
are printed into the leaflet's treatment record and go nowhere else: not to
disk, not to a log, not into any cache.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from . import clock
from .build.load import load_inputs
from .build.manifest import merge_manifests as merge_manifest_entries
from .build.manifest import write_manifest_entries
from .build.options import (
    MAX_JOBS,
    MEMORY_LIMIT_MB,
    BuildOptions,
    Limits,
    check_seconds,
    check_shard,
    check_whole_number,
)
from .build.pipeline import BuildReport
from .build.pipeline import build as build_leaflets
from .build.plan import plan_jobs, refuse_unreadable_catalogues
from .errors import PatientPacksError, UsageError
from .jobs import (
    LARGE_PRINT_EDITION,
    PRINT_SHOP_EDITION,
    STANDARD_EDITION,
    Edition,
    Failure,
    Job,
    Leaflet,
    PageBoxes,
    TreatmentRecord,
)
from .model import Project

if TYPE_CHECKING:
    from .build.leaflet import LeafletBuilder
    from .build.listing import TitleRenderer
    from .build.page_catalogues import PageCatalogue
    from .build.preview import MessageArea, PreviewMessage
    from .translate.check import CheckReport, PackReadability
    from .translate.stats import StatsReport
    from .translate.xliff import XliffImport

__all__ = [
    "LARGE_PRINT_EDITION",
    "MAX_JOBS",
    "MEMORY_LIMIT_MB",
    "PRINT_SHOP_EDITION",
    "STANDARD_EDITION",
    "XLIFF_VERSIONS",
    "BuildOptions",
    "BuildReport",
    "BuiltLeaflet",
    "CheckReport",
    "Edition",
    "Limits",
    "MessageArea",
    "PackReadability",
    "Plan",
    "PreviewLeaflet",
    "PreviewMessage",
    "RenderPool",
    "RenderedLeaflet",
    "StatsReport",
    "TreatmentRecord",
    "build",
    "built_leaflets",
    "check",
    "check_seconds",
    "check_shard",
    "check_whole_number",
    "export_xliff",
    "extract",
    "first_page_png",
    "format_date",
    "import_xliff",
    "init_locale",
    "language_name",
    "leaflet_html",
    "leaflet_title",
    "match_locale",
    "merge_manifests",
    "negotiate_page_locale",
    "open_project",
    "page_catalogue",
    "page_locales",
    "page_pngs",
    "plan",
    "preview_changes",
    "preview_leaflet",
    "preview_version",
    "readability_formula",
    "render_leaflet",
    "stats",
    "text_direction",
    "update",
    "write_file_atomically",
    "write_previews",
    "write_pseudo_locale",
]


def open_project(folder: Path | str) -> Project:
    """The project in ``folder``: its packs/, brands/, locales/, templates/ and
    assets/. A UsageError when the folder has no packs/."""
    root = Path(folder).expanduser()
    if not (root / "packs").is_dir():
        raise UsageError(f"{root} is not a patientpacks project: it has no packs/ folder")
    return Project(root=root.resolve())


@dataclass(frozen=True)
class Plan:
    """The leaflets a build would make, and those that cannot be made (a
    broken pack, brand or catalogue), with why."""

    jobs: tuple[Job, ...]
    failures: tuple[Failure, ...]


def plan(project: Project, options: BuildOptions) -> Plan:
    """Every leaflet ``options`` selects (packs × locales × brands × editions),
    read and checked, without building any."""
    jobs, failures = plan_jobs(project, load_inputs(project, options), options)
    jobs, refused = refuse_unreadable_catalogues(jobs)
    return Plan(tuple(jobs), (*failures, *refused))


def build(
    project: Project,
    options: BuildOptions,
    *,
    on_result: Callable[[Leaflet | Failure], None] = lambda result: None,
    on_start: Callable[[int], None] = lambda count: None,
    stop: threading.Event | None = None,
) -> BuildReport:
    """Build the leaflets ``options`` selects into ``options.out_dir``
    (atomically, with the manifest), in worker processes. One leaflet's
    problem fails that leaflet only; setting ``stop`` ends the build within a
    fraction of a second, the manifest true to the PDFs written. An output
    folder that is not the build's own (the root, the home folder, the
    project's folders, someone else's files) is an OutputError before
    anything is written; what the build found wrong in its own folder and
    worked around (a manifest it could not trust) is in ``warnings``."""
    return build_leaflets(project, options, on_result=on_result, on_start=on_start, stop=stop)


@dataclass(frozen=True)
class RenderedLeaflet:
    """One leaflet, laid out and written to PDF bytes in memory."""

    label: str  # brand/locale/pack[.edition]
    pdf: bytes
    pages: int
    #: Why it is a draft (empty: publishable).
    reasons: tuple[str, ...]
    #: Each page's boxes as laid out (for the printable-area check).
    page_boxes: tuple[PageBoxes, ...]

    @property
    def status(self) -> str:
        return "draft" if self.reasons else "publishable"


#: One warm builder per project folder and day, for render_leaflet.
_builders: dict[tuple[Path, date], LeafletBuilder] = {}
_builders_lock = threading.Lock()
# Let the builders go before the interpreter tears its modules down: a
# WeasyPrint font configuration freed after that prints a TypeError.
atexit.register(_builders.clear)


def _builder(project: Project, today: date) -> LeafletBuilder:
    """The project's warm builder (call with _builders_lock held)."""
    from .build.leaflet import LeafletBuilder  # WeasyPrint: only to render

    key = (project.root, today)
    if key not in _builders:
        for stale in [cached for cached in _builders if cached[0] == project.root]:
            del _builders[stale]  # a new day: review dates are checked against it
        _builders[key] = LeafletBuilder(project, today, watch_files=True)
    return _builders[key]


def leaflet_html(project: Project, job: Job, *, draft: bool = True) -> str:
    """The HTML a planned leaflet is laid out from (for the benchmark, which
    gives the same HTML to WeasyPrint alone and to Chromium)."""
    with _builders_lock:
        return _builder(project, clock.today()).html(job, draft=draft)


def render_leaflet(
    project: Project,
    *,
    pack: str,
    locale: str,
    brand: str,
    edition: Edition = STANDARD_EDITION,
    record: TreatmentRecord | None = None,
    today: date | None = None,
) -> RenderedLeaflet:
    """Render one leaflet (pack × locale × brand × edition) in this process and
    return its PDF, status, reasons and page count; write nothing. With
    ``record``, the treatment record is filled in for one patient, as plain
    text (its review date, when left out, follows from the treatment date and
    the brand's review days). A leaflet that cannot be built raises the
    PatientPacksError that says why."""
    today = today or clock.today()
    options = BuildOptions(
        out_dir=project.root / "dist", packs=(pack,), locales=(locale,), brands=(brand,), editions=(edition,),
        today=today,
    )  # fmt: skip
    job = _one_job(project, options, f"{brand}/{locale}/{pack} ({edition.id})")
    with _builders_lock:
        leaflet = _builder(project, today).build(job, record=_with_review_date(record, job))
    return RenderedLeaflet(
        label=job.label, pdf=leaflet.pdf, pages=leaflet.pages, reasons=leaflet.reasons,
        page_boxes=leaflet.page_boxes,
    )  # fmt: skip


def _one_job(project: Project, options: BuildOptions, label: str) -> Job:
    """The one leaflet ``options`` select, or the PatientPacksError that
    says why there is none (``label`` names what was asked for)."""
    planned = plan(project, options)
    if planned.failures or len(planned.jobs) != 1:
        reasons = "; ".join(failure.error for failure in planned.failures)
        raise PatientPacksError(reasons or f"no such leaflet: {label}")
    return planned.jobs[0]


def _with_review_date(record: TreatmentRecord | None, job: Job) -> TreatmentRecord | None:
    days = job.parameters.get("review_days")
    if (
        record is None
        or record.review_appointment
        or not record.date_of_treatment
        or not isinstance(days, int)
    ):
        return record
    return replace(record, review_appointment=record.date_of_treatment + timedelta(days=days))


# --- For a long-running caller: the server ------------------------------------------


def _warm_up(project: Project) -> None:
    """A render pool worker's first leaflet, laid out before any request
    waits for it (templates compiled, fonts loaded: about 1 s)."""
    planned = plan(project, BuildOptions(out_dir=project.root / "dist"))
    if planned.jobs:
        job = planned.jobs[0]
        # A problem is that leaflet's own: its request will say what it is.
        with contextlib.suppress(PatientPacksError):
            render_leaflet(project, pack=job.pack.id, locale=job.locale, brand=job.brand.id)


def _render_in_worker(project: Project, arguments: dict[str, object]) -> RenderedLeaflet:
    return render_leaflet(project, **arguments)


def _preview_in_worker(project: Project, arguments: dict[str, str]) -> PreviewLeaflet:
    return preview_leaflet(project, **arguments)


class RenderPool:
    """Leaflets rendered for a long-running caller (the server) in warm worker
    processes, as ``render_leaflet`` renders them, under the build's time and
    memory limits. At most ``workers + queue`` leaflets are in hand at once:
    ``render`` raises a BusyError (with ``retry_after``) rather than queue
    more. The worker's copy of a TreatmentRecord goes when the render ends."""

    def __init__(
        self, project: Project, *, workers: int = 2, limits: Limits | None = None, queue: int = 8
    ) -> None:
        from .build.warm_pool import WarmPool

        self.project = project
        self._pool = WarmPool(_warm_up, (project,), workers=workers, limits=limits or Limits(), queue=queue)

    def render(
        self,
        *,
        pack: str,
        locale: str,
        brand: str,
        edition: Edition = STANDARD_EDITION,
        record: TreatmentRecord | None = None,
    ) -> Future[RenderedLeaflet]:
        arguments = {"pack": pack, "locale": locale, "brand": brand, "edition": edition, "record": record}
        return self._pool.submit(_render_in_worker, self.project, arguments)

    def preview(self, *, pack: str, locale: str, brand: str) -> Future[PreviewLeaflet]:
        """A translator's preview (``preview_leaflet``), under the same limits:
        a half-done catalogue is the least trusted input a server reads."""
        arguments = {"pack": pack, "locale": locale, "brand": brand}
        return self._pool.submit(_preview_in_worker, self.project, arguments)

    def close(self) -> None:
        self._pool.close()


@dataclass(frozen=True)
class BuiltLeaflet:
    """A leaflet as a build wrote it (an entry of the output folder's manifest)."""

    path: Path
    label: str
    pack: str
    locale: str
    brand: str
    edition: str
    status: str
    reasons: tuple[str, ...]
    pages: int
    sha256: str
    inputs_sha256: str


def built_leaflets(out_dir: Path) -> list[BuiltLeaflet]:
    """The leaflets the manifest in ``out_dir`` lists ([] when there is none)."""
    from .build.manifest import read_manifest

    return [
        BuiltLeaflet(
            path=out_dir / entry["path"],
            label=entry["path"].removesuffix(".pdf"),
            pack=entry["pack"],
            locale=entry["locale"],
            brand=entry["brand"],
            edition=entry["edition"],
            status=entry["status"],
            reasons=tuple(entry["reasons"]),
            pages=entry["pages"],
            sha256=entry["sha256"],
            inputs_sha256=entry["inputs_sha256"],
        )
        for entry in read_manifest(out_dir)
    ]


_title_renderers: dict[Path, TitleRenderer] = {}


def leaflet_title(project: Project, job: Job) -> str:
    """A planned leaflet's title in its language, as plain text (the English
    source where the catalogue has no usable translation of it)."""
    from .build.listing import TitleRenderer

    with _builders_lock:
        if project.root not in _title_renderers:
            _title_renderers[project.root] = TitleRenderer(project)
        return _title_renderers[project.root].title(job)


def page_pngs(pdf: bytes, width_px: int = 600) -> tuple[bytes, ...]:
    """A picture of each page of a PDF, ``width_px`` wide (PNG, quickly
    compressed: for a page shown once, such as the translator's preview)."""
    from .build.listing import page_pngs

    return page_pngs(pdf, width_px, optimize=False)


def first_page_png(pdf: bytes, width_px: int = 240) -> bytes:
    """A picture of a PDF's first page, ``width_px`` wide (PNG)."""
    from .build.listing import first_page_png

    return first_page_png(pdf, width_px)


def language_name(locale: str, in_locale: str | None = None) -> str:
    """A locale's name in ``in_locale`` (default: in its own language and
    script), as CLDR writes it, its first letter capitalised: "Español",
    "العربية", "Spanish"."""
    from .build.catalogues import parse_locale

    name = parse_locale(locale).get_display_name(parse_locale(in_locale or locale)) or locale
    return name[:1].upper() + name[1:]


def text_direction(locale: str) -> str:
    """ "rtl" or "ltr": the direction the locale's script is written in."""
    from .build.catalogues import parse_locale

    return "rtl" if parse_locale(locale).character_order == "right-to-left" else "ltr"


def match_locale(tag: str, locales: list[str]) -> str | None:
    """The one of ``locales`` a language tag (BCP 47 or POSIX: ``es``,
    ``es-MX``, ``zh-CN``, ``pt_BR``) asks for, or None: the same locale, or
    the same language and script in no region or in the region the tag
    names or implies (CLDR's likely subtags: ``zh`` is ``zh_Hans_CN``, ``pt``
    is ``pt_BR``), never another language. A UsageError for a tag that is no
    locale."""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global, parse_locale

    def subtags(code: str) -> tuple[str, str | None, str | None]:
        """(language, script, region), with what CLDR's likely subtags imply."""
        language, region, script, *_ = parse_locale(code.replace("-", "_"))
        likely_subtags = get_global("likely_subtags")
        likely = likely_subtags.get(f"{language}_{region}") or likely_subtags.get(language, language)
        return language, script or parse_locale(likely)[2], region

    try:
        Locale.parse(tag.replace("-", "_"))
        wanted = subtags(tag)
    except (ValueError, TypeError, UnknownLocaleError):
        raise UsageError(f"{tag[:40]!r} is not a language code (such as es, es-MX, zh-Hans)") from None
    implied_region = parse_locale(get_global("likely_subtags").get(wanted[0], wanted[0]))[1]
    for locale in sorted(locales, key=lambda locale: subtags(locale) != wanted):  # the same locale first
        language, script, region = subtags(locale)
        if (language, script) == wanted[:2] and region in (None, wanted[2] or implied_region):
            return locale
    return None


# --- The front desk pages' own words ------------------------------------------------


def page_locales(project: Project) -> list[str]:
    """The languages the front desk pages can be chosen in: English and every
    locale with a page catalogue (``locales/<locale>/LC_MESSAGES/frontdesk.po``)
    or a leaflet catalogue (its pages then show English, and say so)."""
    from .build.catalogues import PSEUDO_LOCALES, SOURCE_LOCALE, discover_locales
    from .build.page_catalogues import PAGES_DOMAIN

    found = {*discover_locales(project.locales_dir), *discover_locales(project.locales_dir, PAGES_DOMAIN)}
    return [SOURCE_LOCALE, *sorted(found - {SOURCE_LOCALE, *PSEUDO_LOCALES})]


def page_catalogue(project: Project, locale: str) -> PageCatalogue:
    """The pages' translations in ``locale`` (``.translations``, gettext's
    functions), read as every catalogue is read, and why the pages show
    English in places (``.english_because``, None when nowhere)."""
    from .build.page_catalogues import load_page_catalogue

    return load_page_catalogue(project.root, locale)


def negotiate_page_locale(accept_language: str, locales: list[str]) -> str:
    """The one of ``locales`` a browser's Accept-Language header asks for
    first (Babel's negotiate_locale, then CLDR's likely subtags for a tag
    such as ``zh-CN``, which means ``zh_Hans``), English when none."""
    from babel import negotiate_locale

    wanted = []
    for number, item in enumerate(accept_language.split(",")[:20]):
        tag, _, quality = item.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and tag != "*" and len(tag) <= 35:
            wanted.append((-weight, number, tag.replace("-", "_")))
    for _, _, tag in sorted(wanted):
        found = negotiate_locale([tag], locales, sep="_")
        with contextlib.suppress(UsageError):
            found = found or match_locale(tag, locales)
        if found:
            return found
    return "en"


def format_date(day: date, locale: str) -> str:
    """A date as the leaflets of ``locale`` print it."""
    from .build.render_html import format_long_date

    return format_long_date(day, locale)


# --- The translator's commands -----------------------------------------------------


def extract(project: Project) -> bool:
    """Templates -> ``locales/messages.pot``; whether the file changed."""
    from .translate.catalogues import extract

    return extract(project)


def update(project: Project) -> list[str]:
    """Merge ``messages.pot`` into every catalogue; the locales that changed."""
    from .translate.catalogues import update

    return update(project)


def init_locale(project: Project, locale: str) -> Path:
    """Start the catalogue of any language CLDR knows, with its plural rule."""
    from .translate.catalogues import init

    return init(project, locale)


def review_translation(
    project: Project, locale: str, by: str, on: date | None = None, due: date | None = None
) -> tuple[Path, int]:
    """Record a translation review of the catalogue as it is now (review.toml
    beside it); the file written, and how many messages still print in English."""
    from .translate.signoffs import review_translation

    return review_translation(project, locale, by, on or clock.today(), due)


def sign_off_pack(project: Project, pack_id: str, by: str, on: date | None = None) -> Path:
    """Record a clinical sign-off of the pack's content as it is now (packs/<id>/signoff.toml)."""
    from .translate.signoffs import sign_off_pack

    return sign_off_pack(project, pack_id, by, on or clock.today())


def write_pseudo_locale(project: Project) -> Path:
    """Regenerate the pseudo-locale ``en_XA`` from ``messages.pot``."""
    from .translate.pseudo import make_pseudo_catalogue

    return make_pseudo_catalogue(project)


#: The XLIFF versions ``export_xliff`` writes.
XLIFF_VERSIONS = ("1.2", "2.0")


def export_xliff(project: Project, locale: str, version: str = "1.2") -> bytes:
    """The locale's catalogue as XLIFF 1.2 or 2.0, each message's msgctxt,
    plural forms and comments kept (translate/xliff.py)."""
    from .translate.xliff import export_xliff as export

    return export(project, locale, version)


def import_xliff(project: Project, locale: str, xliff_file: Path) -> XliffImport:
    """An exported XLIFF's translations and fuzzy states written back into
    the locale's catalogue; nothing else of it changes."""
    from .translate.xliff import import_xliff as import_file

    return import_file(project, locale, xliff_file)


def write_file_atomically(path: Path, data: bytes) -> None:
    """``data`` written to ``path`` whole or not at all."""
    from .build.output import atomic_write_bytes

    atomic_write_bytes(path, data)


def merge_manifests(manifests: list[Path], out: Path) -> int:
    """Merge the shards' manifests (built with a ``shard``) into ``out``; how many leaflets it lists."""
    entries = merge_manifest_entries(manifests)
    write_manifest_entries(out, entries)
    return len(entries)


def stats(project: Project, today: date | None = None) -> StatsReport:
    """How complete each catalogue is per pack, and the reviews falling due."""
    from .translate.stats import project_stats

    return project_stats(project, today or clock.today())


def check(
    project: Project, locales: tuple[str, ...] = (), *, layout: bool = True, jobs: int = 1
) -> CheckReport:
    """Everything to fix, what blocks a build first (see translate/check.py)."""
    from .translate.check import check_project

    return check_project(project, locales, layout=layout, jobs=jobs)


def readability_formula(locale: str) -> tuple[str, str]:
    """The name and scale of the readability formula ``check`` scores ``locale`` with."""
    from .translate.readability import FORMULAS

    return FORMULAS[locale].name, FORMULAS[locale].scale


# --- The translator's preview ------------------------------------------------------


@dataclass(frozen=True)
class PreviewLeaflet:
    """A translator's preview of one leaflet (build/preview.py): laid out as
    the leaflet would be, in whatever state its catalogue is, each message
    marked by its state. Never a leaflet: "PREVIEW — not for patients" on
    every page, and nothing of it is written to an output folder or a
    manifest."""

    label: str  # brand/locale/pack
    pdf: bytes
    pages: int
    #: Every message it printed, in order; the highlighted ones numbered from 1.
    messages: tuple[PreviewMessage, ...]
    #: Why the leaflet, built now, would be a draft.
    reasons: tuple[str, ...]
    #: Where each highlighted message went, line by line, page by page.
    areas: tuple[MessageArea, ...]

    @property
    def highlighted(self) -> tuple[PreviewMessage, ...]:
        return tuple(message for message in self.messages if message.number)


def preview_leaflet(project: Project, *, pack: str, locale: str, brand: str) -> PreviewLeaflet:
    """Preview one pack in ``locale`` (as ``brand`` prints it), however little
    of it is translated: a safety message with no usable translation is
    printed in English and highlighted as missing, where ``render_leaflet``
    refuses the leaflet. A PatientPacksError when the catalogue cannot be
    read at all, or a template is broken."""
    today = clock.today()
    options = BuildOptions(
        out_dir=project.root / "dist", packs=(pack,), locales=(locale,), brands=(brand,), today=today
    )
    job = _one_job(project, options, f"{brand}/{locale}/{pack}")
    with _builders_lock:
        pdf, pages, messages, areas, reasons = _builder(project, today).preview(job)
    messages = _with_glossary_notes(project, locale, messages)
    return PreviewLeaflet(
        label=job.label, pdf=pdf, pages=pages, messages=tuple(messages), reasons=tuple(reasons),
        areas=tuple(areas),
    )  # fmt: skip


def _with_glossary_notes(
    project: Project, locale: str, messages: list[PreviewMessage]
) -> list[PreviewMessage]:
    """Each message with what the language's glossary says of its terms (a
    glossary that cannot be read is reported by ``check``, listed beside)."""
    from .translate.glossary import glossary_notes, glossary_path, read_glossary

    try:
        terms = read_glossary(glossary_path(project.locales_dir, locale), locale)
    except PatientPacksError:
        return messages
    return [replace(message, glossary=glossary_notes(message.msgid, terms)) for message in messages]


def _preview_inputs(project: Project, locale: str) -> tuple[Path, Path]:
    """The folders a preview of ``locale`` is made from: its catalogue's and
    the templates. A UsageError for a locale with no catalogue (a name from
    a request is never made a path before this)."""
    from .build.catalogues import discover_locales

    if locale not in discover_locales(project.locales_dir):
        raise UsageError(
            f"{locale[:40]!r} has no catalogue in locales/: start one with `patientpacks init LOCALE`"
        )
    return project.locales_dir / locale, project.templates_dir


def preview_version(project: Project, locale: str) -> str:
    """What a preview of ``locale`` was made from, in a few characters: it
    changes when the locale's catalogue or a template is saved."""
    import hashlib
    import os

    entries = []
    for folder in _preview_inputs(project, locale):
        for directory, _, files in os.walk(folder):
            for name in files:
                stat = os.stat(os.path.join(directory, name))
                entries.append(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()[:16]


async def preview_changes(project: Project, locale: str, since: str) -> AsyncIterator[str]:
    """The next versions (``preview_version``) of a preview's inputs, from
    ``since``: one each time the locale's catalogue or a template is saved,
    within a fraction of a second (watchfiles; an editor's save is several
    writes, gathered into one). Compared again every second besides, so a
    save just before the watch began is not missed."""
    import watchfiles

    folders = [folder for folder in _preview_inputs(project, locale) if folder.is_dir()]
    version = since
    async for _changes in watchfiles.awatch(
        *folders, debounce=200, step=50, rust_timeout=1000, yield_on_timeout=True
    ):
        current = preview_version(project, locale)
        if current != version:
            version = current
            yield current


def write_previews(project: Project, locale: str, out_dir: Path, *, brand: str | None = None) -> list[Path]:
    """Write a preview PDF of every pack in ``locale`` to ``out_dir`` (as
    ``brand``, default the first brand), named ``PACK.LOCALE.preview.pdf``.
    A build's output folder (one with a manifest) is refused: previews are
    never leaflets."""
    from .build.output import MANIFEST_NAME, atomic_write_bytes

    out_dir = Path(out_dir)
    if (out_dir / MANIFEST_NAME).exists() or out_dir.resolve() == (project.root / "dist").resolve():
        raise UsageError(f"{out_dir} holds a build's leaflets: give --out a folder of its own for previews")
    planned = plan(project, BuildOptions(out_dir=project.root / "dist", locales=(locale,)))
    brands = sorted({job.brand.id for job in planned.jobs})
    if not brands:
        raise UsageError(f"no leaflet can be planned in {locale!r}: run `patientpacks check {locale}`")
    chosen = brand or brands[0]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for pack in sorted({job.pack.id for job in planned.jobs if job.brand.id == chosen}):
        preview = preview_leaflet(project, pack=pack, locale=locale, brand=chosen)
        path = out_dir / f"{pack}.{locale}.preview.pdf"
        atomic_write_bytes(path, preview.pdf)
        written.append(path)
    return written
