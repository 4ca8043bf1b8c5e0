"""Find and load the gettext catalogues under ``locales/``.

Catalogues are read from the ``.po`` file on every build and compiled in
memory with Babel, so an edited catalogue always shows up in the next build and
a stale ``.mo`` file can never be used.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from .errors import CatalogueError, UsageError

#: The language the templates are written in. Its leaflets use the source text.
SOURCE_LOCALE = "en"
DOMAIN = "messages"
#: Message context that marks a safety-note message (see templates/safety_notes.html).
SAFETY_CONTEXT = "safety"
#: A qualified reviewer signs a translation off with two lines in the
#: catalogue's header comment. Comment lines, not "X-" header fields, because
#: Babel drops unknown header fields when it reads or updates a catalogue;
#: Babel, Poedit and Weblate all keep the header comment.
_REVIEW_LINE = re.compile(r"^#\s*Reviewed-(By|On):[ \t]*(.*?)\s*$", re.MULTILINE)

MessageKey = tuple[str | None, str]  # (msgctxt, msgid)


def catalogue_path(locales_dir: Path, locale: str) -> Path:
    return locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def discover_locales(locales_dir: Path) -> list[str]:
    """The source locale plus every locale that has a catalogue, sorted."""
    found = {path.parent.parent.name for path in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return [SOURCE_LOCALE, *sorted(found - {SOURCE_LOCALE})]


def parse_locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError) as error:
        raise UsageError(f"unknown locale {code!r}: {error}") from None


@dataclass(frozen=True)
class TranslationReview:
    """Whether a qualified reviewer signed off a catalogue, from its headers."""

    reviewed_by: str = ""
    reviewed_on: date | None = None

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewed_by) and self.reviewed_on is not None


@dataclass
class LoadedCatalogue:
    """A catalogue compiled in memory, and what it can translate."""

    locale: str
    path: Path | None
    translations: Translations | None
    translated: frozenset[MessageKey] = field(default_factory=frozenset)
    review: TranslationReview | None = None

    def has_translation(self, context: str | None, message: str) -> bool:
        return self.translations is None or (context, message) in self.translated


def source_catalogue() -> LoadedCatalogue:
    """The source locale: templates are written in it, so nothing is missing."""
    return LoadedCatalogue(locale=SOURCE_LOCALE, path=None, translations=None)


def load_catalogue(path: Path, locale: str) -> LoadedCatalogue:
    try:
        with path.open("rb") as file:
            catalog = read_po(file, locale=locale, domain=DOMAIN, abort_invalid=True)
    except PoFileError as error:
        # Babel counts lines from 0 and appends " on <that number>" to its message.
        reason = str(error).rsplit(" on ", 1)[0]
        raise CatalogueError(f"not a valid catalogue: {reason}", path=path, line=error.lineno + 1) from None
    except UnicodeDecodeError as error:
        raise CatalogueError(
            f"cannot be decoded with its declared charset ({error.reason}); save it as UTF-8 "
            "and declare \"Content-Type: text/plain; charset=UTF-8\"",
            path=path,
        ) from None
    except (UnknownLocaleError, ValueError) as error:
        raise CatalogueError(f"cannot be read: {error}", path=path) from None
    except OSError as error:
        raise CatalogueError(f"cannot be read: {error.strerror}", path=path) from None

    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext does
    buffer.seek(0)
    return LoadedCatalogue(
        locale=locale,
        path=path,
        translations=Translations(fp=buffer, domain=DOMAIN),
        translated=frozenset(_translated_keys(catalog)),
        review=_review(catalog, path),
    )


def _translated_keys(catalog: Catalog) -> set[MessageKey]:
    keys = set()
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            singular = message.id[0] if isinstance(message.id, tuple) else message.id
            keys.add((message.context, singular))
    return keys


def _review(catalog: Catalog, path: Path) -> TranslationReview:
    fields = {name: value for name, value in _REVIEW_LINE.findall(catalog.header_comment)}
    reviewed_on = None
    if fields.get("On"):
        try:
            reviewed_on = date.fromisoformat(fields["On"])
        except ValueError:
            raise CatalogueError(
                f"the header comment's \"Reviewed-On:\" must be a date like 2026-12-01, not {fields['On']!r}",
                path=path,
            ) from None
    return TranslationReview(reviewed_by=fields.get("By", ""), reviewed_on=reviewed_on)


class RecordingTranslations:
    """The gettext functions the templates call, for one leaflet.

    Jinja's i18n extension calls these; each message that has no translation
    (untranslated, fuzzy, or not in the catalogue at all) falls back to the
    source text, as gettext does, but is recorded so that the leaflet is
    marked draft and the manifest names it. Nothing falls back silently.
    """

    def __init__(self, catalogue: LoadedCatalogue) -> None:
        self.catalogue = catalogue
        self.missing: set[MessageKey] = set()

    def _note(self, context: str | None, message: str) -> None:
        if not self.catalogue.has_translation(context, message):
            self.missing.add((context, message))

    def gettext(self, message: str) -> str:
        self._note(None, message)
        translations = self.catalogue.translations
        return translations.gettext(message) if translations else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self._note(None, singular)
        translations = self.catalogue.translations
        if translations:
            return translations.ngettext(singular, plural, n)
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        self._note(context, message)
        translations = self.catalogue.translations
        return translations.pgettext(context, message) if translations else message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        self._note(context, singular)
        translations = self.catalogue.translations
        if translations:
            return translations.npgettext(context, singular, plural, n)
        return singular if n == 1 else plural

    @property
    def missing_safety(self) -> list[str]:
        return sorted(message for context, message in self.missing if context == SAFETY_CONTEXT)
