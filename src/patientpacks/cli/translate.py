"""The translator's commands: ``patientpacks extract``, ``update``, ``init``, ``stats``, ``check``, ``pseudo``."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from babel import Locale

from .. import clock
from ..build.catalogues import SOURCE_LOCALE, catalogue_path, discover_locales, parse_locale
from ..build.config import load_pack
from ..build.fonts import load_font_setup
from ..build.pipeline import BuildOptions, build
from ..build.printable_area import find_text_outside
from ..model import Failure, Leaflet, Project
from ..translate.catalogues import (
    REVIEW_NOTICE,
    PackReadability,
    Problem,
    catalogue_stats,
    check_brand_glyphs,
    check_catalogue,
    check_readability,
    check_template_glyphs,
    extract,
    init,
    make_pseudo_catalogue,
    read_template,
    reviews_due,
    update,
)
from ..translate.readability import FORMULAS
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_project_argument, cores, resolve_project


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="patientpacks", description="Translator commands.")
    commands = parser.add_subparsers(dest="command", required=True)
    extract_parser = commands.add_parser(
        "extract", help="templates -> locales/messages.pot (unchanged when only the date would change)"
    )
    update_parser = commands.add_parser(
        "update", help="merge messages.pot into every catalogue; changed strings become fuzzy"
    )
    init_parser = commands.add_parser(
        "init", help="start a catalogue for any language CLDR knows, with its plural rule"
    )
    init_parser.add_argument("locale", help="e.g. it, pt_PT, zh_Hant")
    stats_parser = commands.add_parser(
        "stats", help="translated, fuzzy and untranslated messages per locale and pack; reviews due soon"
    )
    stats_parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    check_parser = commands.add_parser(
        "check",
        help="everything a translator must fix, as file:line: message, and each section's readability; "
        "exit 1 if anything must be fixed",
    )
    check_parser.add_argument(
        "--locale", action="append", default=[], metavar="CODE", help="only this locale (repeatable)"
    )
    check_parser.add_argument(
        "--no-layout",
        action="store_true",
        help="skip building leaflets to check page budgets and that their text stays inside the margins",
    )
    check_parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 on warnings too (sections that read above the target grade)",
    )
    pseudo_parser = commands.add_parser(
        "pseudo", help="regenerate the pseudo-locale en_XA from messages.pot (never edit it by hand)"
    )
    for subparser in (extract_parser, update_parser, init_parser, stats_parser, check_parser, pseudo_parser):
        subparser.prog = f"patientpacks {subparser.prog.split()[-1]}"
        add_project_argument(subparser)
    return parser


def run(command: str, argv: list[str], project_root: Path | None) -> int:
    arguments = make_parser().parse_args([command, *argv])
    return COMMANDS[arguments.command](resolve_project(arguments, project_root), arguments)


def _extract(project: Project, arguments: argparse.Namespace) -> int:
    changed = extract(project)
    print(
        "locales/messages.pot updated"
        if changed
        else "locales/messages.pot unchanged (only the date would change)"
    )
    return EXIT_OK


def _update(project: Project, arguments: argparse.Namespace) -> int:
    locales = update(project)
    changed = (
        f"updated {len(locales)} catalogue(s): {', '.join(locales)}" if locales else "no catalogue changed"
    )
    print(f"{changed}; run `python build_pdfs.py check` for what is left to do")
    return EXIT_OK


def _init(project: Project, arguments: argparse.Namespace) -> int:
    locale = str(parse_locale(arguments.locale))
    path = init(project, locale, Locale.parse(locale).english_name)
    print(f"created {path}")
    return EXIT_OK


def _pack_ids(project: Project) -> list[str]:
    return sorted(path.parent.name for path in project.packs_dir.glob("*/pack.toml"))


def _stats(project: Project, arguments: argparse.Namespace) -> int:
    pack_ids = _pack_ids(project)
    rows = catalogue_stats(project, pack_ids)
    today = clock.today()
    due = reviews_due(project, [load_pack(project.packs_dir / pack_id) for pack_id in pack_ids], today)
    if arguments.json:
        print(
            json.dumps(
                {
                    "catalogues": [{**asdict(row), "percent": row.percent} for row in rows],
                    "reviews_due": [{**asdict(row), "due": row.due.isoformat()} for row in due],
                },
                indent=2,
            )
        )
        return EXIT_OK
    header = (
        f"{'locale':<9} {'pack':<16} {'translated':>10} {'fuzzy':>6} {'untransl.':>9} {'done':>7}  reviewed"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.broken:
            print(f"{row.locale:<9} {row.pack:<16} BROKEN, its leaflets are not built: {row.broken}")
            continue
        print(
            f"{row.locale:<9} {row.pack:<16} {row.translated:>10} {row.fuzzy:>6} {row.untranslated:>9} "
            f"{row.percent:>6}%  {'yes' if row.reviewed else 'no'}"
        )
    horizon = (today + REVIEW_NOTICE).isoformat()
    if not due:
        print(f"\nNo review is due in the next {REVIEW_NOTICE.days} days (by {horizon}).")
    else:
        print(f"\nReviews due in the next {REVIEW_NOTICE.days} days (by {horizon}) or overdue:")
        for row in due:
            when = f"in {row.days_left} days" if row.days_left >= 0 else f"{-row.days_left} days OVERDUE"
            print(f"  {row.due.isoformat()}  {when:<17} {row.kind:<9} {row.id:<16} {row.path}")
    return EXIT_OK


def _check(project: Project, arguments: argparse.Namespace) -> int:
    fonts = load_font_setup(project.fonts_dir)
    available = [locale for locale in discover_locales(project.locales_dir) if locale != SOURCE_LOCALE]
    locales = arguments.locale or available
    problems: list[Problem] = []
    unreadable: list[str] = []  # reported once, above: not scored for readability
    template = read_template(project)
    if template is None:
        problems.append(
            Problem(
                project.locales_dir / "messages.pot",
                None,
                "missing: run `extract`; catalogues are not compared with it",
            )
        )
    for locale in locales:
        path = catalogue_path(project.locales_dir, locale)
        if not path.exists():
            print(f"error: no catalogue for {locale!r} ({path})", file=sys.stderr)
            return EXIT_USAGE
        found, readable = check_catalogue(project, locale, fonts, template)
        problems += found
        if not readable:
            unreadable.append(locale)
    problems += check_brand_glyphs(project, locales, fonts)
    if not arguments.locale:
        problems += check_template_glyphs(project, fonts)
    if not arguments.no_layout:
        problems += _layout_problems(project, [locale for locale in locales if locale not in unreadable])
    readability, warnings = check_readability(
        project, [locale for locale in locales if locale not in unreadable]
    )
    problems += warnings
    # What keeps leaflets from being built first, then what makes drafts.
    for problem in sorted(
        problems, key=lambda problem: _EFFECT_ORDER.get(problem.effect, 2) + problem.warning
    ):
        print(problem)
    _print_readability(readability)
    faults = [problem for problem in problems if not problem.warning]
    print(
        f"{len(faults)} problem(s), {len(problems) - len(faults)} warning(s) in {len(locales)} catalogue(s)",
        file=sys.stderr,
    )
    return EXIT_FAILED if faults or (arguments.strict and problems) else EXIT_OK


#: The order ``check`` lists problems in (advice, the warnings, last).
_EFFECT_ORDER = {"blocks": 0, "draft": 1, "error": 2, "advice": 3}


def _print_readability(reports: list[PackReadability]) -> None:
    """One table per pack: each section's words and score in each scored language."""
    for report in reports:
        locales = list(dict.fromkeys(locale for section in report.sections for locale in section.scores))
        print(f"\nReadability of {report.pack.id} (as rendered for {report.brand}):")
        for locale in locales:
            print(f"  {locale}: {FORMULAS[locale].name} ({FORMULAS[locale].scale})")
        print(f"  {'section':<54} {'words':>5}" + "".join(f" {locale:>6}" for locale in locales))
        for section in report.sections:
            scores = (
                "".join(f" {section.scores[locale]:>6.1f}" for locale in locales)
                if section.scores
                else ("  not scored: no sentences (a form)")
            )
            flag = "  above target" if section.above_target else ""
            print(f"  {section.heading[:54]:<54} {section.words:>5}{scores}{flag}")


def _layout_problems(project: Project, locales: list[str]) -> list[Problem]:
    """Build the leaflets of these locales (into a temporary folder) and report
    every one that breaks its pack's page budget or has text outside its
    pages' margins (printable_area.py)."""
    problems = []

    def note(result: object) -> None:
        if isinstance(result, Failure):
            problems.append(
                Problem(
                    project.root,
                    None,
                    f"leaflet {result.job_label} was not built: {result.error}",
                    effect="blocks",
                )
            )
        if isinstance(result, Leaflet):
            problems.extend(_printable_area_problems(result))
        if isinstance(result, Leaflet) and result.pages > result.job.max_pages:
            over = result.pages - result.job.max_pages
            problems.append(
                Problem(
                    result.job.catalogue_path or result.job.pack.source_file,
                    None,
                    f"leaflet {result.job.label} has {result.pages} pages, {over} over the budget of "
                    f"{result.job.max_pages} ({result.job.pack.id}/pack.toml max_pages): shorten the text",
                )
            )

    with tempfile.TemporaryDirectory() as folder:
        build(
            project,
            BuildOptions(out_dir=Path(folder), locales=tuple(locales), jobs=cores()),
            on_result=note,
        )
    return problems


def _printable_area_problems(leaflet: Leaflet) -> list[Problem]:
    """Text of the leaflet that lies outside its pages' margins or too near
    the paper's edge, where a printer may cut it off; the same text on
    several pages is one problem."""
    pages: dict[str, list[int]] = {}
    for finding in find_text_outside(leaflet.pdf, leaflet.page_boxes):
        pages.setdefault(finding.detail, []).append(finding.page)
    return [
        Problem(
            leaflet.job.pack.source_file,
            None,
            f"{leaflet.job.label} page{'s' * (len(numbers) > 1)} {', '.join(map(str, numbers))}: {detail}",
        )
        for detail, numbers in pages.items()
    ]


def _pseudo(project: Project, arguments: argparse.Namespace) -> int:
    print(f"wrote {make_pseudo_catalogue(project)}")
    return EXIT_OK


COMMANDS = {
    "extract": _extract,
    "update": _update,
    "init": _init,
    "stats": _stats,
    "check": _check,
    "pseudo": _pseudo,
}
