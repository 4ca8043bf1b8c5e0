"""Render a leaflet's HTML with Jinja2 and its i18n extension.

Autoescaping is on, so brand values and parameters are always text, never
markup. Undefined variables are errors, not blanks.
"""

from __future__ import annotations

import hashlib
import html
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import segno
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

from .. import __version__
from ..errors import TemplateError, shown_path
from ..jobs import Job, TreatmentRecord
from ..model import QUOTED_TITLE, SOURCE_CONTEXT, Jurisdiction, Pack, Project
from .catalogues import SOURCE_LOCALE, LoadedCatalogue, RecordingTranslations, parse_locale
from .digits import native_digits
from .phones import brand_phone_numbers
from .typography import LocaleTypography, locale_typography, typeset_messages


@dataclass(frozen=True)
class LeafletContext:
    """What the base template needs to know about this leaflet."""

    locale: str
    lang: str
    direction: str
    page_size: str
    draft: bool
    translation: Any  # the translation review (a SignOff), or None for the source locale
    clinic_hours: str
    font_stack: tuple[str, ...]
    counter_style: str
    edition: str
    edition_code: str
    qr_url: str
    #: The draft words in the leaflet's language, from the project's
    #: translation rules, never from its catalogue (translation_rules.py).
    draft_mark: str
    #: The emergency number: the brand's, else its country's.
    emergency_number: str = ""
    #: The clinic's numbers as its country writes them ("" for none).
    phone: str = ""
    out_of_hours_phone: str = ""
    tool_version: str = __version__
    #: One patient's treatment record, filled in (None: blank write-in lines).
    treatment: TreatmentRecord | None = None


def _locale(context: jinja2.runtime.Context) -> Locale:
    return context["babel_locale"]


#: CSS counter styles (page numbers, step numbers) for the numbering systems of digits.py.
_COUNTER_STYLES = {"arab": "arabic-indic", "arabext": "persian", "deva": "devanagari"}


def counter_style(locale: Locale) -> str:
    return _COUNTER_STYLES.get(locale.default_numbering_system, "decimal")


@jinja2.pass_context
def _format_date(context: jinja2.runtime.Context, value: date) -> str:
    # A date is read as one word: never split over two lines ("22 listopada / 2026").
    written = format_date(value, format="long", locale=_locale(context)).replace(" ", "\u00a0")
    return native_digits(written, _locale(context))


@jinja2.pass_context
def _format_number(context: jinja2.runtime.Context, value: int | float) -> str:
    # The default numbering system's separators (Persian ٬ and ٫), then its digits.
    locale = _locale(context)
    return native_digits(format_decimal(value, locale=locale, numbering_system="default"), locale)


def isolate(text: str) -> str:
    """Wrap left-to-right values (phone numbers, names, addresses) in Unicode
    bidi isolates so that right-to-left text cannot reorder them.

    Unicode's FIRST STRONG ISOLATE / POP DIRECTIONAL ISOLATE, not HTML's
    <bdi>: WeasyPrint ignores ``unicode-bidi: isolate`` but Pango's bidi
    algorithm honours the characters.
    """
    return f"\u2068{text}\u2069"


@jinja2.pass_context
def _format_list(context: jinja2.runtime.Context, values: list[str]) -> str:
    """A list of names (products) in the locale's words, each name isolated."""
    return format_list([isolate(value) for value in values], locale=_locale(context))


_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_HTML_WHITESPACE = re.compile(r"[\t\n\f\r ]+")


def plain_text(value: str) -> str:
    """The text of a rendered translation, which is HTML (its inline tags,
    character references), for where HTML does not go: an attribute, the
    title, the PDF's metadata, an alt text. Autoescaping escapes it for
    there. Unlike Jinja's ``striptags``, which splits at any Unicode space,
    only HTML's whitespace is collapsed: a French no-break space stays."""
    if not isinstance(value, markupsafe.Markup):
        return value
    return html.unescape(_HTML_WHITESPACE.sub(" ", _TAG_OR_COMMENT.sub("", value)).strip())


def qr_code(url: str, title: str) -> markupsafe.Markup:
    """The QR code for ``url`` as inline SVG (vector, so it prints sharp at
    any size), drawn by segno; ``title`` is its text alternative, which
    WeasyPrint tags as the figure's alt text."""
    code = segno.make(url, error="m")
    # The title comes from gettext as HTML: its text, which segno escapes itself.
    return markupsafe.Markup(
        code.svg_inline(title=plain_text(title), omitsize=True, svgclass="qr-code", lineclass=None)
    )


class ContentKeyedLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, with a compiled template reused only while the
    file still holds what it was compiled from. Jinja's own check compares
    modification times, which an edit within the file system's time
    resolution, a restored backup or a `git checkout` can leave unchanged; a
    long-running process (the server) must never render an old template."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, _ = super().get_source(environment, template)
        compiled_from = hashlib.sha256(source.encode()).digest()

        def uptodate() -> bool:
            try:  # read as Jinja reads it (text, the loader's encoding)
                current = Path(filename).read_text(encoding=self.encoding)
            except (OSError, UnicodeDecodeError):
                return False
            return hashlib.sha256(current.encode()).digest() == compiled_from

        return source, filename, uptodate


def make_environment(project: Project, *, watch_files: bool = False) -> jinja2.Environment:
    """The Jinja environment of a project's templates; with ``watch_files``,
    a template saved since it was compiled is compiled again (by content)."""
    environment = jinja2.Environment(
        loader=ContentKeyedLoader([project.templates_dir, project.packs_dir]),
        auto_reload=watch_files,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
    )
    # Where the typography rules are read from (typography.py), per leaflet.
    environment.extend(templates_dir=project.templates_dir)
    environment.filters.update(
        format_date=_format_date,
        format_number=_format_number,
        format_list=_format_list,
        isolate=isolate,
        qr_code=qr_code,
        plain_text=plain_text,
    )
    return environment


def text_direction(locale: Locale) -> str:
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


@dataclass(frozen=True)
class SecondLanguage:
    """A bilingual edition's second language, rendered before the leaflet
    (each piece with that language's catalogue, dates and numbers)."""

    leaflet: LeafletContext
    title: markupsafe.Markup
    sections: tuple[markupsafe.Markup, ...]
    safety_notes: markupsafe.Markup


def _leaflet_context(
    job: Job,
    locale: str,
    catalogue: LoadedCatalogue,
    *,
    draft: bool,
    font_stack: tuple[str, ...],
    draft_mark: str,
) -> LeafletContext:
    """``locale``: the variety the text is in (en_GB), whose CLDR data
    (dates, numbers) and language tag the leaflet takes."""
    babel_locale = parse_locale(locale)
    reviews = catalogue.reviews
    return LeafletContext(
        locale=locale,
        lang=locale.replace("_", "-"),
        direction=text_direction(babel_locale),
        page_size=job.page_size,
        draft=draft,
        # The small print says a translation is reviewed only when every
        # catalogue it comes from is.
        translation=next(
            (review for review in reviews if not review.current), reviews[0] if reviews else None
        ),
        clinic_hours=job.clinic_hours_in(locale)[0],
        font_stack=font_stack,
        counter_style=counter_style(babel_locale),
        edition=job.edition.name,
        edition_code=job.edition_code,
        qr_url=job.qr_url,
        emergency_number=job.emergency_number,
        **_phones(job),
        draft_mark=draft_mark,
    )


def _phones(job: Job) -> dict[str, str]:
    """The brand's numbers in its country's national format; as written when
    they cannot be dialled (a draft reason, see checks.py) or there is no
    jurisdiction (a job rendered from given HTML)."""
    phones = {"phone": job.brand.contact.phone, "out_of_hours_phone": job.brand.contact.out_of_hours_phone}
    if job.jurisdiction is not None:
        for key, number in brand_phone_numbers(job.brand, job.jurisdiction).items():
            phones[key.removeprefix("contact.")] = number.printed
    return phones


#: Where a quoted title starts and ends in a source, until it is tagged
#: (private-use characters, taken out of the translation first).
_TITLE_START, _TITLE_END = "\ue010", "\ue011"
_NO_TITLE_MARKS = str.maketrans("", "", _TITLE_START + _TITLE_END)
_TITLE_MARK = re.compile(f"[{_TITLE_START}{_TITLE_END}]")


@dataclass(frozen=True)
class SourcePart:
    """A piece of a source as printed (HTML): its text, or a title it
    quotes, in the title's own language (``title_lang``)."""

    html: markupsafe.Markup
    title_lang: str | None = None


class JurisdictionText:
    """A country's statements as a template prints them, ``law.under_18``:
    each through the leaflet's catalogue under the jurisdiction's message
    context (recorded like any message: one without a translation makes the
    leaflet a draft, a safety-box one stops it), escaped, since
    statements are plain text, and set by the language's typography like
    every message. "" (a rule the country does not have) prints nothing."""

    def __init__(
        self, jurisdiction: Jurisdiction, translations: RecordingTranslations, typography: LocaleTypography
    ) -> None:
        self._jurisdiction = jurisdiction
        self._translations = translations
        self._typography = typography

    def sources(self, pack: Pack) -> list[tuple[SourcePart, ...]]:
        """The leaflet's sources, each translated around the titles it
        quotes: a title in “ ” stays in its own language (the source's,
        English), which the template tags."""
        listed = [(SOURCE_CONTEXT, text) for text in pack.sources]
        listed += [(self._jurisdiction.context, text) for text in self._jurisdiction.sources]
        printed = []
        for context, text in listed:
            # Each quoted title is marked where it is quoted (never where its
            # words come up elsewhere), the source set as a whole (its
            # quotation marks become the language's), then cut at the marks.
            source = self._translations.plain_pgettext(context, text).translate(_NO_TITLE_MARKS)
            for title in dict.fromkeys(QUOTED_TITLE.findall(text)):
                shown = html.escape(title, quote=False)
                source = source.replace(f"“{shown}”", f"“{_TITLE_START}{shown}{_TITLE_END}”")
            pieces = _TITLE_MARK.split(self._typography.apply(source))
            printed.append(
                tuple(
                    SourcePart(markupsafe.Markup(piece), SOURCE_LOCALE if number % 2 else None)
                    for number, piece in enumerate(pieces)
                    if piece
                )
            )
        return printed

    def __getattr__(self, key: str) -> markupsafe.Markup:
        jurisdiction = self._jurisdiction
        if key in jurisdiction.safety_statements:
            text, context = jurisdiction.safety_statements[key], jurisdiction.safety_context
        elif key in jurisdiction.statements:
            text, context = jurisdiction.statements[key], jurisdiction.context
        else:
            raise AttributeError(f"{jurisdiction.country} has no statement {key!r}")
        if not text:
            return markupsafe.Markup()
        return markupsafe.Markup(self._typography.apply(self._translations.plain_pgettext(context, text)))


def _render_templates(
    environment: jinja2.Environment,
    template_names: list[str],
    job: Job,
    catalogue: LoadedCatalogue,
    leaflet: LeafletContext,
    second: SecondLanguage | None = None,
    translations: RecordingTranslations | None = None,
) -> tuple[list[str], RecordingTranslations]:
    translations = translations or RecordingTranslations(catalogue)
    # The environment is shared by every leaflet a process renders, one at a
    # time; installing the callables just rebinds four globals.
    environment.install_gettext_translations(translations, newstyle=True)
    if job.jurisdiction is None:
        raise TemplateError(
            f"{job.label}: a leaflet needs its brand's jurisdiction", path=job.pack.source_file
        )
    # Every message printed as the language sets it (typography.py).
    typography = locale_typography(environment.templates_dir, leaflet.locale)
    typeset_messages(environment, typography)
    try:
        rendered = [
            typography.join_messages(
                environment.get_template(name).render(
                    leaflet=leaflet,
                    pack=job.pack,
                    brand=job.brand,
                    params=job.parameters,
                    jurisdiction=job.jurisdiction,
                    law=JurisdictionText(job.jurisdiction, translations, typography),
                    name_products=job.jurisdiction.may_name_products(job.brand),
                    babel_locale=parse_locale(leaflet.locale),
                    second=second,
                )
            )
            for name in template_names
        ]
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(error.message or "syntax error", path=error.filename, line=error.lineno) from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"template not found: {error.name}", path=job.pack.source_file) from None
    except jinja2.UndefinedError as error:
        path, line = _template_line(error)
        raise TemplateError(
            f"{error.message}: a template uses a variable that does not exist", path=path, line=line
        ) from None
    except (KeyError, ValueError, TypeError) as error:
        path, line = _template_line(error)
        if catalogue.path is None:  # the source text itself: the template is wrong
            raise TemplateError(
                f"a {{% trans %}} block could not be filled in ({type(error).__name__}: {error}): "
                "give it every placeholder its text uses",
                path=path,
                line=line,
            ) from None
        # The catalogue checks refuse a translation whose placeholders differ
        # from its source; what is left is a template that fills in neither.
        raise TemplateError(
            f"a message could not be filled in ({type(error).__name__}: {error}); check this template's "
            f"{{% trans %}} block and the message in {shown_path(catalogue.path)}",
            path=path,
            line=line,
        ) from None
    return rendered, translations


def _template_line(error: BaseException) -> tuple[str | None, int | None]:
    """The template file and line where rendering stopped: the innermost
    frame of the traceback that is a template (Jinja maps its frames back
    to the template's lines)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".html"):
            return frame.filename, frame.lineno
    return None, None


def render_second_language(
    environment: jinja2.Environment,
    job: Job,
    catalogue: LoadedCatalogue,
    *,
    font_stack: tuple[str, ...],
    draft_mark: str,
) -> tuple[SecondLanguage, RecordingTranslations]:
    """The title, sections and safety notes of a bilingual edition's second
    language (``draft_mark``: its draft words), and the record of what was
    translated."""
    leaflet = _leaflet_context(
        job, job.second_text_locale, catalogue, draft=False, font_stack=font_stack, draft_mark=draft_mark
    )
    names = [job.pack.title_template_name, "safety_notes.html", *job.pack.sections]
    (title, safety_notes, *sections), translations = _render_templates(
        environment, names, job, catalogue, leaflet
    )
    second = SecondLanguage(
        leaflet=leaflet,
        title=markupsafe.Markup(title),
        sections=tuple(map(markupsafe.Markup, sections)),
        safety_notes=markupsafe.Markup(safety_notes),
    )
    return second, translations


def render_leaflet_html(
    environment: jinja2.Environment,
    job: Job,
    catalogue: LoadedCatalogue,
    *,
    draft: bool,
    font_stack: tuple[str, ...],
    draft_mark: str,
    template_name: str | None = None,
    second: SecondLanguage | None = None,
    treatment: TreatmentRecord | None = None,
    translations: RecordingTranslations | None = None,
) -> tuple[str, RecordingTranslations]:
    """Render one leaflet (or another template, such as the blank page that
    pads a booklet, with the leaflet's context); return its HTML and the
    record of what was translated. ``draft_mark``: the draft words in the
    leaflet's language; ``treatment``: one patient's treatment record,
    printed as plain text; ``translations``: the gettext functions to render
    with (a translator's preview marks each message)."""
    leaflet = replace(
        _leaflet_context(
            job, job.text_locale, catalogue, draft=draft, font_stack=font_stack, draft_mark=draft_mark
        ),
        treatment=treatment,
    )
    (html,), translations = _render_templates(
        environment, [template_name or job.pack.template_name], job, catalogue, leaflet, second, translations
    )
    return html, translations


def render_title(environment: jinja2.Environment, job: Job, catalogue: LoadedCatalogue) -> str:
    """A leaflet's title in its language, as plain text (for listings: the
    server's pages), rendered from the pack's title template as the leaflet
    renders it."""
    leaflet = _leaflet_context(job, job.text_locale, catalogue, draft=False, font_stack=(), draft_mark="")
    (title,), _ = _render_templates(environment, [job.pack.title_template_name], job, catalogue, leaflet)
    return " ".join(markupsafe.Markup(title).striptags().split())


def format_long_date(value: date, locale: str) -> str:
    """A date as the leaflets print it (CLDR's long format, the locale's digits)."""
    babel_locale = parse_locale(locale)
    return native_digits(format_date(value, format="long", locale=babel_locale), babel_locale)
