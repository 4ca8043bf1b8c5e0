"""The build, one stage after another:

    load (packs, brands, catalogues) -> plan (jobs, input hashes)
    -> build each leaflet (check, render HTML, render PDF) -> write (atomic) + manifest

Everything is read and checked before anything is written. A broken input
fails only the leaflets that depend on it; the others still build.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import __version__, clock
from ..errors import CatalogueError, PatientPacksError, UsageError
from ..model import STANDARD_EDITION, Brand, Edition, Failure, Job, Leaflet, Pack, Project
from .catalogue_reader import read_catalogue
from .catalogues import (
    PSEUDO_LOCALES,
    SOURCE_LOCALE,
    catalogue_path,
    discover_locales,
    parse_locale,
    review_lapsed,
)
from .config import check_brand_parameters, load_brand, load_pack
from .fonts import load_font_setup
from .output import (
    ManifestWriter,
    output_lock,
    read_manifest,
    remove_stale_temporaries,
    sha256_file,
    write_leaflet,
)
from .pool import Limits, run_jobs


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path
    packs: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    jobs: int = 1
    write_html: bool = False
    #: The day review dates are checked against (SOURCE_DATE_EPOCH, else today).
    today: date = field(default_factory=clock.today)
    limits: Limits = field(default_factory=Limits)
    #: Rebuild every leaflet, even those whose inputs and PDF are unchanged.
    force: bool = False
    #: (K, N): build only the K-th of N deterministic shards (1-based).
    shard: tuple[int, int] | None = None
    #: The editions of every leaflet to build (see model.Edition).
    editions: tuple[Edition, ...] = (STANDARD_EDITION,)


@dataclass
class LoadedInputs:
    """Everything read from disk, and what could not be read (by item id)."""

    packs: dict[str, Pack] = field(default_factory=dict)
    brands: dict[str, Brand] = field(default_factory=dict)
    #: The catalogue file of each locale (None for the source locale). Workers
    #: read and check them: a broken one fails only that locale's leaflets.
    catalogues: dict[str, Path | None] = field(default_factory=dict)
    #: The locales to build (the catalogues may hold more: bilingual editions' second languages).
    locales: list[str] = field(default_factory=list)
    errors: dict[tuple[str, str], PatientPacksError] = field(default_factory=dict)


@dataclass
class BuildReport:
    #: Manifest entries of the leaflets built (the PDFs themselves are on
    #: disk; keeping them here would grow this process with every leaflet).
    built: list[dict] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    #: Manifest entries of the leaflets that were up to date and not rebuilt.
    unchanged: list[dict] = field(default_factory=list)
    manifest_path: Path | None = None
    #: Stopped before every leaflet was built (Ctrl-C, SIGTERM, or the
    #: caller's ``stop``): the manifest lists exactly the PDFs written.
    interrupted: bool = False

    @property
    def draft_count(self) -> int:
        """Drafts among the leaflets built and those left unchanged."""
        return sum(entry["status"] == "draft" for entry in [*self.built, *self.unchanged])


# --- Stage 1: load ---------------------------------------------------------


def _select(kind: str, found: list[str], wanted: tuple[str, ...]) -> list[str]:
    unknown = [item for item in wanted if item not in found]
    if unknown:
        raise UsageError(
            f"unknown {kind} {', '.join(map(repr, unknown))} (found: {', '.join(found) or 'none'})"
        )
    return [item for item in found if not wanted or item in wanted]


def load_inputs(project: Project, options: BuildOptions) -> LoadedInputs:
    inputs = LoadedInputs()
    found_packs = sorted(path.parent.name for path in project.packs_dir.glob("*/pack.toml"))
    pack_ids = _select("pack", found_packs, options.packs)
    brand_ids = _select(
        "brand", sorted(path.stem for path in project.brands_dir.glob("*.toml")), options.brands
    )
    available = discover_locales(project.locales_dir)
    catalogue_locale = {locale: locale for locale in available}
    second_locales = [edition.second_locale for edition in options.editions if edition.second_locale]
    for locale in [*options.locales, *second_locales]:
        parse_locale(locale)
        language = locale.split("_")[0]
        if locale not in catalogue_locale and language in catalogue_locale:
            # A regional locale falls back to its language's catalogue, never
            # further (and never silently to English): pt_PT -> pt.
            catalogue_locale[locale] = language
    available += [
        locale for locale in options.locales if locale in catalogue_locale and locale not in available
    ]
    locales = _select("locale", available, options.locales)
    for locale in second_locales:
        if locale not in catalogue_locale:
            raise UsageError(
                f"no catalogue for the bilingual edition's language {locale!r} (found: {', '.join(sorted(catalogue_locale))})"
            )

    # Every pack is read, selected or not: a brand's parameters are checked
    # against all the parameters the packs define.
    all_packs, pack_errors = {}, {}
    for pack_id in found_packs:
        try:
            all_packs[pack_id] = load_pack(project.packs_dir / pack_id)
        except PatientPacksError as error:
            pack_errors[pack_id] = error
    for pack_id in pack_ids:
        if pack_id in pack_errors:
            inputs.errors[("pack", pack_id)] = pack_errors[pack_id]
        else:
            inputs.packs[pack_id] = all_packs[pack_id]
    for brand_id in brand_ids:
        try:
            brand = load_brand(project.brands_dir / f"{brand_id}.toml")
            if not pack_errors:  # else a parameter may belong to the unreadable pack
                check_brand_parameters(brand, list(all_packs.values()))
            inputs.brands[brand_id] = brand
        except PatientPacksError as error:
            inputs.errors[("brand", brand_id)] = error
    for locale in [*locales, *second_locales]:
        inputs.catalogues[locale] = (
            None if locale == SOURCE_LOCALE else catalogue_path(project.locales_dir, catalogue_locale[locale])
        )
    inputs.locales = locales
    return inputs


# --- Stage 2: plan ---------------------------------------------------------


#: The Python libraries whose version changes what a PDF holds: layout and
#: PDF writing, dates and plural rules (CLDR), templates, font subsetting, the
#: print shop's colour conversion (LittleCMS, in Pillow).
_RENDERING_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "Babel", "Jinja2", "fonttools",
                        "uharfbuzz", "segno", "pillow")  # fmt: skip
#: The C libraries WeasyPrint lays text out with, and the call that names
#: their version (read with ctypes: importing WeasyPrint here would add 0.7 s
#: to every no-op rebuild).
_RENDERING_C_LIBRARIES = (
    ("pango", "libpango-1.0.so.0", "pango_version_string"),
    ("harfbuzz", "libharfbuzz.so.0", "hb_version_string"),
)


def rendering_software() -> list[tuple[str, str]]:
    """The versions of everything that renders a leaflet besides its inputs:
    an upgrade of any of them rebuilds every leaflet."""
    versions = []
    for name in _RENDERING_LIBRARIES:
        try:
            versions.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    for name, library, function in _RENDERING_C_LIBRARIES:
        try:
            call = getattr(ctypes.CDLL(library), function)
            call.restype = ctypes.c_char_p
            versions.append((name, call().decode()))
        except (OSError, AttributeError):
            versions.append((name, "unknown"))
    return versions


class _InputHasher:
    """Hashes the files a leaflet is built from; each file is read once.

    Files are named relative to the project, so a leaflet's key is the same in
    every clone of the repository (CI runners, shards)."""

    def __init__(self, project: Project) -> None:
        self.root = project.root
        self._digests: dict[Path, str] = {}
        self._trees: dict[Path, list[tuple[str, str]]] = {}
        self._lapsed: dict[Path, str] = {}
        # Read once per build: what renders every leaflet, and the system
        # fonts by content (the 19 MB CJK collection: about 25 ms).
        setup = load_font_setup(project.fonts_dir)
        system_fonts = sorted({face.path for face in setup.faces if face.family in setup.system_families})
        self.environment = rendering_software() + [
            (f"system font {path}", self._digest(path)) for path in system_fonts
        ]

    def _digest(self, path: Path) -> str:
        if path not in self._digests:
            with path.open("rb") as file:
                self._digests[path] = hashlib.file_digest(file, "sha256").hexdigest()
        return self._digests[path]

    def file(self, path: Path) -> tuple[str, str]:
        return str(path.relative_to(self.root)), self._digest(path)

    def review_lapsed(self, catalogue: Path, today: date) -> str:
        if catalogue not in self._lapsed:
            self._lapsed[catalogue] = str(review_lapsed(catalogue, today))
        return self._lapsed[catalogue]

    def tree(self, folder: Path) -> list[tuple[str, str]]:
        if folder not in self._trees:
            self._trees[folder] = [self.file(path) for path in sorted(folder.rglob("*")) if path.is_file()]
        return self._trees[folder]

    def job(
        self,
        project: Project,
        pack: Pack,
        brand: Brand,
        locale: str,
        edition: Edition,
        catalogues: tuple[Path | None, ...],
        today: date,
    ) -> str:
        # The date matters only through the review-due checks (the pack's and
        # the translation's), so a new day alone does not rebuild anything.
        parts: list[tuple[str, str]] = [
            ("tool", __version__),
            *self.environment,
            ("locale", locale),
            ("edition", edition.id),
            ("past review", str(today > pack.review_due)),
        ]
        parts += self.tree(pack.directory) + self.tree(project.templates_dir) + self.tree(project.assets_dir)
        parts += [self.file(brand.source_file), self.file(brand.logo.path)]
        if edition.name == "print-shop" and brand.output_profile is not None:
            parts.append(self.file(brand.output_profile.path))
        for catalogue in catalogues:
            if catalogue is not None:
                parts += [
                    self.file(catalogue),
                    ("translation past review", self.review_lapsed(catalogue, today)),
                ]
        digest = hashlib.sha256()
        for name, value in parts:
            digest.update(f"{name}\0{value}\n".encode())
        return digest.hexdigest()


def plan_jobs(
    project: Project, inputs: LoadedInputs, options: BuildOptions
) -> tuple[list[Job], list[Failure]]:
    """One job per pack × locale × brand whose inputs all loaded; a failure for the rest."""
    jobs, failures = [], []
    hasher = _InputHasher(project)
    pack_ids = sorted({*inputs.packs, *(item for kind, item in inputs.errors if kind == "pack")})
    brand_ids = sorted({*inputs.brands, *(item for kind, item in inputs.errors if kind == "brand")})
    locales = sorted({*inputs.locales, *(item for kind, item in inputs.errors if kind == "locale")})
    for brand_id, locale, pack_id, edition in itertools.product(
        brand_ids, locales, pack_ids, options.editions
    ):
        if edition.second_locale in (locale, locale.split("_")[0]):
            continue  # a leaflet is not bilingual with its own language
        label = f"{brand_id}/{locale}/{pack_id}{edition.file_suffix}"
        if options.shard and not in_shard(label, *options.shard):
            continue
        broken = [
            inputs.errors[key]
            for key in (("pack", pack_id), ("brand", brand_id), ("locale", locale))
            if key in inputs.errors
        ]
        if broken:
            failures.append(Failure(label, "; ".join(str(error) for error in broken)))
            continue
        pack, brand, catalogue = inputs.packs[pack_id], inputs.brands[brand_id], inputs.catalogues[locale]
        second_catalogue = inputs.catalogues[edition.second_locale] if edition.second_locale else None
        jobs.append(
            Job(
                pack=pack,
                brand=brand,
                locale=locale,
                catalogue_path=catalogue,
                inputs_sha256=hasher.job(
                    project, pack, brand, locale, edition, (catalogue, second_catalogue), options.today
                ),
                edition=edition,
                second_catalogue_path=second_catalogue,
                source_files=tuple(
                    (role, *hasher.file(path))
                    for role, path in (
                        ("pack", pack.source_file),
                        ("brand", brand.source_file),
                        ("catalogue", catalogue),
                        ("second_catalogue", second_catalogue),
                    )
                    if path is not None
                ),
            )
        )
    return jobs, failures


# --- Stage 3: build each leaflet (in workers: see workers.py, build_leaflet.py) --


def in_shard(label: str, shard: int, shards: int) -> bool:
    """Whether a leaflet belongs to shard K of N: by a hash of its name, so a
    leaflet stays in its shard when others are added or removed."""
    return int(hashlib.sha256(label.encode()).hexdigest(), 16) % shards == shard - 1


def split_unchanged(
    jobs: list[Job], previous: list[dict], options: BuildOptions
) -> tuple[list[Job], list[dict]]:
    """The jobs to run, and the manifest entries of leaflets already up to
    date: same inputs, and the PDF on disk is the one the manifest records."""
    if options.force:
        return jobs, []
    by_key = {entry["path"]: entry for entry in previous}
    to_build, unchanged = [], []
    for job in jobs:
        entry = by_key.get(job.relative_pdf_path)
        if (
            entry
            and entry.get("inputs_sha256") == job.inputs_sha256
            and _intact(options.out_dir, entry, options.write_html)
        ):
            unchanged.append(entry)
        else:
            to_build.append(job)
    return to_build, unchanged


def _intact(out_dir: Path, entry: dict, write_html: bool) -> bool:
    pdf = out_dir / entry["path"]
    if write_html and not pdf.with_suffix(".html").is_file():
        return False
    return pdf.is_file() and sha256_file(pdf) == entry["sha256"]


# --- Stage 4: write --------------------------------------------------------


def build(
    project: Project,
    options: BuildOptions,
    on_result: Callable[[Leaflet | Failure], None] = lambda result: None,
    on_start: Callable[[int], None] = lambda count: None,
    stop: threading.Event | None = None,
) -> BuildReport:
    """Build the selected leaflets into ``options.out_dir``; never raises for a
    single leaflet's problem (see :class:`BuildReport`). ``on_start`` is told
    how many leaflets will be built, ``on_result`` each one as it is done.
    Setting ``stop`` ends the build within a fraction of a second: the workers
    are stopped, and the manifest is written for the PDFs already written."""
    stop = stop or threading.Event()
    load_font_setup(project.fonts_dir)  # a font problem stops the build before any work
    inputs = load_inputs(project, options)
    jobs, failures = plan_jobs(project, inputs, options)
    report = BuildReport(failures=list(failures))
    for failure in failures:
        on_result(failure)
    with output_lock(options.out_dir):
        remove_stale_temporaries(options.out_dir)
        previous = read_manifest(options.out_dir)
        jobs, report.unchanged = split_unchanged(jobs, previous, options)
        jobs, refused = refuse_unreadable_catalogues(jobs)
        for failure in refused:
            report.failures.append(failure)
            on_result(failure)
        manifest = ManifestWriter(
            options.out_dir, previous, rebuilding=[job.relative_pdf_path for job in jobs]
        )
        on_start(len(jobs))
        for result in run_jobs(project, jobs, options, stop):
            if isinstance(result, Leaflet):
                try:
                    entry = write_leaflet(options.out_dir, result, write_html=options.write_html)
                    manifest.record(entry)
                    report.built.append(entry)
                except PatientPacksError as error:
                    result = Failure(result.job.label, str(error))
            if isinstance(result, Failure):
                report.failures.append(result)
            on_result(result)
        report.manifest_path = manifest.finish()
    report.interrupted = stop.is_set()
    return report


def refuse_unreadable_catalogues(jobs: list[Job]) -> tuple[list[Job], list[Failure]]:
    """Read every catalogue the jobs use, once, here, before any PDF is
    written or any worker starts: a leaflet whose catalogue cannot be read
    exactly as written fails with the file and line, and its last good PDF
    stays. (Problems with single messages are the leaflet's own: a draft
    reason, or a missing safety message that stops it.)"""
    problems: dict[Path, str] = {}
    for path in {path for job in jobs for path in (job.catalogue_path, job.second_catalogue_path) if path}:
        reading = read_catalogue(path, PSEUDO_LOCALES.get(path.parent.parent.name, path.parent.parent.name))
        if reading.catalog is None or reading.blocking:
            problem = (reading.blocking or reading.problems)[0]
            problems[path] = str(CatalogueError(problem.message, path=problem.path, line=problem.line))
    to_build, refused = [], []
    for job in jobs:
        found = [
            problems[path] for path in (job.catalogue_path, job.second_catalogue_path) if path in problems
        ]
        if found:
            refused.append(Failure(job.label, "; ".join(found)))
        else:
            to_build.append(job)
    return to_build, refused
