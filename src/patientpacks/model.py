"""The build's data: frozen records that flow from one stage to the next."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

#: A parameter value a pack defines and a brand may override.
ParameterValue = int | str | tuple[str, ...]


@dataclass(frozen=True)
class Project:
    """Where a project's inputs live. Every path the renderer may read is under
    one of ``asset_roots``."""

    root: Path

    @property
    def packs_dir(self) -> Path:
        return self.root / "packs"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def brands_dir(self) -> Path:
        return self.root / "brands"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def assets_dir(self) -> Path:
        return self.root / "assets"

    @property
    def fonts_dir(self) -> Path:
        return self.assets_dir / "fonts"

    @property
    def font_cache_dir(self) -> Path:
        """Font subsets made by the build (fonts.py), shared by every project
        on the machine (each file is named by a hash of what it holds); safe to
        delete."""
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "patientpacks" / "fonts"

    def text_input_files(self) -> list[Path]:
        """Every file whose text can end up on a leaflet."""
        return sorted(
            [
                *self.locales_dir.glob("*/LC_MESSAGES/*.po"),
                *self.templates_dir.rglob("*.html"),
                *self.packs_dir.rglob("*.html"),
                *self.packs_dir.glob("*/pack.toml"),
                *self.brands_dir.glob("*.toml"),
            ]
        )

    @property
    def asset_roots(self) -> tuple[Path, ...]:
        return (
            self.assets_dir.resolve(), self.brands_dir.resolve(), self.templates_dir.resolve(),
            self.font_cache_dir.resolve(),
        )


@dataclass(frozen=True)
class SignOff:
    """Who checked a pack's clinical text, and when. Empty ``by``: not signed off."""

    by: str = ""
    on: date | None = None

    @property
    def signed_off(self) -> bool:
        return bool(self.by) and self.on is not None


@dataclass(frozen=True)
class Pack:
    """One topic's content: metadata, a template and parameters."""

    id: str
    title: str
    directory: Path
    template: str
    version: str
    published: date
    review_due: date
    page_size: str  # "brand", or a CSS page size such as "A5 landscape"
    layout: str  # "guide" or "card"
    max_pages: int
    signoff: SignOff
    label_revision: str
    sources: tuple[str, ...]
    parameters: Mapping[str, ParameterValue]
    source_file: Path

    @property
    def template_name(self) -> str:
        """The template's name for the Jinja loader (rooted at ``packs/``)."""
        return f"{self.directory.name}/{self.template}"


@dataclass(frozen=True)
class Logo:
    path: Path
    alt: str

    @property
    def url(self) -> str:
        return self.path.resolve().as_uri()


@dataclass(frozen=True)
class Colours:
    primary: str
    accent: str


@dataclass(frozen=True)
class Contact:
    phone: str
    email: str
    address: str
    website: str
    #: Opening hours by locale; the brand's own language is always present.
    hours: dict[str, str]


@dataclass(frozen=True)
class Brand:
    """One clinic's identity and settings, from ``brands/<id>.toml``."""

    id: str
    name: str
    logo: Logo
    colours: Colours
    contact: Contact
    emergency_number: str
    paper: str  # "A4" or "Letter"
    language: str  # the locale the brand's own text is written in
    parameters: Mapping[str, ParameterValue]
    source_file: Path


@dataclass(frozen=True)
class Job:
    """One leaflet to build: pack × locale × brand."""

    pack: Pack
    brand: Brand
    locale: str
    catalogue_path: Path | None  # None for the source locale
    inputs_sha256: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.brand.id, self.locale, self.pack.id)

    @property
    def label(self) -> str:
        return f"{self.brand.id}/{self.locale}/{self.pack.id}"

    @property
    def relative_pdf_path(self) -> str:
        return f"{self.brand.id}/{self.locale}/{self.pack.id}.pdf"

    @property
    def parameters(self) -> Mapping[str, ParameterValue]:
        """The pack's defaults with the brand's overrides for the keys the pack uses."""
        merged = dict(self.pack.parameters)
        merged.update(
            (key, value) for key, value in self.brand.parameters.items() if key in merged
        )
        return merged

    @property
    def clinic_hours(self) -> tuple[str, bool]:
        """The opening hours in the leaflet's language (or its base language),
        else in the brand's language; and whether they are in the leaflet's."""
        hours = self.brand.contact.hours
        for locale in (self.locale, self.locale.split("_")[0]):
            if locale in hours:
                return hours[locale], True
        return hours[self.brand.language], False

    @property
    def page_size(self) -> str:
        return self.brand.paper if self.pack.page_size == "brand" else self.pack.page_size


@dataclass(frozen=True)
class Leaflet:
    """A rendered leaflet, ready to be written."""

    job: Job
    pdf: bytes
    pages: int
    html: str
    reasons: tuple[str, ...] = field(default=())

    @property
    def status(self) -> str:
        return "draft" if self.reasons else "publishable"


@dataclass(frozen=True)
class Failure:
    """A leaflet that could not be built, and why."""

    job_label: str
    error: str
