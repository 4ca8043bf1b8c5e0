"""The command line: parse arguments, call the pipeline, print a summary."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .errors import PatientPacksError
from .model import LARGE_PRINT_EDITION, PRINT_SHOP_EDITION, STANDARD_EDITION, Edition, Project
from .output import merge_manifests, write_manifest_entries
from .pipeline import BuildOptions, build, default_jobs
from .progress import BuildProgress
from .workers import Limits

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

DESCRIPTION = """\
Build branded patient leaflets (PDF) for every pack x locale x brand found in
the project: dist/<brand>/<locale>/<pack>.pdf, and dist/manifest.json. Every
PDF is tagged for screen readers (PDF/UA-1) and reproducible: the same inputs
give the same bytes. Other editions are built beside it on request.

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
  python build_pdfs.py --large-print --print-shop --brand harbour-lane-uk
  python build_pdfs.py --bilingual en --locale es --locale ar

translator commands (each has --help):
  python build_pdfs.py extract        templates -> locales/messages.pot
  python build_pdfs.py update         merge messages.pot into every catalogue
  python build_pdfs.py init LOCALE    start a catalogue with a verified plural rule
  python build_pdfs.py stats [--json] translated, fuzzy, untranslated per locale and pack
  python build_pdfs.py check [--locale X]   everything a translator must fix
  python build_pdfs.py pseudo         regenerate the pseudo-locale en_XA

other commands:
  python build_pdfs.py merge-manifests --out dist/manifest.json A/manifest.json B/manifest.json
"""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_pdfs.py",
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
    parser.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="output folder (default: dist/ in the project)"
    )
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="worker processes (default: the number of cores)",
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
        type=_shard,
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
        type=float,
        default=Limits.seconds,
        metavar="SECONDS",
        help="stop a leaflet that takes longer (default: %(default)s)",
    )
    parser.add_argument(
        "--memory-limit",
        type=_positive_int,
        default=Limits.memory_mb,
        metavar="MB",
        help="stop a leaflet whose worker needs more memory (default: %(default)s)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
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


def _shard(text: str) -> tuple[int, int]:
    try:
        shard, shards = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError("use K/N, e.g. 2/4") from None
    if not 1 <= shard <= shards:
        raise argparse.ArgumentTypeError("K must be between 1 and N")
    return shard, shards


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


#: The translator's sub-commands (translator_cli.py). Its module, with Babel's
#: catalogue front end and textstat, is imported only to run one of them: a
#: build, and above all a no-op rebuild, starts 0.07 s sooner without it.
TRANSLATOR_COMMANDS = ("extract", "update", "init", "stats", "check", "pseudo")


def main(argv: list[str] | None = None, project_root: Path | None = None) -> int:
    """Run the command line; ``project_root`` defaults to the current folder."""
    argv = sys.argv[1:] if argv is None else list(argv)
    project = Project(root=(project_root or Path.cwd()).resolve())
    if argv and argv[0] in TRANSLATOR_COMMANDS:
        from .translator_cli import run_translator_command

        return run_translator_command(project, argv)
    if argv and argv[0] == "merge-manifests":
        return run_merge_manifests(argv[1:])
    return run_build(project, make_parser().parse_args(argv))


def _build_options(project: Project, arguments: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        out_dir=(arguments.out or project.root / "dist").resolve(),
        packs=tuple(arguments.pack),
        locales=tuple(arguments.locale),
        brands=tuple(arguments.brand),
        jobs=arguments.jobs or default_jobs(),
        write_html=arguments.html,
        limits=Limits(seconds=arguments.time_limit, memory_mb=arguments.memory_limit),
        force=arguments.force,
        shard=arguments.shard,
        editions=_editions(arguments),
    )


def run_build(project: Project, arguments: argparse.Namespace) -> int:
    try:
        options = _build_options(project, arguments)
    except PatientPacksError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    progress = BuildProgress(quiet=arguments.quiet)
    stop = threading.Event()
    try:
        with progress, _stop_on_signals(stop):
            report = build(project, options, on_result=progress.result, on_start=progress.start, stop=stop)
    except PatientPacksError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if report.interrupted:
        print(
            f"interrupted: {len(report.built)} leaflet(s) written and listed in {report.manifest_path}; "
            "the same command builds the rest",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    drafts = report.draft_count
    total = len(report.built) + len(report.unchanged)
    print(
        f"{len(report.built)} built, {len(report.unchanged)} unchanged, {len(report.failures)} failed; "
        f"{total - drafts} publishable, {drafts} draft(s). Manifest: {report.manifest_path}"
    )
    if drafts:
        print("Draft reasons are listed per leaflet in the manifest.")
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


def run_merge_manifests(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="build_pdfs.py merge-manifests",
        description="Merge the manifests of shards (built with --shard K/N) into one.",
    )
    parser.add_argument(
        "manifests", nargs="+", type=Path, metavar="MANIFEST", help="the shards' manifest.json files"
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="where to write the merged manifest"
    )
    arguments = parser.parse_args(argv)
    try:
        entries = merge_manifests(arguments.manifests)
        write_manifest_entries(arguments.out, entries)
    except PatientPacksError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{len(entries)} leaflet(s) from {len(arguments.manifests)} manifest(s) -> {arguments.out}")
    return EXIT_OK
