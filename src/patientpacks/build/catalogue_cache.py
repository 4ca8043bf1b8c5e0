"""Compiled catalogues kept for the next leaflet, each reused only while its
file, and the translation rules it was checked against, hold what it was
compiled from (a long-running process: the server)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .catalogue_reader import catalogue_bytes
from .catalogues import LoadedCatalogue, load_catalogue, source_catalogue
from .translation_rules import TranslationRules


class CatalogueCache:
    """Compiled catalogues by locale and file. With ``watch_files`` each file
    is read again on every use and compiled again when its bytes or the
    translation rules changed; a build's workers, whose inputs were hashed
    before the build started, skip that (1-2% of a leaflet's time)."""

    def __init__(self, *, watch_files: bool) -> None:
        self.watch_files = watch_files
        #: By locale, path and the SHA-256 of the file and of the translation
        #: rules ("" when files are not watched).
        self._catalogues: dict[tuple[str, Path, str], LoadedCatalogue] = {}

    def get(self, locale: str, path: Path | None, rules: TranslationRules) -> LoadedCatalogue:
        if path is None:
            return source_catalogue()
        if not self.watch_files and (locale, path, "") in self._catalogues:
            return self._catalogues[(locale, path, "")]
        data = catalogue_bytes(path)
        key = (locale, path, hashlib.sha256(data).hexdigest() + rules.digest if self.watch_files else "")
        if key not in self._catalogues:
            for stale in [cached for cached in self._catalogues if cached[:2] == key[:2]]:
                del self._catalogues[stale]
            self._catalogues[key] = load_catalogue(path, locale, data=data, rules=rules)
        return self._catalogues[key]
