"""The front desk pages' words: a gettext domain of their own,
``locales/<locale>/LC_MESSAGES/frontdesk.po`` beside each leaflet catalogue,
from ``locales/frontdesk.pot`` (extracted from the server's page templates).

A domain of its own, so that a leaflet catalogue never needs the pages'
strings before ``check`` passes, and a page string never reaches a leaflet.
Read by the one catalogue reader (catalogue_reader.py), like the leaflets'
catalogues: the same limits on the file, the same checks of each
translation (only the source's inline tags and placeholders, no bidi
override, the locale's digits), a translation that fails them not used.

Unlike a leaflet, a page may show English where its language has no usable
translation: it is read by the receptionist, not handed to a patient. It
never does so silently: ``english_because`` says why, and the page shows it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.support import NullTranslations, Translations

from ..errors import CatalogueError, shown_path
from .catalogue_reader import message_key, read_catalogue, read_pot
from .catalogues import SOURCE_LOCALE, catalogue_path, compile_catalogue
from .translation_rules import load_translation_rules

PAGES_DOMAIN = "frontdesk"
#: The page templates, part of the server's code (they go with its routes'
#: fields and its script); `extract` reads their strings from here.
PAGE_TEMPLATES = Path(__file__).resolve().parents[1] / "serve" / "templates"


@dataclass(frozen=True)
class PageCatalogue:
    """The pages' translations in one locale, and why some of it is English."""

    locale: str
    translations: NullTranslations
    #: Why the pages show English in places, None when nothing is.
    english_because: str | None = None
    #: Whether any of it is translated (else the pages are English, ``lang="en"``).
    any_translated: bool = True


def page_template_path(locales_dir: Path) -> Path:
    return locales_dir / f"{PAGES_DOMAIN}.pot"


def read_page_template(locales_dir: Path) -> Catalog | None:
    """``locales/frontdesk.pot``; None when it has not been extracted yet."""
    return read_pot(page_template_path(locales_dir))


_cache: dict[tuple[Path, str], tuple[tuple, PageCatalogue]] = {}
_cache_lock = threading.Lock()


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


def load_page_catalogue(root: Path, locale: str) -> PageCatalogue:
    """The pages' catalogue of ``locale`` in the project at ``root``, read
    again when it, ``frontdesk.pot`` or the translation rules change."""
    locales_dir, templates_dir = root / "locales", root / "templates"
    if locale == SOURCE_LOCALE:
        return PageCatalogue(locale, NullTranslations())
    path = catalogue_path(locales_dir, locale, PAGES_DOMAIN)
    key = (_stamp(path), _stamp(page_template_path(locales_dir)), _stamp(templates_dir))
    with _cache_lock:
        cached = _cache.get((root, locale))
        if cached is None or cached[0] != key:
            cached = (key, _read(path, locale, locales_dir, templates_dir))
            _cache[(root, locale)] = cached
        return cached[1]


def _read(path: Path, locale: str, locales_dir: Path, templates_dir: Path) -> PageCatalogue:
    if not path.exists() and not path.is_symlink():
        because = f"there is no front-desk catalogue for it yet ({shown_path(path)})"
        return PageCatalogue(locale, NullTranslations(), because, any_translated=False)
    try:
        template = read_page_template(locales_dir)
    except CatalogueError as error:
        return PageCatalogue(locale, NullTranslations(), str(error), any_translated=False)
    rules = load_translation_rules(templates_dir)
    reading = read_catalogue(path, locale, template, rules=rules, domain=PAGES_DOMAIN)
    try:
        loaded = compile_catalogue(reading, locale, PAGES_DOMAIN)
    except CatalogueError as error:
        because = f"its front-desk catalogue cannot be used: {error}"
        return PageCatalogue(locale, NullTranslations(), because, any_translated=False)
    assert isinstance(loaded.translations, Translations)
    source = template if template is not None else reading.catalog
    keys = {message_key(message) for message in source if message.id} if source is not None else set()
    untranslated = len(keys - loaded.translated)
    because = (
        f"{untranslated} of its {len(keys)} strings are not translated (or not usable) in {shown_path(path)}"
        if untranslated
        else None
    )
    return PageCatalogue(locale, loaded.translations, because, any_translated=bool(loaded.translated))
