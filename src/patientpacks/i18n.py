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
from babel.messages.pofile import read_po, write_po

from .catalogs import (
    DOMAIN,
    PSEUDO_LOCALES,
    SOURCE_LOCALE,
    catalogue_path,
    discover_locales,
    read_review,
    review_of,
)
from .catalogue_checks import MESSAGE_CHECKS, forms
from .config import load_brand, load_pack
from .errors import CatalogueError, PatientPacksError, TemplateError, UsageError, shown_path
from .fonts import FontSetup
from .model import Pack, Project
from .readability import TARGET_GRADE, SectionReadability, pack_readability
from .render_html import make_environment

#: gettext Plural-Forms headers, each verified against CLDR's plural rules by
#: tests/test_i18n.py. Babel before 2.19 generated wrong headers for some of
#: these (Arabic 100-102, Persian, Hindi 0), and the project accepts Babel
#: 2.16 and later, so ``init`` writes these instead.
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "de": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "fa": "nplurals=2; plural=(n > 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "hi": "nplurals=2; plural=(n > 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "pt": "nplurals=2; plural=(n > 1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "vi": "nplurals=1; plural=0;",
    "zh": "nplurals=1; plural=0;",
}

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

_DATE_HEADER = re.compile(rb'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)


def plural_forms_for(locale: str) -> str | None:
    for key in (locale, locale.split("_")[0]):
        if key in PLURAL_FORMS:
            return PLURAL_FORMS[key]
    return None


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
    if pot.exists() and _DATE_HEADER.sub(b"", pot.read_bytes()) == _DATE_HEADER.sub(b"", new):
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


def update(project: Project) -> list[str]:
    """Merge the template into every catalogue; changed source strings become fuzzy."""
    locales = [locale for locale in discover_locales(project.locales_dir) if locale != SOURCE_LOCALE]
    for locale in locales:
        if locale in PSEUDO_LOCALES:
            continue  # generated by `pseudo`, never merged by hand
        _pybabel(
            "update",
            "-i",
            str(project.locales_dir / f"{DOMAIN}.pot"),
            "-d",
            str(project.locales_dir),
            "-l",
            locale,
            "-D",
            DOMAIN,
        )
    return locales


def init(project: Project, locale: str, language_name: str) -> Path:
    """Start a catalogue for ``locale`` with a verified plural header."""
    path = catalogue_path(project.locales_dir, locale)
    if path.exists():
        raise UsageError(f"a catalogue for {locale!r} exists already: {path}; use `update`")
    plural_forms = plural_forms_for(locale)
    if plural_forms is None:
        raise UsageError(
            f"no verified plural rule for {locale!r}: add it to PLURAL_FORMS in "
            "src/patientpacks/i18n.py (checked against CLDR by the tests)"
        )
    _pybabel(
        "init", "-i", str(project.locales_dir / f"{DOMAIN}.pot"), "-d", str(project.locales_dir), "-l", locale
    )
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
    with (project.locales_dir / f"{DOMAIN}.pot").open("rb") as file:
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
    untranslated: int
    reviewed: bool

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
            location.startswith(f"packs/{pack_id}/") or location.startswith("templates/")
            for location, _ in message.locations
        )

    return [message for message in catalog if message.id and used(message)]


def read_catalogue(path: Path) -> Catalog:
    try:
        with path.open("rb") as file:
            return read_po(file, abort_invalid=True)
    except Exception as error:  # Babel raises several types for a broken file
        raise CatalogueError(f"cannot be read: {error}", path=path) from None


def is_translated(message: Message) -> bool:
    return not message.fuzzy and all(forms(message.string))


def catalogue_stats(project: Project, pack_ids: list[str]) -> list[CatalogueStats]:
    rows = []
    for locale in discover_locales(project.locales_dir):
        if locale == SOURCE_LOCALE:
            continue
        path = catalogue_path(project.locales_dir, locale)
        catalog = read_catalogue(path)
        reviewed = review_of(catalog, path).reviewed
        for pack_id in pack_ids:
            messages = messages_of_pack(catalog, pack_id)
            translated = sum(is_translated(message) for message in messages)
            fuzzy = sum(message.fuzzy for message in messages)
            rows.append(
                CatalogueStats(
                    locale, pack_id, translated, fuzzy, len(messages) - translated - fuzzy, reviewed
                )
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


def check_catalogue(path: Path, locale: str, fonts: FontSetup) -> list[Problem]:
    try:
        catalog = read_catalogue(path)
    except CatalogueError as error:
        return [Problem(path, error.line, error.message)]
    problems = []
    expected = plural_forms_for(locale)
    if expected and " ".join(catalog.plural_forms.split()) != " ".join(expected.split()):
        problems.append(
            Problem(
                path,
                None,
                f"Plural-Forms header {catalog.plural_forms!r} is not the verified rule {expected!r}",
            )
        )
    for message in catalog:
        if not message.id:
            continue
        for check in MESSAGE_CHECKS:
            problems += [Problem(path, message.lineno, text) for text in check(message, catalog.num_plurals)]
        for form in filter(None, forms(message.string)):
            problems += [
                Problem(path, message.lineno, text)
                for text in _glyph_problems(fonts, form, locale, repr(form[:40]))
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
