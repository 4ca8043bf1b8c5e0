"""What the pages show, worked out from the project through the API: the
leaflets there are (planned, and kept while no input file changes), their
titles in each language, what the build in the output folder holds, and
whether a leaflet is publishable.

Nothing here holds patient data: the print form's values go from the
request straight to the render pool (routes.py).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from .. import api
from ..errors import PatientPacksError

#: The editions the index lists for every leaflet: the bilingual one with
#: English, the language every catalogue is translated from.
INDEX_EDITIONS = (
    api.STANDARD_EDITION,
    api.LARGE_PRINT_EDITION,
    api.PRINT_SHOP_EDITION,
    api.Edition("bilingual", "en"),
)
#: The editions the front desk offers (the print shop's is for the press).
DESK_EDITIONS = {"standard": "Standard", "large-print": "Large print", "bilingual": "Bilingual"}
_PROJECT_FOLDERS = ("packs", "brands", "locales", "templates", "assets")


def project_fingerprint(project: api.Project) -> tuple:
    """Every input file's name, size and modification time: a change to any
    of them plans the leaflets again (the print path always plans afresh)."""
    entries = []
    for folder in _PROJECT_FOLDERS:
        for directory, _, files in os.walk(project.root / folder):
            for name in files:
                stat = os.stat(os.path.join(directory, name))
                entries.append((directory, name, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(sorted(entries))


@dataclass(frozen=True)
class Listing:
    """The leaflets there are, as planned at one moment."""

    jobs: tuple[api.Job, ...]
    failures: tuple[api.Failure, ...]
    #: What the build in the output folder holds, by path relative to it.
    built: dict[str, api.BuiltLeaflet]

    def job(self, relative_pdf_path: str) -> api.Job | None:
        return next((job for job in self.jobs if job.relative_pdf_path == relative_pdf_path), None)

    def current_build(self, job: api.Job) -> api.BuiltLeaflet | None:
        """The built PDF of ``job``, when it was built from the inputs there are now."""
        built = self.built.get(job.relative_pdf_path)
        return built if built is not None and built.inputs_sha256 == job.inputs_sha256 else None

    @property
    def standard_jobs(self) -> list[api.Job]:
        return [job for job in self.jobs if job.edition == api.STANDARD_EDITION]


class Views:
    """The project as the pages see it; planned again when a file changes."""

    def __init__(self, project: api.Project, out_dir: Path, pool: api.RenderPool | None = None) -> None:
        self.project = project
        self.out_dir = out_dir
        self.pool = pool
        self._lock = threading.Lock()
        self._listing: tuple[tuple, Listing] | None = None
        #: Status and reasons of blank leaflets rendered to find them out, by inputs hash.
        self._statuses: OrderedDict[str, tuple[str, tuple[str, ...]]] = OrderedDict()
        self._thumbnails: OrderedDict[str, bytes] = OrderedDict()

    def listing(self) -> Listing:
        """Call in a thread: planning reads every pack, brand and catalogue."""
        key = (
            project_fingerprint(self.project),
            self._manifest_stamp(),
            api.BuildOptions(out_dir=self.out_dir).today,
        )
        with self._lock:
            if self._listing is None or self._listing[0] != key:
                planned = api.plan(
                    self.project, api.BuildOptions(out_dir=self.out_dir, editions=INDEX_EDITIONS)
                )
                built = {leaflet.label + ".pdf": leaflet for leaflet in api.built_leaflets(self.out_dir)}
                self._listing = (key, Listing(planned.jobs, planned.failures, built))
            return self._listing[1]

    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.out_dir / "manifest.json").stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def plan_one(self, pack: str, locale: str, brand: str, edition: api.Edition) -> api.Job:
        """The one leaflet asked for, or the PatientPacksError that says why there is none."""
        planned = api.plan(
            self.project,
            api.BuildOptions(
                out_dir=self.out_dir, packs=(pack,), locales=(locale,), brands=(brand,), editions=(edition,)
            ),
        )
        if planned.failures:
            raise PatientPacksError("; ".join(failure.error for failure in planned.failures))
        if len(planned.jobs) != 1:
            raise PatientPacksError(f"there is no {edition.name} edition of {brand}/{locale}/{pack}")
        return planned.jobs[0]

    async def status(self, job: api.Job) -> tuple[str, tuple[str, ...]]:
        """Whether a leaflet is publishable, and why not: from the build when
        it is current, else from rendering it blank once (kept by its inputs
        hash, which changes with any input)."""
        built = await asyncio.to_thread(lambda: self.listing().current_build(job))
        if built is not None:
            return built.status, built.reasons
        if job.inputs_sha256 not in self._statuses:
            leaflet = await self.render_blank(job)
            self._remember(self._statuses, job.inputs_sha256, (leaflet.status, leaflet.reasons), 2048)
        return self._statuses[job.inputs_sha256]

    async def render_blank(self, job: api.Job) -> api.RenderedLeaflet:
        assert self.pool is not None
        future = self.pool.render(
            pack=job.pack.id, locale=job.locale, brand=job.brand.id, edition=job.edition
        )
        return await asyncio.wrap_future(future)

    async def thumbnail(self, built: api.BuiltLeaflet) -> bytes:
        """Its first page as PNG, kept by the PDF's hash."""
        if built.sha256 not in self._thumbnails:
            png = await asyncio.to_thread(lambda: api.first_page_png(built.path.read_bytes()))
            self._remember(self._thumbnails, built.sha256, png, 512)
        return self._thumbnails[built.sha256]

    @staticmethod
    def _remember(cache: OrderedDict, key: str, value: object, size: int) -> None:
        cache[key] = value
        while len(cache) > size:
            cache.popitem(last=False)

    def titles(self, listing: Listing) -> dict[tuple[str, str], str]:
        """Each pack's title in each language, by (pack, locale)."""
        titles = {}
        for job in listing.standard_jobs:
            if (job.pack.id, job.locale) not in titles:
                try:
                    titles[(job.pack.id, job.locale)] = api.leaflet_title(self.project, job)
                except PatientPacksError:
                    titles[(job.pack.id, job.locale)] = job.pack.title
        return titles


@dataclass(frozen=True)
class Language:
    locale: str
    lang: str  # BCP 47, for lang=""
    own_name: str
    clinic_name: str
    direction: str


def languages(locales: list[str], clinic_locale: str) -> list[Language]:
    """Each locale in its own name and script and in the clinic's language,
    sorted by the clinic's name for it."""
    found = [
        Language(
            locale=locale,
            lang=locale.replace("_", "-"),
            own_name=api.language_name(locale),
            clinic_name=api.language_name(locale, clinic_locale),
            direction=api.text_direction(locale),
        )
        for locale in locales
    ]
    return sorted(found, key=lambda language: language.clinic_name.casefold())
