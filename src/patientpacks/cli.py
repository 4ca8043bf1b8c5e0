"""The command line: parse arguments, call the pipeline, print a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import PatientPacksError
from .model import Failure, Leaflet, Project
from .pipeline import BuildOptions, build, default_jobs
from .translator_cli import TRANSLATOR_COMMANDS, run_translator_command
from .workers import Limits

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Build branded patient leaflets (PDF) for every pack x locale x brand found in
the project: dist/<brand>/<locale>/<pack>.pdf, and dist/manifest.json.

A leaflet is publishable only when its pack is clinically signed off and not
past its review date, its safety notes are checked against a product label, and
its catalogue is complete and reviewed. Otherwise it is built as a draft, with
a "DRAFT - not for patient use" mark on every page, and the manifest says why.
"""

EPILOG = """\
exit status: 0 when every leaflet was built, 1 when any leaflet failed (or,
with --strict, when any is a draft), 2 when the command line is wrong.

examples:
  python build_pdfs.py                          # everything
  python build_pdfs.py --locale es --brand maple-street-us
  python build_pdfs.py --pack aftercare-card --html --out /tmp/preview

translator commands (each has --help):
  python build_pdfs.py extract        templates -> locales/messages.pot
  python build_pdfs.py update         merge messages.pot into every catalogue
  python build_pdfs.py init LOCALE    start a catalogue with a verified plural rule
  python build_pdfs.py stats [--json] translated, fuzzy, untranslated per locale and pack
  python build_pdfs.py check [--locale X]   everything a translator must fix
  python build_pdfs.py pseudo         regenerate the pseudo-locale en_XA
"""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_pdfs.py",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pack", action="append", default=[], metavar="ID", help="build only this pack (repeatable)")
    parser.add_argument("--locale", action="append", default=[], metavar="CODE", help="build only this locale, e.g. es (repeatable)")
    parser.add_argument("--brand", action="append", default=[], metavar="ID", help="build only this brand (repeatable)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: dist/ in the project)")
    parser.add_argument("--jobs", type=_positive_int, default=None, metavar="N", help="worker processes (default: the number of cores)")
    parser.add_argument("--html", action="store_true", help="also write each leaflet's HTML beside its PDF, for inspection")
    parser.add_argument("--strict", action="store_true", help="exit non-zero when any leaflet is a draft (not publishable)")
    parser.add_argument("--time-limit", type=float, default=Limits.seconds, metavar="SECONDS", help="stop a leaflet that takes longer (default: %(default)s)")
    parser.add_argument("--memory-limit", type=_positive_int, default=Limits.memory_mb, metavar="MB", help="stop a leaflet whose worker needs more memory (default: %(default)s)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
    parser.add_argument("--version", action="version", version=f"patientpacks {__version__}")
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: list[str] | None = None, project_root: Path | None = None) -> int:
    """Run the command line; ``project_root`` defaults to the current folder."""
    argv = sys.argv[1:] if argv is None else list(argv)
    project = Project(root=(project_root or Path.cwd()).resolve())
    if argv and argv[0] in TRANSLATOR_COMMANDS:
        return run_translator_command(project, argv)
    return run_build(project, make_parser().parse_args(argv))


def run_build(project: Project, arguments: argparse.Namespace) -> int:
    options = BuildOptions(
        out_dir=(arguments.out or project.root / "dist").resolve(),
        packs=tuple(arguments.pack),
        locales=tuple(arguments.locale),
        brands=tuple(arguments.brand),
        jobs=arguments.jobs or default_jobs(),
        write_html=arguments.html,
        limits=Limits(seconds=arguments.time_limit, memory_mb=arguments.memory_limit),
    )

    def show(result: Leaflet | Failure) -> None:
        if isinstance(result, Failure):
            print(f"FAILED  {result.job_label}: {result.error}", file=sys.stderr)
        elif not arguments.quiet:
            print(f"{result.status:<11} {options.out_dir / result.job.relative_pdf_path} ({result.pages} pages)")

    try:
        report = build(project, options, on_result=show)
    except PatientPacksError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    drafts = len(report.drafts)
    print(
        f"Built {len(report.leaflets)} leaflet(s): {len(report.leaflets) - drafts} publishable, "
        f"{drafts} draft(s); {len(report.failures)} failed. Manifest: {report.manifest_path}"
    )
    if drafts:
        print("Draft reasons are listed per leaflet in the manifest.")
    if report.failures or (arguments.strict and drafts):
        return EXIT_FAILED
    return EXIT_OK
