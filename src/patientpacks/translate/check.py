"""``check``: everything a translator (or the layout) must fix, as
``file:line: message``, what blocks a build first."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from ..build.brands import load_brand
from ..build.catalogue_reader import CatalogueReading
from ..build.catalogues import (
    SOURCE_LOCALE,
    catalogue_path,
    discover_locales,
    discover_overrides,
    overridden_language,
)
from ..build.fonts import FontSetup, load_font_setup
from ..build.jurisdictions import load_jurisdiction
from ..build.layout_checks import find_layout_problems
from ..build.message_checks import forms, message_key, over_length_budget, source_text
from ..build.options import BuildOptions
from ..build.packs import load_pack
from ..build.page_catalogues import PAGES_DOMAIN, page_template_path, read_page_template
from ..build.pipeline import build
from ..build.printable_area import find_text_outside
from ..build.render_html import make_environment
from ..build.signoffs import translation_review
from ..build.translation_rules import RULES_FILE, load_translation_rules
from ..errors import CatalogueError, PatientPacksError, UsageError, shown_path
from ..jobs import Failure, Leaflet
from ..model import QUOTED_TITLE, Pack, Project, template_files
from .catalogues import read_project_catalogue, read_template
from .glossary import glossary_findings, glossary_path, read_glossary
from .jurisdiction_messages import source_messages
from .readability import TARGET_GRADE, SectionReadability, pack_readability


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    message: str
    #: Advice, not a fault: ``check`` still passes unless run with --strict.
    warning: bool = False
    #: What it does to a leaflet: "blocks" (not built), "draft" (built as a
    #: draft), "advice", or "error" (wrong, though the build does not see it).
    effect: str = "error"

    def __str__(self) -> str:
        where = shown_path(self.path) + (f":{self.line}" if self.line else "")
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


def _line_of(path: Path, value: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if value in line:
            return number
    return None


def _glyph_problems(fonts: FontSetup, text: str, locale: str, what: str) -> list[str]:
    return [
        f"character {character!r} (U+{ord(character):04X}) is in no font for {locale} "
        f"({', '.join(fonts.stack_for(locale))}): {what}"
        for character in fonts.missing_characters(text, locale)
    ]


def check_catalogue(
    project: Project, locale: str, fonts: FontSetup, template: Catalog | None, sources: set[tuple[str, str]]
) -> tuple[list[Problem], bool]:
    """Everything wrong with one catalogue, as the build reads it, and every
    character of its translations that no font of the locale can draw; and
    whether the build can use the catalogue at all. ``sources``: the
    (context, text) of the packs' sources (jurisdiction_messages.py)."""
    reading = read_project_catalogue(project, locale, template)
    problems = [
        Problem(
            problem.path,
            problem.line,
            problem.message,
            warning=problem.effect == "advice",
            effect=problem.effect,
        )
        for problem in reading.problems
    ]
    if reading.catalog is not None:
        rules = load_translation_rules(project.templates_dir)
        for message in reading.catalog:
            for form in filter(None, forms(message.string) if message.id else ()):
                problems += [
                    Problem(reading.path, message.lineno, text)
                    for text in _glyph_problems(fonts, form, locale, repr(form[:40]))
                ]
            if message.id:
                problems += [
                    Problem(reading.path, message.lineno, text) for text in over_length_budget(message, rules)
                ]
    if reading.catalog is not None and not reading.blocking:
        problems += review_problems(reading)
        problems += glossary_problems(project, locale, reading, sources)
        problems += quoted_title_problems(reading, sources)
    return problems, reading.catalog is not None and not reading.blocking


def check_page_catalogues(project: Project, locales: list[str]) -> list[Problem]:
    """The front desk pages' catalogues (frontdesk.po), read as the server
    reads them, reported apart from the leaflets': what is wrong there shows
    English on a page, and never changes a leaflet."""
    template_path = page_template_path(project.locales_dir)
    if not template_path.exists():
        return [Problem(template_path, None, "missing: run `extract`; the front desk pages show English")]
    template = read_page_template(project.locales_dir)
    problems = []
    for locale in locales:
        path = catalogue_path(project.locales_dir, locale, PAGES_DOMAIN)
        if overridden_language(project.locales_dir, locale):
            continue  # a variety (en_GB, es_US) shows its language's pages
        if not path.exists() and not path.is_symlink():
            problems.append(
                Problem(path, None, f"missing: the front desk pages show English to a receptionist who "
                        f"chooses {locale}; start it from locales/frontdesk.pot (`pybabel init -D frontdesk "
                        f"-i locales/frontdesk.pot -d locales -l {locale}`)", warning=True, effect="advice")
            )  # fmt: skip
            continue
        reading = read_project_catalogue(project, locale, template, PAGES_DOMAIN)
        problems += [
            Problem(
                problem.path,
                problem.line,
                f"front desk page: {problem.message}",
                warning=problem.effect == "advice",
                effect="advice" if problem.effect == "advice" else "error",
            )
            for problem in reading.problems
        ]
    return problems


def glossary_problems(
    project: Project, locale: str, reading: CatalogueReading, sources: set[tuple[str, str]]
) -> list[Problem]:
    """Each printed translation that renders a key term otherwise than the
    language's glossary says (translate/glossary.py). Advice for now: the
    shipped catalogues were drafted before their glossaries (--strict fails on it)."""
    try:
        terms = read_glossary(glossary_path(project.locales_dir, locale), locale)
    except CatalogueError as error:
        return [Problem(error.path, error.line, error.message)]
    return [
        _advice(reading, message, f"glossary: {finding}")
        for message in reading.catalog
        if message.id and message_key(message) in reading.usable
        for finding in glossary_findings(
            forms(message.id)[0], message.string, terms, keeps_titles=message_key(message) in sources
        )
    ]


def quoted_title_problems(reading: CatalogueReading, sources: set[tuple[str, str]]) -> list[Problem]:
    """Each translation of a source (``sources``: (context, text)) that does
    not keep a title the English quotes (“ ”) as written: it prints, but not
    tagged as the title's own language, so a screen reader reads it in the
    leaflet's."""
    return [
        _advice(reading, message, f"keep the title “{title}” exactly as written, with its “ ”")
        for message in reading.catalog
        if message.id and message_key(message) in reading.usable and message_key(message) in sources
        for title in dict.fromkeys(QUOTED_TITLE.findall(forms(message.id)[0]))
        if any(f"“{title}”" not in form for form in filter(None, forms(message.string)))
    ]


def _advice(reading: CatalogueReading, message: Message, advice: str) -> Problem:
    """A warning at a message's line, quoting the start of its source."""
    return Problem(
        reading.path, message.lineno, f"{advice}: {source_text(message)!r}", warning=True, effect="advice"
    )


#: A sign-off line of the catalogue's header comment, as catalogues once had.
_HEADER_SIGNOFF = re.compile(r"^#\s*(Reviewed-By|Reviewed-On|Review-Due):[ \t]*\S", re.MULTILINE)


def review_problems(reading: CatalogueReading) -> list[Problem]:
    """The translation review's problems: a review file that cannot be used;
    each message changed since the review, at its line, with the text the
    reviewer approved and the text now; a sign-off in the header comment,
    which anyone editing the catalogue could write and which says nothing of
    what was read, so the build no longer reads it."""
    review = translation_review(reading)
    problems = []
    if review.problem:
        problems.append(
            Problem(review.path, None, f"the review cannot be used: {review.problem}", effect="draft")
        )
    for change in review.changes:
        _, context, msgid = change.key
        message = reading.catalog.get(msgid, context=context)
        problems.append(
            Problem(
                reading.path,
                message.lineno if message else None,
                f"changed since review by {review.by} on {review.on}: {change}; "
                f"its leaflets are drafts until it is reviewed again (`review {reading.path.parent.parent.name} --by NAME`)",
                effect="draft",
            )
        )
    if found := _HEADER_SIGNOFF.search(reading.catalog.header_comment):
        problems.append(
            Problem(
                reading.path,
                reading.catalog.header_comment[: found.start()].count("\n") + 1,
                f"the header's {found[1]}: line is not a sign-off (anyone editing the catalogue can write it): "
                "remove it; a reviewer signs off with `patientpacks review LOCALE --by NAME`",
            )
        )
    return problems


def pack_signoff_problems(project: Project) -> list[Problem]:
    """Each message or setting changed since a pack's clinical sign-off (a
    pack that does not load is reported where its readability is scored)."""
    problems = []
    for pack_path in sorted(project.packs_dir.glob("*/pack.toml")):
        try:
            problems += _pack_signoff_problems(load_pack(pack_path.parent))
        except PatientPacksError:
            continue
    return problems


def _pack_signoff_problems(pack: Pack) -> list[Problem]:
    signoff = pack.signoff
    problems = []
    if signoff.problem:
        problems.append(
            Problem(
                signoff.path, None, f"the clinical sign-off cannot be used: {signoff.problem}", effect="draft"
            )
        )
    problems += [
        Problem(
            signoff.path,
            None,
            f"changed since the clinical sign-off by {signoff.by} on {signoff.on}: {change}; "
            f"its leaflets are drafts until a clinician signs it off again (`signoff {pack.id} --by NAME`)",
            effect="draft",
        )
        for change in signoff.changes
    ]
    return problems


def check_brand_glyphs(project: Project, locales: list[str], fonts: FontSetup) -> list[Problem]:
    problems = []
    for path in sorted(project.brands_dir.glob("*.toml")):
        try:
            brand = load_brand(path)
        except PatientPacksError as error:
            problems.append(Problem(path, error.line, str(error.message)))
            continue
        texts = [brand.name, brand.logo.alt, brand.emergency_number, *vars(brand.contact).values()]
        for locale in locales:
            for text in texts:
                for value in (
                    (text.get(locale) or text[brand.language],) if isinstance(text, dict) else (text,)
                ):
                    problems += [
                        Problem(path, _line_of(path, value), problem)
                        for problem in _glyph_problems(fonts, value, locale, repr(value))
                    ]
    return problems


def check_draft_mark_glyphs(project: Project, locales: list[str], fonts: FontSetup) -> list[Problem]:
    """The draft words of each locale (templates/translation_rules.toml) have glyphs in its fonts."""
    path = project.templates_dir / RULES_FILE
    rules = load_translation_rules(project.templates_dir)
    return [
        Problem(path, _line_of(path, rules.draft_mark(locale)), problem)
        for locale in locales
        for problem in _glyph_problems(fonts, rules.draft_mark(locale), locale, "the draft mark")
    ]


def check_template_glyphs(project: Project, fonts: FontSetup) -> list[Problem]:
    problems = []
    for path in sorted([*template_files(project.templates_dir), *template_files(project.packs_dir)]):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            problems += [
                Problem(path, number, problem)
                for problem in _glyph_problems(fonts, line, "default", "template text")
            ]
    return problems


@dataclass(frozen=True)
class PackReadability:
    pack: Pack
    brand: str
    sections: list[SectionReadability]


def check_readability(project: Project, locales: list[str]) -> tuple[list[PackReadability], list[Problem]]:
    """Score each pack's sections (English, and ``locales`` that have a
    formula); warn about each English section above the target grade, at the
    line of its heading in the templates."""
    problems: list[Problem] = []
    brand = None
    for path in sorted(project.brands_dir.glob("*.toml")):  # any will do: brand values are a few words
        try:
            brand = load_brand(path)
            break
        except PatientPacksError:
            continue  # check_brand_glyphs reports it
    if brand is None:
        return [], [
            Problem(project.brands_dir, None, "readability not scored: no brand file loads", warning=True)
        ]
    environment = make_environment(project)
    rules = load_translation_rules(project.templates_dir)
    catalogues = {locale: catalogue_path(project.locales_dir, locale) for locale in locales}
    reports = []
    for pack_path in sorted(project.packs_dir.glob("*/pack.toml")):
        try:
            pack = load_pack(pack_path.parent)
            jurisdiction = load_jurisdiction(project, brand.country, pack)
            sections = pack_readability(environment, pack, brand, catalogues, jurisdiction, rules)
        except PatientPacksError as error:
            problems.append(
                Problem(error.path or pack_path, error.line, f"readability not scored: {error.message}")
            )
            continue
        reports.append(PackReadability(pack, brand.id, sections))
        templates = [*sorted(template_files(pack.directory)), *sorted(template_files(project.templates_dir))]
        for section in [section for section in sections if section.above_target]:
            path, line = _heading_location(templates, section.heading)
            longest = "; ".join(f'"{sentence}" ({words} words)' for sentence, words in section.longest)
            problems.append(
                Problem(
                    path,
                    line,
                    f"section {section.heading!r} of {pack.id} reads at grade {section.scores[SOURCE_LOCALE]:.1f} "
                    f"(Flesch-Kincaid), above the target of {TARGET_GRADE:g}: shorten these sentences or use "
                    f"shorter words: {longest}",
                    warning=True,
                )
            )
    return reports, problems


def _heading_location(templates: list[Path], heading: str) -> tuple[Path, int | None]:
    """The first template line with this heading's source text (the pack's own template first)."""
    for path in templates:
        if line := _line_of(path, heading):
            return path, line
    return templates[0], None


# --- The whole check -------------------------------------------------------------

#: The order ``check`` lists problems in: what keeps leaflets from being
#: built, then what makes drafts, then other faults; advice (warnings) last.
EFFECT_ORDER = {"blocks": 0, "draft": 1, "error": 2, "advice": 3}


@dataclass(frozen=True)
class CheckReport:
    #: In the order to show them (EFFECT_ORDER).
    problems: tuple[Problem, ...]
    readability: tuple[PackReadability, ...]
    catalogues: int
    #: Whether leaflets were built (layout=True): without it, build
    #: failures, page budgets and margins are not known.
    laid_out: bool = True
    #: The locales whose leaflets were not built, their catalogue being unusable.
    not_built: tuple[str, ...] = ()

    @property
    def faults(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if not problem.warning)


def check_project(
    project: Project, locales: tuple[str, ...] = (), *, layout: bool = True, jobs: int = 1
) -> CheckReport:
    """Every catalogue (or those of ``locales``) as the build reads it, the
    glyphs of catalogues, brands and templates, each section's readability,
    and, with ``layout``, every leaflet built into a temporary folder: page
    budgets and text outside the printable area."""
    fonts = load_font_setup(project.fonts_dir)
    available = [locale for locale in discover_locales(project.locales_dir) if locale != SOURCE_LOCALE]
    overrides = discover_overrides(project.locales_dir)
    selected = list(locales) or [*available, *overrides]
    problems: list[Problem] = []
    template = read_template(project)
    if template is None:
        problems.append(
            Problem(
                project.locales_dir / "messages.pot",
                None,
                "missing: run `extract`; catalogues are not compared with it",
            )
        )
    readable = []
    sources = source_messages(project)  # read once, for every catalogue
    # A variety's leaflets are its language's, built for the brands of its
    # country: checking es_US lays out the es leaflets.
    varieties_laid_out = []
    for locale in selected:
        path = catalogue_path(project.locales_dir, locale)
        if not path.exists():
            raise UsageError(f"no catalogue for {locale!r} ({shown_path(path)})")
        # A variety's override holds only what it changes: it is not
        # compared with messages.pot (nothing is missing from it).
        language = overridden_language(project.locales_dir, locale)
        found, usable = check_catalogue(project, locale, fonts, None if language else template, sources)
        problems += found
        if usable and language is None:
            readable.append(locale)  # an unreadable one is reported once, above
        elif usable:
            varieties_laid_out.append((locale, language))
    problems += check_page_catalogues(project, selected)
    problems += check_brand_glyphs(project, selected, fonts)
    problems += check_draft_mark_glyphs(project, selected, fonts)
    if not locales:
        problems += check_template_glyphs(project, fonts)
        problems += pack_signoff_problems(project)
    # Build the leaflets of the catalogues that can be used, and with no
    # locale named, the source locale's too: its page budgets and margins
    # are checked like every translation's.
    laid_out = [*readable] if locales else [SOURCE_LOCALE, *readable]
    laid_out += [language for _, language in varieties_laid_out if language not in laid_out]
    if layout and laid_out:
        problems += layout_problems(project, laid_out, jobs)
    readability, warnings = check_readability(project, readable)
    problems += warnings
    ordered = sorted(problems, key=lambda problem: EFFECT_ORDER.get(problem.effect, 2) + problem.warning)
    usable_varieties = {variety for variety, _ in varieties_laid_out}
    not_built = (
        tuple(locale for locale in selected if locale not in readable and locale not in usable_varieties)
        if layout
        else ()
    )
    return CheckReport(tuple(ordered), tuple(readability), len(selected), layout, not_built)


def layout_problems(project: Project, locales: list[str], jobs: int) -> list[Problem]:
    """Build the leaflets of these locales (into a temporary folder) and report
    every one that fails, breaks its pack's page budget, has text outside
    its pages' printable area (printable_area.py) or pagination a reader
    stumbles on (layout_checks.py)."""
    problems = []

    def note(result: Leaflet | Failure) -> None:
        if isinstance(result, Failure):
            problems.append(
                Problem(
                    project.root,
                    None,
                    f"leaflet {result.job_label} was not built: {result.error}",
                    effect="blocks",
                )
            )
            return
        problems.extend(_printable_area_problems(result))
        problems.extend(
            Problem(result.job.pack.source_file, None, f"{result.job.label} {finding}")
            for finding in find_layout_problems(result.page_boxes)
        )
        if result.pages > result.job.max_pages:
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
        build(project, BuildOptions(out_dir=Path(folder), locales=tuple(locales), jobs=jobs), on_result=note)
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
