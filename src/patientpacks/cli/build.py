"""``patientpacks [build]``: parse the options, build, print a summary."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import __version__, api
from ..api import LARGE_PRINT_EDITION, PRINT_SHOP_EDITION, STANDARD_EDITION, BuildOptions, Edition, Limits
from ..model import Project
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_STATUS_HELP,
    add_project_argument,
    cores,
    resolve_project,
    seconds,
    shard,
    whole_number,
)
from .progress import BuildProgress, draft_reasons_summary

DESCRIPTION = """\
Build branded patient leaflets (PDF) for every pack x locale x brand found in
the project: dist/<brand>/<locale>/<pack>.pdf, and dist/manifest.json. Every
PDF is tagged for screen readers (PDF/UA-1) and reproducible: the same inputs
give the same bytes. Other editions are built beside it on request.

A leaflet is publishable only when its pack is clinically signed off and not
past its review date, its safety notes are checked against a product label, and
its catalogue is complete and reviewed, with nothing changed since either
sign-off. Otherwise it is built as a draft, with
a "DRAFT - not for patient use" mark on every page, and the manifest says why.
"""

EPILOG = f"""\
{EXIT_STATUS_HELP}

examples:
  patientpacks                          # everything
  patientpacks --locale es --brand maple-street-us
  patientpacks --pack aftercare-card --html --out /tmp/preview
  patientpacks --large-print --print-shop --brand harbour-lane-uk
  patientpacks --bilingual en --locale es --locale ar
  patientpacks --project ~/clinic-leaflets

translator commands (each has --help):
  patientpacks extract        templates -> locales/messages.pot
  patientpacks update         merge messages.pot into every catalogue
  patientpacks init LOCALE    start a catalogue for any CLDR language
  patientpacks stats [--json] translated, fuzzy, untranslated per locale and pack
  patientpacks check [--locale X]   everything a translator must fix
  patientpacks review LOCALE --by NAME   sign off a translation as it is now
  patientpacks signoff PACK --by NAME    sign off a pack's clinical content as it is now
  patientpacks pseudo         regenerate the pseudo-locale en_XA

other commands:
  patientpacks merge-manifests --out dist/manifest.json A/manifest.json B/manifest.json

(`python build_pdfs.py ...` and `python -m patientpacks ...` run the same program.)
"""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="patientpacks",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--pack", action="append", default=[], metavar="ID", help="build only this pack (repeatable)"
    )
    parser.add_argument(
        "--locale",
        action="append",
        default=[],
        metavar="CODE",
        help="build only this locale, e.g. es (repeatable)",
    )
    parser.add_argument(
        "--brand", action="append", default=[], metavar="ID", help="build only this brand (repeatable)"
    )
    add_project_argument(parser)
    parser.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="output folder (default: dist/ in the project)"
    )
    parser.add_argument(
        "--jobs",
        type=whole_number(1, api.MAX_JOBS),
        default=None,
        metavar="N",
        help=f"worker processes, 1 to {api.MAX_JOBS} (default: the number of cores)",
    )
    parser.add_argument(
        "--html", action="store_true", help="also write each leaflet's HTML beside its PDF, for inspection"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit non-zero when any leaflet is a draft (not publishable)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild every leaflet, even those whose inputs and PDF are unchanged",
    )
    parser.add_argument(
        "--shard",
        type=shard,
        default=None,
        metavar="K/N",
        help="build only the K-th of N deterministic shards of the leaflets (for N CI runners; see merge-manifests)",
    )
    parser.add_argument(
        "--large-print",
        action="store_true",
        help="also build a large-print edition of each leaflet (<pack>.large-print.pdf: body 16 pt, one column)",
    )
    parser.add_argument(
        "--print-shop",
        action="store_true",
        help="also build a print-shop edition of each leaflet (<pack>.print-shop.pdf: PDF/X-4, 3 mm bleed, crop marks)",
    )
    parser.add_argument(
        "--bilingual",
        metavar="LOCALE",
        help="also build a bilingual edition of each leaflet (<pack>.bilingual-LOCALE.pdf): each section in the leaflet's language, then in LOCALE",
    )
    parser.add_argument(
        "--time-limit",
        type=seconds,
        default=Limits.seconds,
        metavar="SECONDS",
        help="stop a leaflet that takes longer (default: %(default)s)",
    )
    parser.add_argument(
        "--memory-limit",
        type=whole_number(*api.MEMORY_LIMIT_MB),
        default=Limits.memory_mb,
        metavar="MB",
        help="stop a leaflet whose worker needs more memory (default: %(default)s)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="a line for every leaflet with its draft reasons, and every failure in full",
    )
    parser.add_argument("--version", action="version", version=f"patientpacks {__version__}")
    return parser


def _editions(arguments: argparse.Namespace) -> tuple[Edition, ...]:
    """The standard edition, and the others the command line asks for."""
    editions = [STANDARD_EDITION]
    if arguments.large_print:
        editions.append(LARGE_PRINT_EDITION)
    if arguments.print_shop:
        editions.append(PRINT_SHOP_EDITION)
    if arguments.bilingual:
        editions.append(Edition("bilingual", arguments.bilingual))
    return tuple(editions)


def run(command: str, argv: list[str], project_root: Path | None) -> int:
    arguments = make_parser().parse_args(argv)
    return run_build(resolve_project(arguments, project_root), arguments)


def _build_options(project: Project, arguments: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        out_dir=(arguments.out or project.root / "dist").resolve(),
        packs=tuple(arguments.pack),
        locales=tuple(arguments.locale),
        brands=tuple(arguments.brand),
        jobs=arguments.jobs or cores(),
        write_html=arguments.html,
        limits=Limits(seconds=arguments.time_limit, memory_mb=arguments.memory_limit),
        force=arguments.force,
        shard=arguments.shard,
        editions=_editions(arguments),
    )


def run_build(project: Project, arguments: argparse.Namespace) -> int:
    options = _build_options(project, arguments)
    progress = BuildProgress(quiet=arguments.quiet, verbose=arguments.verbose)
    stop = threading.Event()
    with progress, _stop_on_signals(stop):
        report = api.build(project, options, on_result=progress.result, on_start=progress.start, stop=stop)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if report.interrupted:
        print(
            f"interrupted: {len(report.built)} leaflet(s) written and listed in {report.manifest_path}; "
            "the same command builds the rest",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    for line in progress.repeated_failures():
        print(line, file=sys.stderr)
    drafts = report.draft_count
    total = len(report.built) + len(report.unchanged)
    print(
        f"{len(report.built)} built, {len(report.unchanged)} unchanged, {len(report.failures)} failed; "
        f"{total - drafts} publishable, {drafts} draft(s). Manifest: {report.manifest_path}"
    )
    if drafts:
        print("Why the drafts are drafts (each reason once; -v and the manifest list them per leaflet):")
        for line in draft_reasons_summary([*report.built, *report.unchanged]):
            print(line)
    if report.failures or (arguments.strict and drafts):
        return EXIT_FAILED
    return EXIT_OK


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM ask the build to stop, which it does within a
    fraction of a second and tidily (workers stopped, manifest written),
    instead of a KeyboardInterrupt raised wherever the program happens to be."""

    def ask_to_stop(signum: int, frame: object) -> None:
        stop.set()

    previous = {number: signal.signal(number, ask_to_stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
