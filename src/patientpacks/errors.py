"""Every error the tool reports to a user, in one place.

Each error is something the user can fix; it prints as ``file:line: message``
(or ``file: key: message``) like a compiler. Any other exception is a bug in
patientpacks and is reported as a crash.
"""

from __future__ import annotations

from pathlib import Path


def shown_path(path: Path | str) -> str:
    """A path as a user would type it: relative to the current folder when inside it."""
    path = Path(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class PatientPacksError(Exception):
    """Base class: a problem with the user's input or machine, not a bug."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.key = key

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(shown_path(self.path))
        if self.line is not None:
            where.append(str(self.line))
        prefix = ":".join(where)
        if self.key:
            prefix = f"{prefix}: {self.key}" if prefix else self.key
        return f"{prefix}: {self.message}" if prefix else self.message


class ConfigError(PatientPacksError):
    """A pack's ``pack.toml`` or a brand's ``brands/<id>.toml`` is invalid.

    Raised while loading; fix the named key in the named file.
    """


class CatalogueError(PatientPacksError):
    """A ``.po`` catalogue cannot be read, or a translation cannot be used.

    Raised while loading catalogues; fix the named line of the catalogue.
    """


class TemplateError(PatientPacksError):
    """A template has a syntax error or uses a variable that does not exist.

    Raised while rendering HTML; fix the named template line.
    """


class MissingSafetyTranslationError(PatientPacksError):
    """A safety-note message has no translation in the leaflet's catalogue.

    Safety notes never fall back to another language, so the leaflet is not
    built. Translate the named messages (msgctxt "safety").
    """


class RenderError(PatientPacksError):
    """WeasyPrint could not lay out or write a leaflet, or it tried to fetch a
    resource outside the project's asset folders."""


class OutputError(PatientPacksError):
    """The output folder or manifest cannot be written or read."""


class UsageError(PatientPacksError):
    """The command line asks for something that does not exist (an unknown
    pack, brand or locale)."""


class ManifestError(OutputError):
    """A ``manifest.json`` is not one this tool wrote, or one of its entries
    is malformed (a field missing or of the wrong type, a path outside the
    output folder).

    Raised when a manifest is read. A build's own manifest is then not
    trusted: every leaflet is rebuilt and a new manifest written.
    ``merge-manifests`` stops: build the named shard again.
    """


class BusyError(PatientPacksError):
    """Every worker is rendering and the queue of leaflets waiting is full.

    Raised by a long-running caller's render pool (the server answers 503);
    try again after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LogoError(ConfigError):
    """A brand's logo cannot be drawn safely and completely (too large, not
    a readable PNG or SVG, an SVG that refers to other files, holds text or
    draws too much).

    Raised by build/logos.py and build/logo_svg.py while the brand is read; reported against the
    brand file's ``logo.file``. Fix or replace the logo file.
    """
