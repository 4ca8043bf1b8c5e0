"""The build, one stage after another:

    load (packs, brands, catalogues) -> plan (jobs, input hashes)
    -> build each leaflet (check, render HTML, render PDF) -> write (atomic) + manifest

The output folder is checked first (output_folder.py: never the root, the
home folder, the project's own folders or a folder of someone else's files).
Everything is read and checked before anything is written. A broken input
fails only the leaflets that depend on it; the others still build.
"""

from __future__ import annotations

import posixpath
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ManifestError, PatientPacksError
from ..jobs import Failure, Leaflet
from ..model import Project
from .fonts import load_font_setup
from .load import load_inputs
from .manifest import ManifestWriter, manifest_entry, read_manifest
from .options import BuildOptions
from .output import write_leaflet
from .output_folder import output_lock, refuse_unusable_output_folder, remove_stale_temporaries
from .plan import plan_jobs, refuse_unreadable_catalogues, split_unchanged
from .pool import run_jobs
from .translation_rules import load_translation_rules


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
    #: What the build found wrong in its output folder and worked around (a
    #: manifest it could not trust, so every leaflet was rebuilt), one line each.
    warnings: list[str] = field(default_factory=list)

    @property
    def draft_count(self) -> int:
        """Drafts among the leaflets built and those left unchanged."""
        return sum(entry["status"] == "draft" for entry in [*self.built, *self.unchanged])


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
    refuse_unusable_output_folder(options.out_dir, project)
    load_font_setup(project.fonts_dir)  # a font problem stops the build before any work
    load_translation_rules(project.templates_dir)  # and so does a broken translation_rules.toml
    inputs = load_inputs(project, options)
    jobs, failures = plan_jobs(project, inputs, options)
    report = BuildReport(failures=list(failures))
    for failure in failures:
        on_result(failure)
    with output_lock(options.out_dir):
        previous = _previous_manifest(options.out_dir, report)
        # Temporary files are looked for only where this build writes and
        # where its manifest lists leaflets: the output folder's own files.
        written = [job.relative_pdf_path for job in jobs] + [entry["path"] for entry in previous]
        folders = {"", *(posixpath.dirname(path) for path in written)}
        report.warnings += remove_stale_temporaries(options.out_dir, folders)
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
                    pdf_sha256 = write_leaflet(options.out_dir, result, write_html=options.write_html)
                    entry = manifest_entry(result, pdf_sha256)
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


def _previous_manifest(out_dir: Path, report: BuildReport) -> list[dict]:
    """The entries of the output folder's manifest; none, with a warning, when
    it is not one this tool wrote: nothing in it is trusted."""
    try:
        return read_manifest(out_dir)
    except ManifestError as error:
        report.warnings.append(
            f"{error}; not trusted: every leaflet is rebuilt, and a new manifest replaces it"
        )
        return []
