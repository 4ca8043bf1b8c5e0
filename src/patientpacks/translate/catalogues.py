"""``extract``, ``update`` and ``init``: Babel's own commands (``pybabel``),
with the project's settings, so they behave exactly as translators know them;
plus what Babel leaves out: a loud failure on a template with a syntax error,
no rewrite when only Babel's volatile headers would change, the plural rule
of any CLDR language, and an ``update`` that never writes back a guess at a
catalogue it could not read exactly. Also the project's template
(``messages.pot``) and catalogues as ``stats`` and ``check`` read them.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path

import jinja2
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import denormalize, read_po, write_po

from ..build.catalogue_reader import DOMAIN, CatalogueReading, catalogue_bytes, read_catalogue, read_pot
from ..build.catalogues import (
    PSEUDO_LOCALES,
    SOURCE_LOCALE,
    catalogue_path,
    discover_locales,
    discover_overrides,
    overridden_language,
    parse_locale,
)
from ..build.message_checks import forms
from ..build.output import atomic_write_bytes
from ..build.page_catalogues import PAGE_TEMPLATES, PAGES_DOMAIN, page_template_path
from ..build.plurals import PluralRuleError, expected_plural_rule
from ..build.translation_rules import load_translation_rules
from ..errors import CatalogueError, TemplateError, UsageError, shown_path
from ..model import Project, template_files

HEADER_COMMENT = """\
# {language} translations for patientpacks.
# Copyright (C) 2026 The patientpacks authors
# This file is distributed under the same license as the
# patientpacks project.
#
# Leaflets in this language print as drafts until a qualified
# reviewer signs the translation off with `patientpacks review LOCALE
# --by NAME` (see TRANSLATING.md)."""

#: The header comment of a variety's override catalogue (en_GB, es_US).
OVERRIDE_HEADER_COMMENT = """\
# {language} for patientpacks.
# Only the messages where this variety differs; every other
# message comes from {base}
# (never from another language).
# Copyright (C) 2026 The patientpacks authors
# This file is distributed under the same license as the
# patientpacks project.
#
# Leaflets in this variety print as drafts until a qualified
# reviewer signs the translation off with `patientpacks review LOCALE
# --by NAME` (see TRANSLATING.md); an English variety is source
# text, signed off with the packs."""

#: Header lines Babel rewrites on every run (the time, and its own version):
#: a file whose other bytes are unchanged is left as it was, so that an
#: `extract` or `update` with nothing new adds no noise to a pull request.
_VOLATILE_HEADERS = re.compile(rb'^"(?:POT-Creation-Date|Generated-By): .*\\n"$', re.MULTILINE)


def _same_but_volatile_headers(old: bytes, new: bytes) -> bool:
    return _VOLATILE_HEADERS.sub(b"", old) == _VOLATILE_HEADERS.sub(b"", new)


def _pybabel(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *arguments])


#: How the page templates' strings are extracted (as babel.cfg does the leaflets').
_PAGES_MAPPING = """\
[jinja2: **.html]
extensions = jinja2.ext.i18n
silent = false
"""


def extract(project: Project) -> bool:
    """Templates -> ``locales/messages.pot``, and the server's page templates
    -> ``locales/frontdesk.pot``. Returns whether either file changed."""
    changed = False
    with tempfile.TemporaryDirectory() as folder:
        mapping = Path(folder) / "pages.cfg"
        mapping.write_text(_PAGES_MAPPING, encoding="utf-8")
        # From the folder above each set of templates, so that source
        # locations are relative ("packs/x/leaflet.html:7", as with `pybabel
        # extract ... .`; "patientpacks/serve/templates/layout.html:9").
        for domain, folder_, arguments in (
            (DOMAIN, project.root, ("-F", "babel.cfg", ".")),
            (PAGES_DOMAIN, PAGE_TEMPLATES.parents[2], ("-F", str(mapping), "patientpacks/serve/templates")),
        ):
            pot = project.locales_dir / f"{domain}.pot"
            fresh = Path(folder) / pot.name
            try:
                with contextlib.chdir(folder_):
                    _pybabel(
                        "extract",
                        "-c",
                        "Translators:",
                        "--sort-by-file",
                        "--project=patientpacks",
                        "--msgid-bugs-address=translations@patientpacks.invalid",
                        "-o",
                        str(fresh),
                        *arguments,
                    )
            except jinja2.TemplateSyntaxError as error:
                # The mappings set silent = false so that Jinja's extractor
                # raises instead of leaving the template's strings out; but it
                # does not say which file, so find it.
                raise _locate_syntax_error(project, error) from None
            new = fresh.read_bytes()
            if not (pot.exists() and _same_but_volatile_headers(pot.read_bytes(), new)):
                pot.write_bytes(new)
                changed = True
    return changed


def _locate_syntax_error(project: Project, error: jinja2.TemplateSyntaxError) -> TemplateError:
    environment = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    templates = [*template_files(project.templates_dir), *template_files(project.packs_dir)]
    for path in sorted([*templates, *PAGE_TEMPLATES.glob("*.html")]):
        try:
            environment.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except jinja2.TemplateSyntaxError as found:
            return TemplateError(f"cannot extract messages: {found.message}", path=path, line=found.lineno)
    return TemplateError(f"cannot extract messages: {error.message}", line=error.lineno)


def template_path(project: Project) -> Path:
    pot = project.locales_dir / f"{DOMAIN}.pot"
    if not pot.is_file():
        raise UsageError(f"{shown_path(pot)} does not exist yet: run `extract` first")
    return pot


def update(project: Project) -> list[str]:
    """Merge each template into its catalogues (``messages.pot`` into every
    ``messages.po``, ``frontdesk.pot`` into every ``frontdesk.po``): changed
    source strings become fuzzy, keeping their previous source (``#|``
    lines) for the translator. Returns the locales whose catalogues changed.

    All or nothing: every catalogue is read first, strictly, and if any cannot
    be read exactly as written, none is touched (Babel would write back its
    own guess at a broken line). A catalogue whose only change would be
    Babel's volatile header lines is left byte for byte as it was."""
    domains = [DOMAIN]
    template_path(project)
    if page_template_path(project.locales_dir).is_file():
        domains.append(PAGES_DOMAIN)
    merges = [
        (domain, locale)
        for domain in domains
        for locale in discover_locales(project.locales_dir, domain)
        if locale != SOURCE_LOCALE and locale not in PSEUDO_LOCALES  # generated by `pseudo`, never merged
    ] + [(DOMAIN, locale) for locale in discover_overrides(project.locales_dir)]
    unreadable = []
    for domain, locale in merges:
        unreadable += _not_exactly_readable(read_project_catalogue(project, locale, None, domain))
    if unreadable:
        raise CatalogueError(
            f"no catalogue was updated, because these cannot be read exactly: {_described(unreadable)}"
        )
    updated = {}
    with tempfile.TemporaryDirectory() as folder:
        for domain, locale in merges:
            path = catalogue_path(project.locales_dir, locale, domain)
            merged, original = Path(folder) / f"{domain}-{locale}.po", catalogue_bytes(path)
            merged.write_bytes(original)
            pot = project.locales_dir / f"{domain}.pot"
            override = overridden_language(project.locales_dir, locale) is not None
            # An override never guesses: Babel's fuzzy matching would fill it
            # with near matches of messages it does not override.
            guesses = ("--no-fuzzy-matching",) if override else ()
            _pybabel(
                "update",
                "-i",
                str(pot),
                "-o",
                str(merged),
                "-l",
                locale,
                "-D",
                domain,
                "--previous",
                *guesses,
            )
            restore_previous_sources(merged, locale)
            if override:
                _keep_only_overrides(merged, locale)
            if not _same_but_volatile_headers(original, merged.read_bytes()):
                updated[path] = (locale, merged.read_bytes())
    for path, (_, data) in updated.items():
        atomic_write_bytes(path, data)
    return sorted({locale for locale, _ in updated.values()})


def restore_previous_sources(path: Path, locale: str) -> None:
    """Put back the previous source (``#| msgid``) of each fuzzy message.

    Babel (2.19) writes ``#|`` lines but reads them back as translator
    comments ("| msgid …"): each later ``update`` would write them as
    ``# | msgid`` above the message, and a fuzzy catalogue would never be
    stable. So the comments Babel misread are turned back into the previous
    source of a fuzzy message, dropped from any other (as msgmerge drops a
    translated message's previous source), and the file written as
    ``pybabel update`` writes it."""
    with path.open("rb") as file:
        catalog = read_po(file, locale=locale)
    changed = False
    for message in catalog:
        previous, kept = _previous_source(message.user_comments)
        if kept != message.user_comments:
            message.previous_id = previous if message.fuzzy else ()
            message.user_comments = kept
            changed = True
    if changed:
        buffer = io.BytesIO()
        write_po(buffer, catalog, include_previous=True, width=76)
        path.write_bytes(buffer.getvalue())


def _previous_source(comments: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The previous msgid (and msgid_plural) among translator comments as
    Babel reads ``#|`` lines, and the other comments."""
    parts: dict[str, list[str]] = {}
    kept: list[str] = []
    current = None
    for comment in comments:
        keyword, _, rest = comment.removeprefix("| ").partition(" ")
        if comment.startswith("| ") and keyword in ("msgid", "msgid_plural"):
            current = keyword
            parts[current] = [rest]
        elif comment.startswith('| "') and current:
            parts[current].append(comment[2:])
        elif comment.startswith("| "):  # one Babel wrapped as a comment: unreadable
            current = None
            parts.clear()
        else:
            current = None
            kept.append(comment)
    previous = tuple(denormalize("\n".join(parts[key])) for key in ("msgid", "msgid_plural") if key in parts)
    return previous, kept


def _keep_only_overrides(path: Path, locale: str) -> None:
    """A variety's catalogue keeps only what it overrides: Babel's update
    adds every message of the template, untranslated; those are dropped
    (the language's catalogue has them). A fuzzy one stays, for its
    translator to check against the changed source."""
    with path.open("rb") as file:
        catalog = read_po(file, locale=locale)
    for message in list(catalog):
        if message.id and not message.fuzzy and not any(forms(message.string)):
            catalog.delete(message.id, context=message.context)
    write_catalogue(path, catalog)


def init(project: Project, code: str) -> Path:
    """Start a catalogue for any language CLDR knows (``code``: it, pt_PT,
    zh_Hant...), with its plural rule: the leaflets' and, once extracted, the
    front desk pages'."""
    locale = str(parse_locale(code))
    templates = {DOMAIN: template_path(project)}
    if page_template_path(project.locales_dir).is_file():
        templates[PAGES_DOMAIN] = page_template_path(project.locales_dir)
    paths = {domain: catalogue_path(project.locales_dir, locale, domain) for domain in templates}
    if any(path.exists() or path.is_symlink() for path in paths.values()):
        raise UsageError(f"a catalogue for {locale!r} exists already: {paths[DOMAIN]}; use `update`")
    try:
        plural_forms = expected_plural_rule(locale)[0].header
    except PluralRuleError as error:
        raise UsageError(str(error)) from None
    base = overridden_language(project.locales_dir, locale)
    for domain, path in paths.items():
        if base and domain != DOMAIN:
            continue  # a variety's pages are its language's (the front desk matches es_US to es)
        _pybabel(
            "init", "-i", str(templates[domain]), "-d", str(project.locales_dir), "-l", locale, "-D", domain
        )
        with path.open("rb") as file:
            catalog = read_po(file, locale=locale)
        catalog.header_comment = HEADER_COMMENT.format(language=Locale.parse(locale).english_name)
        if base:
            # A variety starts empty: it holds only what it changes.
            for message in list(catalog):
                if message.id:
                    catalog.delete(message.id, context=message.context)
            base_name = "the English source text" if base == SOURCE_LOCALE else f"the {base} catalogue"
            catalog.header_comment = OVERRIDE_HEADER_COMMENT.format(
                language=Locale.parse(locale).english_name, base=base_name
            )
        _set_plural_forms(catalog, plural_forms)
        write_catalogue(path, catalog)
    return paths[DOMAIN]


def _set_plural_forms(catalog: Catalog, plural_forms: str) -> None:
    # Babel keeps the plural rule in private fields that its own header parser fills.
    catalog.mime_headers = [("Plural-Forms", plural_forms)]


def write_catalogue(path: Path, catalog: Catalog) -> None:
    """Write ``catalog`` to ``path`` atomically: a link in its place is
    replaced, never written through (it could point out of the project)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, sort_by_file=True)
    atomic_write_bytes(path, buffer.getvalue())


def read_template(project: Project) -> Catalog | None:
    """``locales/messages.pot``, the source messages every catalogue is
    compared with; None when it has not been extracted yet."""
    return read_pot(project.locales_dir / f"{DOMAIN}.pot")


def exactly_read_catalogue(project: Project, locale: str) -> tuple[Path, bytes, Catalog]:
    """A leaflets' catalogue a command is about to rewrite (``import-xliff``):
    its path, bytes and messages, if the strict reader reads it exactly as
    written; else a CatalogueError naming each problem (Babel would write
    back its own guess at a broken line)."""
    reading = read_project_catalogue(project, locale, None)
    if unreadable := _not_exactly_readable(reading):
        raise CatalogueError(
            f"it was not changed, because it cannot be read exactly: {_described(unreadable)}"
        )
    assert reading.catalog is not None
    return reading.path, catalogue_bytes(reading.path), reading.catalog


def _not_exactly_readable(reading: CatalogueReading) -> list:
    return list(reading.blocking or reading.problems) if reading.catalog is None or reading.blocking else []


def _described(problems: list) -> str:
    return "; ".join(
        f"{shown_path(problem.path)}{f':{problem.line}' if problem.line else ''}: {problem.message}"
        for problem in problems
    )


def read_project_catalogue(
    project: Project, locale: str, template: Catalog | None, domain: str = DOMAIN
) -> CatalogueReading:
    """A project's catalogue (of the leaflets, or with ``domain`` of the front
    desk pages) as the build reads it (with the project's translation rules)."""
    path = catalogue_path(project.locales_dir, locale, domain)
    rules = load_translation_rules(project.templates_dir)
    return read_catalogue(path, PSEUDO_LOCALES.get(locale, locale), template, rules=rules, domain=domain)
