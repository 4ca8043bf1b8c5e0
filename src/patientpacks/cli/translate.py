"""The translator's commands: ``patientpacks extract``, ``update``, ``init``, ``stats``, ``check``,
``review``, ``signoff``, ``pseudo``, ``export-xliff``, ``import-xliff``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import api
from ..model import Project

if TYPE_CHECKING:
    from ..api import PackReadability
from .common import EXIT_FAILED, EXIT_OK, add_project_argument, cores, resolve_project


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
    review_parser = commands.add_parser(
        "review",
        help="sign off the translation of LOCALE as it is now (writes review.toml beside the catalogue)",
    )
    review_parser.add_argument("locale", help="the catalogue reviewed, e.g. es")
    signoff_parser = commands.add_parser(
        "signoff", help="sign off a pack's clinical content as it is now (writes packs/PACK/signoff.toml)"
    )
    signoff_parser.add_argument("pack", help="the pack checked, e.g. aftercare-card")
    for subparser in (review_parser, signoff_parser):
        subparser.add_argument(
            "--by", required=True, metavar="NAME", help="who signed off, with qualification"
        )
        subparser.add_argument(
            "--on",
            type=_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="the day of the sign-off (default today)",
        )
    review_parser.add_argument(
        "--due",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="when the review lapses (default: a year on)",
    )
    export_parser = commands.add_parser(
        "export-xliff",
        help="a catalogue as XLIFF 1.2 or 2.0 for tools that take only XLIFF (every msgctxt kept)",
    )
    export_parser.add_argument("locale", help="the catalogue, e.g. es")
    export_parser.add_argument("--xliff-version", choices=api.XLIFF_VERSIONS, default="1.2")
    export_parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="e.g. es.xlf")
    import_parser = commands.add_parser(
        "import-xliff", help="write an exported XLIFF's translations back into the catalogue"
    )
    import_parser.add_argument("locale", help="the catalogue, e.g. es")
    import_parser.add_argument("file", type=Path, help="the XLIFF file, as the translation tool saved it")
    pseudo_parser = commands.add_parser(
        "pseudo", help="regenerate the pseudo-locale en_XA from messages.pot (never edit it by hand)"
    )
    for subparser in (
        extract_parser,
        update_parser,
        init_parser,
        stats_parser,
        check_parser,
        review_parser,
        signoff_parser,
        pseudo_parser,
        export_parser,
        import_parser,
    ):
        subparser.prog = f"patientpacks {subparser.prog.split()[-1]}"
        add_project_argument(subparser)
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date like 2026-12-01, not {text!r}") from None


def run(command: str, argv: list[str], project_root: Path | None) -> int:
    arguments = make_parser().parse_args([command, *argv])
    return COMMANDS[arguments.command](resolve_project(arguments, project_root), arguments)


def _extract(project: Project, arguments: argparse.Namespace) -> int:
    changed = api.extract(project)
    print(
        "locales/messages.pot and locales/frontdesk.pot updated"
        if changed
        else "locales/messages.pot and locales/frontdesk.pot unchanged (only the date would change)"
    )
    return EXIT_OK


def _update(project: Project, arguments: argparse.Namespace) -> int:
    locales = api.update(project)
    changed = (
        f"updated {len(locales)} catalogue(s): {', '.join(locales)}" if locales else "no catalogue changed"
    )
    print(f"{changed}; run `patientpacks check` for what is left to do")
    return EXIT_OK


def _init(project: Project, arguments: argparse.Namespace) -> int:
    print(f"created {api.init_locale(project, arguments.locale)}")
    return EXIT_OK


def _stats(project: Project, arguments: argparse.Namespace) -> int:
    report = api.stats(project)
    if arguments.json:
        print(
            json.dumps(
                {
                    "catalogues": [{**asdict(row), "percent": row.percent} for row in report.catalogues],
                    "front_desk": [{**asdict(row), "percent": row.percent} for row in report.pages],
                    "reviews_due": [
                        {**asdict(row), "due": row.due.isoformat()} for row in report.reviews_due
                    ],
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
    for row in report.catalogues:
        if row.broken:
            print(f"{row.locale:<9} {row.pack:<16} BROKEN, its leaflets are not built: {row.broken}")
            continue
        reviewed = (
            "yes"
            if row.reviewed
            else "NO: the review file cannot be used"
            if row.review_problem
            else f"NO: {len(row.changed_since_review)} changed since review"
            if row.changed_since_review
            else "no"
        )
        if row.overrides:
            # A variety: a few messages over its language's catalogue, not a
            # mostly untranslated language.
            print(
                f"{row.locale:<9} {row.pack:<16} {row.translated:>10} {row.fuzzy:>6} {'-':>9} "
                f"{'override':>7}  {'-' if row.overrides == 'en' else reviewed} (over {row.overrides})"
            )
            continue
        print(
            f"{row.locale:<9} {row.pack:<16} {row.translated:>10} {row.fuzzy:>6} {row.untranslated:>9} "
            f"{row.percent:>6}%  {reviewed}"
        )
    # Each catalogue's review once, not once per pack.
    for row in {row.locale: row for row in report.catalogues}.values():
        if row.review_problem:
            print(f"\n{row.locale}: {row.review_problem}")
        if row.changed_since_review:
            print(f"\n{row.locale}: changed since review ({len(row.changed_since_review)}):")
            for change in row.changed_since_review:
                print(f"  {change}")
    if report.pages:
        print("\nThe front desk pages (frontdesk.po; what is untranslated shows in English on the page):")
        for row in report.pages:
            if row.broken:
                print(f"{row.locale:<9} {row.pack:<16} BROKEN, the pages show English: {row.broken}")
                continue
            print(
                f"{row.locale:<9} {row.pack:<16} {row.translated:>10} {row.fuzzy:>6} {row.untranslated:>9} "
                f"{row.percent:>6}%"
            )
    days, horizon = report.notice.days, (report.today + report.notice).isoformat()
    if not report.reviews_due:
        print(f"\nNo review is due in the next {days} days (by {horizon}).")
    else:
        print(f"\nReviews due in the next {days} days (by {horizon}) or overdue:")
        for row in report.reviews_due:
            when = f"in {row.days_left} days" if row.days_left >= 0 else f"{-row.days_left} days OVERDUE"
            print(f"  {row.due.isoformat()}  {when:<17} {row.kind:<9} {row.id:<16} {row.path}")
    return EXIT_OK


def _check(project: Project, arguments: argparse.Namespace) -> int:
    report = api.check(project, tuple(arguments.locale), layout=not arguments.no_layout, jobs=cores())
    for problem in report.problems:
        print(problem)
    _print_readability(report.readability)
    faults = len(report.faults)
    counts = (
        f"{faults} problem(s), {len(report.problems) - faults} warning(s) in {report.catalogues} catalogue(s)"
    )
    # Never a bare "0 problems" for leaflets that were not looked at.
    if not report.laid_out:
        summary = (
            f"catalogues only: {counts}; no leaflet built (--no-layout), "
            "so build failures, page budgets and margins are not checked"
        )
    elif report.not_built:
        summary = (
            f"{counts}; the leaflets of {', '.join(report.not_built)} not built: the catalogue cannot be used"
        )
    else:
        summary = counts
    print(summary, file=sys.stderr)
    return EXIT_FAILED if faults or (arguments.strict and report.problems) else EXIT_OK


def _print_readability(reports: tuple[PackReadability, ...]) -> None:
    """One table per pack: each section's words and score in each scored language."""
    for report in reports:
        locales = list(dict.fromkeys(locale for section in report.sections for locale in section.scores))
        print(f"\nReadability of {report.pack.id} (as rendered for {report.brand}):")
        for locale in locales:
            name, scale = api.readability_formula(locale)
            print(f"  {locale}: {name} ({scale})")
        print(f"  {'section':<54} {'words':>5}" + "".join(f" {locale:>6}" for locale in locales))
        for section in report.sections:
            scores = (
                "".join(f" {section.scores[locale]:>6.1f}" for locale in locales)
                if section.scores
                else ("  not scored: no sentences (a form)")
            )
            flag = "  above target" if section.above_target else ""
            print(f"  {section.heading[:54]:<54} {section.words:>5}{scores}{flag}")


def _review(project: Project, arguments: argparse.Namespace) -> int:
    path, english = api.review_translation(
        project, arguments.locale, arguments.by, arguments.on, arguments.due
    )
    print(
        f"wrote {path}: the translation of {arguments.locale!r} as it is now is signed off by {arguments.by}"
    )
    if english:
        print(
            f"note: {english} message(s) have no usable translation and print in English: "
            "its leaflets stay drafts until they are translated and reviewed again"
        )
    return EXIT_OK


def _signoff(project: Project, arguments: argparse.Namespace) -> int:
    path = api.sign_off_pack(project, arguments.pack, arguments.by, arguments.on)
    print(
        f"wrote {path}: the clinical content of {arguments.pack!r} as it is now is signed off by {arguments.by}"
    )
    return EXIT_OK


def _export_xliff(project: Project, arguments: argparse.Namespace) -> int:
    data = api.export_xliff(project, arguments.locale, arguments.xliff_version)
    api.write_file_atomically(arguments.out, data)
    print(f"wrote {arguments.out} (XLIFF {arguments.xliff_version}); import it back with `import-xliff`")
    return EXIT_OK


def _import_xliff(project: Project, arguments: argparse.Namespace) -> int:
    result = api.import_xliff(project, arguments.locale, arguments.file)
    print(
        f"{result.path}: {result.changed} message(s) changed; run `patientpacks check --locale {arguments.locale}`"
    )
    for unit in result.unknown:
        print(
            f"{arguments.file}: unit {unit!r} is no message of the catalogue: not imported", file=sys.stderr
        )
    return EXIT_FAILED if result.unknown else EXIT_OK


def _pseudo(project: Project, arguments: argparse.Namespace) -> int:
    print(f"wrote {api.write_pseudo_locale(project)}")
    return EXIT_OK


COMMANDS = {
    "extract": _extract,
    "update": _update,
    "init": _init,
    "stats": _stats,
    "check": _check,
    "review": _review,
    "signoff": _signoff,
    "pseudo": _pseudo,
    "export-xliff": _export_xliff,
    "import-xliff": _import_xliff,
}
