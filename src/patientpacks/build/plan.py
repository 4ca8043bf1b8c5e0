"""Stage 2 of the build: one job per leaflet, each with the hash of every
input it is built from; which are already up to date; which catalogues
cannot be read (checked here, in the main process, before any PDF is
written)."""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import itertools
from datetime import date
from pathlib import Path, PurePosixPath

from .. import __version__
from ..errors import CatalogueError, shown_path
from ..jobs import Edition, Failure, Job
from ..model import Brand, Jurisdiction, Pack, Project
from .catalogue_reader import read_catalogue
from .catalogues import (
    PSEUDO_LOCALES,
    catalogue_path,
    overridden_language,
    review_lapsed,
)
from .fonts import load_font_setup
from .leaflet_status import recorded_status
from .load import LoadedInputs
from .options import BuildOptions
from .output import MANIFEST_NAME, is_file_inside, read_inside, sha256_bytes
from .signoffs import signoff_path_of_catalogue

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
        jurisdiction: Jurisdiction,
    ) -> str:
        # The date matters only through the review-due checks (the pack's and
        # the translation's), so a new day alone does not rebuild anything.
        parts: list[tuple[str, str]] = [
            ("tool", __version__),
            *self.environment,
            ("locale", locale),
            ("edition", edition.id),
            ("past review", str(today > pack.review_due)),
            # The clinical sign-off's state: it covers files of other
            # countries and varieties too (signoffs.pack_items), which are
            # not this leaflet's inputs.
            (
                "clinical sign-off",
                f"{pack.signoff.current}:{len(pack.signoff.changes)}:{pack.signoff.problem}",
            ),
        ]
        parts += self.tree(pack.directory) + self.tree(project.templates_dir) + self.tree(project.assets_dir)
        parts += [self.file(brand.source_file), self.file(brand.logo.path)]
        parts += [self.file(path) for path in jurisdiction.source_files]
        if edition.name == "print-shop" and brand.output_profile is not None:
            parts.append(self.file(brand.output_profile.path))
        for catalogue in catalogues:
            if catalogue is not None:
                review = signoff_path_of_catalogue(catalogue)
                parts += [
                    self.file(catalogue),
                    self.file(review) if review.is_file() else ("review", "none"),
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
        country = inputs.brands[brand_id].country if brand_id in inputs.brands else ""
        broken = [
            inputs.errors[key]
            for key in (
                ("pack", pack_id),
                ("brand", brand_id),
                ("locale", locale),
                ("locale", edition.second_locale),
                ("jurisdiction", f"{pack_id}/{country}"),
            )
            if key in inputs.errors
        ]
        if broken:
            failures.append(Failure(label, "; ".join(str(error) for error in broken)))
            continue
        pack, brand, catalogue = inputs.packs[pack_id], inputs.brands[brand_id], inputs.catalogues[locale]
        jurisdiction = inputs.jurisdictions[(pack_id, country)]
        variety, override = _variety(project, jurisdiction, locale)
        second_catalogue = inputs.catalogues[edition.second_locale] if edition.second_locale else None
        second_variety, second_override = (
            _variety(project, jurisdiction, edition.second_locale) if edition.second_locale else ("", None)
        )
        catalogues = (catalogue, override, second_catalogue, second_override)
        jobs.append(
            Job(
                pack=pack,
                brand=brand,
                locale=locale,
                catalogue_path=catalogue,
                inputs_sha256=hasher.job(
                    project, pack, brand, locale, edition, catalogues, options.today, jurisdiction
                ),
                edition=edition,
                second_catalogue_path=second_catalogue,
                source_files=tuple(
                    (role, *hasher.file(path))
                    for role, path in (
                        ("pack", pack.source_file),
                        ("brand", brand.source_file),
                        ("catalogue", catalogue),
                        ("override", override),
                        ("second_catalogue", second_catalogue),
                        ("second_override", second_override),
                        *zip(("jurisdiction", "pack_jurisdiction"), jurisdiction.source_files, strict=False),
                    )
                    if path is not None
                ),
                jurisdiction=jurisdiction,
                variety=variety,
                override_path=override,
                second_variety=second_variety,
                second_override_path=second_override,
            )
        )
    return jobs, failures


def _variety(project: Project, jurisdiction: Jurisdiction, locale: str) -> tuple[str, Path | None]:
    """The variety a leaflet in ``locale`` is printed in for the brand's
    country (a bare language takes the country's: en -> en_GB; a locale
    that names its region keeps it), and its override catalogue, if any."""
    variety = jurisdiction.varieties.get(locale, locale)
    path = catalogue_path(project.locales_dir, variety)
    if overridden_language(project.locales_dir, variety) and path.is_file():
        return variety, path
    return variety, None


def in_shard(label: str, shard: int, shards: int) -> bool:
    """Whether a leaflet belongs to shard K of N: by a hash of its name, so a
    leaflet stays in its shard when others are added or removed."""
    return int(hashlib.sha256(label.encode()).hexdigest(), 16) % shards == shard - 1


def split_unchanged(
    jobs: list[Job], previous: list[dict], options: BuildOptions
) -> tuple[list[Job], list[dict], list[str]]:
    """The jobs to run, the manifest entries of leaflets already up to date
    (same inputs, and the PDF on disk is the one the entry records, with the
    status and reasons the entry gives), and a warning for each entry whose
    PDF records another status: not trusted, its leaflet is rebuilt."""
    if options.force:
        return jobs, [], []
    by_key = {entry["path"]: entry for entry in previous}
    to_build, unchanged, warnings = [], [], []
    for job in jobs:
        entry = by_key.get(job.relative_pdf_path)
        if entry is None or entry["inputs_sha256"] != job.inputs_sha256:
            to_build.append(job)
            continue
        problem = _why_not_intact(options.out_dir, entry, options.write_html)
        if problem is None:
            unchanged.append(entry)
            continue
        to_build.append(job)
        if problem != "changed":
            warnings.append(
                f"{shown_path(options.out_dir / MANIFEST_NAME)}: {job.relative_pdf_path}: {problem}"
            )
    return to_build, unchanged, warnings


def _why_not_intact(out_dir: Path, entry: dict, write_html: bool) -> str | None:
    """None when the entry's PDF (and HTML, when asked for) is on disk as the
    entry records it, reached without following a link, and records the
    entry's status and reasons (leaflet_status.py: the PDF is the authority);
    "changed" when the files are not the entry's; else what disagrees."""
    html = str(PurePosixPath(entry["path"]).with_suffix(".html"))
    if write_html and not is_file_inside(out_dir, html):
        return "changed"
    pdf = read_inside(out_dir, entry["path"])
    if pdf is None or sha256_bytes(pdf) != entry["sha256"]:
        return "changed"
    recorded = recorded_status(pdf)
    if recorded is None:
        return "changed"  # a PDF from before PDFs recorded their status
    if recorded != (entry["status"], tuple(entry["reasons"])):
        return (
            f"the manifest says {entry['status']} ({len(entry['reasons'])} reason(s)), its PDF records "
            f"{recorded[0]} ({len(recorded[1])}); not trusted: the leaflet is rebuilt"
        )
    return None


def refuse_unreadable_catalogues(jobs: list[Job]) -> tuple[list[Job], list[Failure]]:
    """Read every catalogue the jobs use, once, here, before any PDF is
    written or any worker starts: a leaflet whose catalogue cannot be read
    exactly as written fails with the file and line, and its last good PDF
    stays. (Problems with single messages are the leaflet's own: a draft
    reason, or a missing safety message that stops it.)"""
    problems: dict[Path, str] = {}
    for path in {path for job in jobs for path in _catalogue_files(job)}:
        reading = read_catalogue(path, PSEUDO_LOCALES.get(path.parent.parent.name, path.parent.parent.name))
        if reading.catalog is None or reading.blocking:
            problem = (reading.blocking or reading.problems)[0]
            problems[path] = str(CatalogueError(problem.message, path=problem.path, line=problem.line))
    to_build, refused = [], []
    for job in jobs:
        found = [problems[path] for path in _catalogue_files(job) if path in problems]
        if found:
            refused.append(Failure(job.label, "; ".join(found)))
        else:
            to_build.append(job)
    return to_build, refused


def _catalogue_files(job: Job) -> list[Path]:
    paths = (job.override_path, job.catalogue_path, job.second_override_path, job.second_catalogue_path)
    return [path for path in paths if path is not None]
