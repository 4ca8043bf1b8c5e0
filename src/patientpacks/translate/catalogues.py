"""The translator's commands, on top of Babel's own (``pybabel``).

``extract``, ``update`` and ``init`` run Babel's command-line interface with the
project's settings, so they behave exactly like the ``pybabel`` commands
translators know; this module adds what Babel leaves out: a loud failure on a
template with a syntax error, no rewrite when only the date changed, verified
plural headers, and the reports (``stats``, ``check``) and the pseudo-locale.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import jinja2
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import PoFileError, read_po, write_po

from ..build.catalogue_reader import DOMAIN, CatalogueReading, message_key, read_catalogue
from ..build.catalogues import (
    PSEUDO_LOCALES,
    SOURCE_LOCALE,
    catalogue_path,
    discover_locales,
    read_review,
    review_of,
)
from ..build.config import load_brand, load_pack
from ..build.fonts import FontSetup
from ..build.message_checks import forms
from ..build.output import atomic_write_bytes
from ..build.plurals import PluralRuleError, expected_plural_rule
from ..build.render_html import make_environment
from ..errors import CatalogueError, PatientPacksError, TemplateError, UsageError, shown_path
from ..model import Pack, Project
from .readability import TARGET_GRADE, SectionReadability, pack_readability

HEADER_COMMENT = """\
# {language} translations for patientpacks.
# Copyright (C) 2026 The patientpacks authors
# This file is distributed under the same license as the
# patientpacks project.
#
# Leaflets in this language print as drafts until a qualified
# reviewer fills in both lines below (date as YYYY-MM-DD).
# Reviewed-By:
# Reviewed-On:"""

#: Header lines Babel rewrites on every run (the time, and its own version):
#: a file whose other bytes are unchanged is left as it was, so that an
#: `extract` or `update` with nothing new adds no noise to a pull request.
_VOLATILE_HEADERS = re.compile(rb'^"(?:POT-Creation-Date|Generated-By): .*\\n"$', re.MULTILINE)


def _same_but_volatile_headers(old: bytes, new: bytes) -> bool:
    return _VOLATILE_HEADERS.sub(b"", old) == _VOLATILE_HEADERS.sub(b"", new)


def _pybabel(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *arguments])


def extract(project: Project) -> bool:
    """Templates -> ``locales/messages.pot``. Returns whether the file changed."""
    pot = project.locales_dir / f"{DOMAIN}.pot"
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / pot.name
        try:
            # From the project folder, so that source locations are relative
            # ("packs/x/leaflet.html:7"), as with `pybabel extract ... .`.
            with contextlib.chdir(project.root):
                _pybabel(
                    "extract",
                    "-F",
                    "babel.cfg",
                    "-c",
                    "Translators:",
                    "--sort-by-file",
                    "--project=patientpacks",
                    "--msgid-bugs-address=translations@patientpacks.invalid",
                    "-o",
                    str(fresh),
                    ".",
                )
        except jinja2.TemplateSyntaxError as error:
            # babel.cfg sets silent = false so that Jinja's extractor raises
            # instead of leaving the template's strings out; but it does not
            # say which file, so find it.
            raise _locate_syntax_error(project, error) from None
        new = fresh.read_bytes()
    if pot.exists() and _same_but_volatile_headers(pot.read_bytes(), new):
        return False
    pot.write_bytes(new)
    return True


def _locate_syntax_error(project: Project, error: jinja2.TemplateSyntaxError) -> TemplateError:
    environment = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    for path in sorted([*project.templates_dir.rglob("*.html"), *project.packs_dir.rglob("*.html")]):
        try:
            environment.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except jinja2.TemplateSyntaxError as found:
            return TemplateError(f"cannot extract messages: {found.message}", path=path, line=found.lineno)
    return TemplateError(f"cannot extract messages: {error.message}", line=error.lineno)


def _template_path(project: Project) -> Path:
    pot = project.locales_dir / f"{DOMAIN}.pot"
    if not pot.is_file():
        raise UsageError(f"{shown_path(pot)} does not exist yet: run `extract` first")
    return pot


def update(project: Project) -> list[str]:
    """Merge the template into every catalogue: changed source strings become
    fuzzy, keeping their previous source (``#|`` lines) for the translator.

    All or nothing: every catalogue is read first, strictly, and if any cannot
    be read exactly as written, none is touched (Babel would write back its
    own guess at a broken line). A catalogue whose only change would be
    Babel's volatile header lines is left byte for byte as it was."""
    pot = _template_path(project)
    locales = [
        locale
        for locale in discover_locales(project.locales_dir)
        if locale != SOURCE_LOCALE and locale not in PSEUDO_LOCALES  # generated by `pseudo`, never merged
    ]
    unreadable = []
    for locale in locales:
        reading = read_project_catalogue(project, locale, None)
        if reading.catalog is None or reading.blocking:
            unreadable += [problem for problem in (reading.blocking or reading.problems)]
    if unreadable:
        details = "; ".join(
            f"{shown_path(problem.path)}{f':{problem.line}' if problem.line else ''}: {problem.message}"
            for problem in unreadable
        )
        raise CatalogueError(f"no catalogue was updated, because these cannot be read exactly: {details}")
    updated = {}
    with tempfile.TemporaryDirectory() as folder:
        for locale in locales:
            path = catalogue_path(project.locales_dir, locale)
            merged = Path(folder) / f"{locale}.po"
            merged.write_bytes(path.read_bytes())
            _pybabel("update", "-i", str(pot), "-o", str(merged), "-l", locale, "-D", DOMAIN, "--previous")
            if not _same_but_volatile_headers(path.read_bytes(), merged.read_bytes()):
                updated[path] = merged.read_bytes()
    for path, data in updated.items():
        atomic_write_bytes(path, data)
    return [locale for locale in locales if catalogue_path(project.locales_dir, locale) in updated]


def init(project: Project, locale: str, language_name: str) -> Path:
    """Start a catalogue for ``locale`` with a verified plural header."""
    path = catalogue_path(project.locales_dir, locale)
    if path.exists():
        raise UsageError(f"a catalogue for {locale!r} exists already: {path}; use `update`")
    try:
        plural_forms = expected_plural_rule(locale)[0].header
    except PluralRuleError as error:
        raise UsageError(str(error)) from None
    _pybabel("init", "-i", str(_template_path(project)), "-d", str(project.locales_dir), "-l", locale)
    with path.open("rb") as file:
        catalog = read_po(file, locale=locale)
    catalog.header_comment = HEADER_COMMENT.format(language=language_name)
    _set_plural_forms(catalog, plural_forms)
    _write_catalogue(path, catalog)
    return path


def _set_plural_forms(catalog: Catalog, plural_forms: str) -> None:
    # Babel keeps the plural rule in private fields that its own header parser fills.
    catalog.mime_headers = [("Plural-Forms", plural_forms)]


def _write_catalogue(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, sort_by_file=True)
    path.write_bytes(buffer.getvalue())


# --- Pseudo-locale ----------------------------------------------------------

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_PROTECTED = re.compile(r"(%\(\w+\)s|<[^>]*>)")


def pseudo_translate(text: str) -> str:
    """Accented, about 35% longer and bracketed, keeping placeholders and tags."""
    parts = _PROTECTED.split(text)
    visible = "".join(part for part in parts[::2])
    padding = "~" * max(1, round(len(visible) * 0.35))
    accented = "".join(part if index % 2 else part.translate(_ACCENTED) for index, part in enumerate(parts))
    return f"[{accented} {padding}]"


def make_pseudo_catalogue(project: Project, locale: str = "en_XA") -> Path:
    """Write the pseudo-locale's catalogue from the template. Never edit it by hand."""
    with _template_path(project).open("rb") as file:
        template = read_po(file)
    catalog = Catalog(locale=PSEUDO_LOCALES[locale], domain=DOMAIN, project="patientpacks")
    catalog.header_comment = (
        f"# Pseudo-locale {locale}, generated by `python build_pdfs.py pseudo`.\n"
        "# Do not edit: it is rewritten from locales/messages.pot.\n"
        # Generated, not translated: "reviewed", and the review never lapses.
        "# Reviewed-By: pseudo-locale\n# Reviewed-On: 2000-01-01\n# Review-Due: 9999-12-31"
    )
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string = tuple(pseudo_translate(form) for form in message.id)
        else:
            string = pseudo_translate(message.id)
        catalog.add(message.id, string, locations=message.locations, context=message.context)
    path = catalogue_path(project.locales_dir, locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_catalogue(path, catalog)
    return path


# --- Statistics ---------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueStats:
    locale: str
    pack: str
    translated: int
    fuzzy: int
    #: Untranslated, unusable, or missing from the catalogue (compared with messages.pot).
    untranslated: int
    reviewed: bool
    #: Why the catalogue cannot be used at all (its leaflets are not built), if so.
    broken: str | None = None

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100 * self.translated / self.total, 1) if self.total else 100.0


def messages_of_pack(catalog: Catalog, pack_id: str) -> list[Message]:
    """The messages a pack's leaflets use: its own template's and the shared ones."""

    def used(message: Message) -> bool:
        return any(
            location.startswith((f"packs/{pack_id}/", "templates/")) for location, _ in message.locations
        )

    return [message for message in catalog if message.id and used(message)]


def read_template(project: Project) -> Catalog | None:
    """``locales/messages.pot``, the source messages every catalogue is
    compared with; None when it has not been extracted yet."""
    path = project.locales_dir / f"{DOMAIN}.pot"
    if not path.exists():
        return None
    try:
        with path.open("rb") as file:
            return read_po(file, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as error:
        raise CatalogueError(f"cannot be read ({error}); run `extract` again", path=path) from None


def read_project_catalogue(project: Project, locale: str, template: Catalog | None) -> CatalogueReading:
    path = catalogue_path(project.locales_dir, locale)
    return read_catalogue(path, PSEUDO_LOCALES.get(locale, locale), template)


def catalogue_stats(project: Project, pack_ids: list[str]) -> list[CatalogueStats]:
    """Per locale and pack: how many of the messages the pack's leaflets use
    are translated (and printable), fuzzy, or untranslated, against
    ``messages.pot`` when it exists (a message deleted from a catalogue counts
    as untranslated), else against the catalogue's own messages."""
    template = read_template(project)
    rows = []
    for locale in discover_locales(project.locales_dir):
        if locale == SOURCE_LOCALE:
            continue
        reading = read_project_catalogue(project, locale, template)
        if reading.catalog is None or reading.blocking:
            problem = (reading.blocking or reading.problems)[0]
            where = shown_path(problem.path) + (f":{problem.line}" if problem.line else "")
            rows += [
                CatalogueStats(locale, pack_id, 0, 0, 0, False, f"{where}: {problem.message}")
                for pack_id in pack_ids
            ]
            continue
        try:
            reviewed = review_of(reading.catalog, reading.path).reviewed
        except CatalogueError:
            reviewed = False  # a malformed sign-off is not a sign-off; `check` names it
        fuzzy_keys = {message_key(message) for message in reading.catalog if message.id and message.fuzzy}
        for pack_id in pack_ids:
            keys = [
                message_key(message) for message in messages_of_pack(template or reading.catalog, pack_id)
            ]
            translated = sum(key in reading.usable for key in keys)
            fuzzy = sum(key in fuzzy_keys for key in keys)
            rows.append(
                CatalogueStats(locale, pack_id, translated, fuzzy, len(keys) - translated - fuzzy, reviewed)
            )
    return rows


#: How far ahead `stats` looks for reviews falling due.
REVIEW_NOTICE = timedelta(days=60)


@dataclass(frozen=True)
class ReviewDue:
    """A pack (clinical review) or catalogue (translation review) whose review
    falls due soon or is overdue."""

    kind: str  # "pack" or "catalogue"
    id: str  # the pack's id or the catalogue's locale
    path: str
    due: date
    days_left: int  # negative when overdue


def reviews_due(
    project: Project, packs: list[Pack], today: date, notice: timedelta = REVIEW_NOTICE
) -> list[ReviewDue]:
    """Packs and signed-off catalogues whose review is due within ``notice``
    of ``today``, or overdue; soonest first."""
    dues = [("pack", pack.id, pack.source_file, pack.review_due) for pack in packs]
    for locale in discover_locales(project.locales_dir):
        if locale != SOURCE_LOCALE:
            path = catalogue_path(project.locales_dir, locale)
            dues.append(("catalogue", locale, path, read_review(path).due))
    return sorted(
        (
            ReviewDue(kind, item, shown_path(path), due, (due - today).days)
            for kind, item, path, due in dues
            if due is not None and due - today <= notice
        ),
        key=lambda row: (row.due, row.kind, row.id),
    )


# --- Check ------------------------------------------------------------------------


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
    project: Project, locale: str, fonts: FontSetup, template: Catalog | None
) -> tuple[list[Problem], bool]:
    """Everything wrong with one catalogue, as the build reads it, and every
    character of its translations that no font of the locale can draw; and
    whether the build can use the catalogue at all."""
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
        for message in reading.catalog:
            for form in filter(None, forms(message.string) if message.id else ()):
                problems += [
                    Problem(reading.path, message.lineno, text)
                    for text in _glyph_problems(fonts, form, locale, repr(form[:40]))
                ]
    return problems, reading.catalog is not None and not reading.blocking


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


def check_template_glyphs(project: Project, fonts: FontSetup) -> list[Problem]:
    problems = []
    for path in sorted([*project.templates_dir.rglob("*.html"), *project.packs_dir.rglob("*.html")]):
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
    catalogues = {locale: catalogue_path(project.locales_dir, locale) for locale in locales}
    reports = []
    for pack_path in sorted(project.packs_dir.glob("*/pack.toml")):
        try:
            pack = load_pack(pack_path.parent)
            sections = pack_readability(environment, pack, brand, catalogues)
        except PatientPacksError as error:
            problems.append(
                Problem(error.path or pack_path, error.line, f"readability not scored: {error.message}")
            )
            continue
        reports.append(PackReadability(pack, brand.id, sections))
        templates = [*sorted(pack.directory.rglob("*.html")), *sorted(project.templates_dir.rglob("*.html"))]
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
