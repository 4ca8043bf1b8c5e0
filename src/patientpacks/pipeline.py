"""The build, one stage after another:

    load (packs, brands, catalogues) -> plan (jobs, input hashes)
    -> build each leaflet (check, render HTML, render PDF) -> write (atomic) + manifest

Everything is read and checked before anything is written. A broken input
fails only the leaflets that depend on it; the others still build.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import __version__
from .catalogs import (
    SOURCE_LOCALE,
    LoadedCatalogue,
    catalogue_path,
    discover_locales,
    load_catalogue,
    parse_locale,
    source_catalogue,
)
from .checks import input_reasons, page_budget_reason, untranslated_messages_reason
from .config import check_brand_parameters, load_brand, load_pack
from .errors import MissingSafetyTranslationError, PatientPacksError, UsageError
from .fonts import load_font_setup
from .model import Brand, Failure, Job, Leaflet, Pack, Project
from .output import output_lock, read_manifest, remove_stale_temporaries, write_leaflet, write_manifest
from .render_html import make_environment, render_leaflet_html
from .render_pdf import LeafletRenderer
from .workers import Limits, run_jobs


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path
    packs: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    jobs: int = 1
    write_html: bool = False
    today: date = field(default_factory=date.today)
    limits: Limits = field(default_factory=Limits)


@dataclass
class LoadedInputs:
    """Everything read from disk, and what could not be read (by item id)."""

    packs: dict[str, Pack] = field(default_factory=dict)
    brands: dict[str, Brand] = field(default_factory=dict)
    catalogues: dict[str, LoadedCatalogue] = field(default_factory=dict)
    errors: dict[tuple[str, str], PatientPacksError] = field(default_factory=dict)


@dataclass
class BuildReport:
    leaflets: list[Leaflet] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    manifest_path: Path | None = None

    @property
    def drafts(self) -> list[Leaflet]:
        return [leaflet for leaflet in self.leaflets if leaflet.status == "draft"]


# --- Stage 1: load ---------------------------------------------------------


def _select(kind: str, found: list[str], wanted: tuple[str, ...]) -> list[str]:
    unknown = [item for item in wanted if item not in found]
    if unknown:
        raise UsageError(f"unknown {kind} {', '.join(map(repr, unknown))} (found: {', '.join(found) or 'none'})")
    return [item for item in found if not wanted or item in wanted]


def load_inputs(project: Project, options: BuildOptions) -> LoadedInputs:
    inputs = LoadedInputs()
    found_packs = sorted(path.parent.name for path in project.packs_dir.glob("*/pack.toml"))
    pack_ids = _select("pack", found_packs, options.packs)
    brand_ids = _select("brand", sorted(path.stem for path in project.brands_dir.glob("*.toml")), options.brands)
    available = discover_locales(project.locales_dir)
    catalogue_locale = {locale: locale for locale in available}
    for locale in options.locales:
        parse_locale(locale)
        language = locale.split("_")[0]
        if locale not in available and language in available:
            # A regional locale falls back to its language's catalogue, never
            # further (and never silently to English): pt_PT -> pt.
            catalogue_locale[locale] = language
            available.append(locale)
    locales = _select("locale", available, options.locales)

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
    for locale in locales:
        try:
            inputs.catalogues[locale] = (
                source_catalogue()
                if locale == SOURCE_LOCALE
                else load_catalogue(catalogue_path(project.locales_dir, catalogue_locale[locale]), locale)
            )
        except PatientPacksError as error:
            inputs.errors[("locale", locale)] = error
    return inputs


# --- Stage 2: plan ---------------------------------------------------------


class _InputHasher:
    """Hashes the files a leaflet is built from; each file is read once."""

    def __init__(self) -> None:
        self._digests: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._digests:
            self._digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._digests[path]

    def tree(self, folder: Path) -> list[tuple[str, str]]:
        return [(str(path), self.file(path)) for path in sorted(folder.rglob("*")) if path.is_file()]

    def job(self, project: Project, pack: Pack, brand: Brand, locale: str, catalogue: LoadedCatalogue) -> str:
        parts: list[tuple[str, str]] = [("tool", __version__), ("locale", locale)]
        parts += self.tree(pack.directory) + self.tree(project.templates_dir) + self.tree(project.assets_dir)
        parts += [(str(brand.source_file), self.file(brand.source_file)), (str(brand.logo.path), self.file(brand.logo.path))]
        if catalogue.path is not None:
            parts.append((str(catalogue.path), self.file(catalogue.path)))
        digest = hashlib.sha256()
        for name, value in parts:
            digest.update(f"{name}\0{value}\n".encode())
        return digest.hexdigest()


def plan_jobs(project: Project, inputs: LoadedInputs, options: BuildOptions) -> tuple[list[Job], list[Failure]]:
    """One job per pack × locale × brand whose inputs all loaded; a failure for the rest."""
    jobs, failures = [], []
    hasher = _InputHasher()
    pack_ids = sorted({*inputs.packs, *(item for kind, item in inputs.errors if kind == "pack")})
    brand_ids = sorted({*inputs.brands, *(item for kind, item in inputs.errors if kind == "brand")})
    locales = sorted({*inputs.catalogues, *(item for kind, item in inputs.errors if kind == "locale")})
    for brand_id, locale, pack_id in itertools.product(brand_ids, locales, pack_ids):
        label = f"{brand_id}/{locale}/{pack_id}"
        broken = [
            inputs.errors[key]
            for key in (("pack", pack_id), ("brand", brand_id), ("locale", locale))
            if key in inputs.errors
        ]
        if broken:
            failures.append(Failure(label, "; ".join(str(error) for error in broken)))
            continue
        pack, brand, catalogue = inputs.packs[pack_id], inputs.brands[brand_id], inputs.catalogues[locale]
        jobs.append(
            Job(
                pack=pack,
                brand=brand,
                locale=locale,
                catalogue_path=catalogue.path,
                inputs_sha256=hasher.job(project, pack, brand, locale, catalogue),
            )
        )
    return jobs, failures


# --- Stage 3: build each leaflet ------------------------------------------


class LeafletBuilder:
    """Checks, renders and lays out leaflets; one per process, kept warm."""

    def __init__(self, project: Project, today: date) -> None:
        self.project = project
        self.today = today
        self.environment = make_environment(project)
        self.renderer = LeafletRenderer(project)
        self.fonts = load_font_setup(project.fonts_dir)
        self._catalogues: dict[str, LoadedCatalogue] = {}

    def _catalogue(self, job: Job) -> LoadedCatalogue:
        if job.locale not in self._catalogues:
            self._catalogues[job.locale] = (
                source_catalogue() if job.catalogue_path is None else load_catalogue(job.catalogue_path, job.locale)
            )
        return self._catalogues[job.locale]

    def _html(self, job: Job, catalogue: LoadedCatalogue, *, draft: bool):
        html, record = render_leaflet_html(
            self.environment, job, catalogue, draft=draft, font_stack=self.fonts.stack_for(job.locale)
        )
        if record.missing_safety:
            raise MissingSafetyTranslationError(
                "safety notes are never shown in another language, so this leaflet was not built; "
                f"translate these messages (msgctxt \"safety\"): {'; '.join(map(repr, record.missing_safety))}",
                path=catalogue.path,
            )
        return html, record

    def build(self, job: Job) -> Leaflet:
        catalogue = self._catalogue(job)
        reasons = input_reasons(job, catalogue, self.today)
        drafted = bool(reasons)
        html, record = self._html(job, catalogue, draft=drafted)
        reasons += filter(None, [untranslated_messages_reason(catalogue, record.missing)])
        pdf, pages = self.renderer.render(html, job.label)
        reasons += filter(None, [page_budget_reason(job, pages)])
        if reasons and not drafted:
            # Only the render could tell this leaflet is a draft: render it
            # again with the draft mark on every page.
            html, _ = self._html(job, catalogue, draft=True)
            pdf, pages = self.renderer.render(html, job.label)
        return Leaflet(job=job, pdf=pdf, pages=pages, html=html, reasons=tuple(reasons))


# --- Stage 4: write --------------------------------------------------------


def build(
    project: Project,
    options: BuildOptions,
    on_result: Callable[[Leaflet | Failure], None] = lambda result: None,
) -> BuildReport:
    """Build the selected leaflets into ``options.out_dir``; never raises for a
    single leaflet's problem (see :class:`BuildReport`)."""
    load_font_setup(project.fonts_dir)  # a font problem stops the build before any work
    inputs = load_inputs(project, options)
    jobs, failures = plan_jobs(project, inputs, options)
    report = BuildReport(failures=list(failures))
    for failure in failures:
        on_result(failure)
    with output_lock(options.out_dir):
        remove_stale_temporaries(options.out_dir)
        previous = read_manifest(options.out_dir)
        entries = []
        for result in run_jobs(project, jobs, options):
            if isinstance(result, Leaflet):
                try:
                    entries.append(
                        write_leaflet(options.out_dir, result, write_html=options.write_html, project_root=project.root)
                    )
                    # Right after each PDF, so that a build killed at any
                    # moment leaves a manifest that matches the files.
                    write_manifest(options.out_dir, previous, entries)
                    report.leaflets.append(result)
                except PatientPacksError as error:
                    result = Failure(result.job.label, str(error))
            if isinstance(result, Failure):
                report.failures.append(result)
            on_result(result)
        report.manifest_path = write_manifest(options.out_dir, previous, entries)
    return report


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
