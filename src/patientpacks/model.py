"""A project's inputs, as loaded: frozen records of the project folder, its
packs and its brands. What the build makes of them is in jobs.py."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
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
    def jurisdictions_dir(self) -> Path:
        return self.root / "jurisdictions"

    @property
    def default_output_profile(self) -> OutputProfile:
        """The press a print-shop edition is made for unless its brand names
        its print shop's own profile: offset printing on coated paper
        (FOGRA39), the most common condition for commercial print in Europe.
        Committed, with its provenance: see assets/colour/README.md."""
        return OutputProfile(
            path=self.assets_dir / "colour" / "FOGRA39-patientpacks.icc",
            condition_identifier="FOGRA39",
            condition="Offset printing, according to ISO 12647-2:2004/Amd 1, coated paper (FOGRA39)",
            registry_name="http://www.color.org",
        )

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
                *template_files(self.templates_dir),
                *self.templates_dir.glob("*.toml"),  # translation_rules.toml: the draft marks
                *template_files(self.packs_dir),
                *self.packs_dir.glob("*/pack.toml"),
                *self.brands_dir.glob("*.toml"),
                *self.jurisdictions_dir.glob("*.toml"),
                *self.packs_dir.glob("*/jurisdictions/*.toml"),
            ]
        )

    @property
    def asset_roots(self) -> tuple[Path, ...]:
        return (
            self.assets_dir.resolve(),
            self.brands_dir.resolve(),
            self.templates_dir.resolve(),
            self.font_cache_dir.resolve(),
        )


#: What a sign-off approved, item by item: ("message", msgctxt, msgid) for a
#: message, ("setting", None, name) for a pack's setting (parameters, safety).
SignedKey = tuple[str, str | None, str]
#: An item's text: a translation (a list for plural forms), the English
#: source, a setting's value; None for a message that printed in English.
SignedText = str | tuple[str, ...] | None


@dataclass(frozen=True)
class Change:
    """One item that differs from what a sign-off approved."""

    key: SignedKey
    #: What was approved (for "changed" and "removed") and what is there now
    #: (for "changed" and "new").
    old: SignedText
    new: SignedText
    #: "changed"; "new": the sign-off never saw it; "removed": approved, and gone.
    kind: str = "changed"

    @property
    def name(self) -> str:
        kind, context, name = self.key
        if kind == "setting":
            return name
        return f"msgctxt {context!r} msgid {name!r}" if context else f"msgid {name!r}"

    def __str__(self) -> str:
        def shown(text: SignedText) -> str:
            if text is None:
                return "(English: no usable translation)"
            return " | ".join(map(repr, text)) if isinstance(text, tuple) else repr(text)

        if self.kind == "new":
            return f"{self.name}: new since the sign-off, now {shown(self.new)}"
        if self.kind == "removed":
            return f"{self.name}: gone since the sign-off, which approved {shown(self.old)}"
        return f"{self.name}: was {shown(self.old)}, now {shown(self.new)}"


@dataclass(frozen=True)
class SignOff:
    """Who approved a pack's clinical content or a catalogue's translation,
    when, and what has changed since (the file keeps a digest of every item
    it approved). Empty ``by``: not signed off."""

    by: str = ""
    on: date | None = None
    #: When a translation review lapses, if its file says so.
    due: date | None = None
    #: The sign-off file (packs/<id>/signoff.toml, locales/<l>/LC_MESSAGES/review.toml).
    path: Path | None = None
    changes: tuple[Change, ...] = ()
    #: Why the sign-off file cannot be trusted (``file:line: what``), if so: not a sign-off.
    problem: str = ""

    @property
    def signed_off(self) -> bool:
        return bool(self.by) and self.on is not None and not self.problem

    @property
    def current(self) -> bool:
        """Signed off, and nothing changed since."""
        return self.signed_off and not self.changes


@dataclass(frozen=True)
class Code:
    """A clinical code a pack answers (an EHR's Infobutton request names the
    procedure or the product by it): the code system's OID (SNOMED CT
    ``2.16.840.1.113883.6.96``, RxNorm ``2.16.840.1.113883.6.88``), the code
    and its display name."""

    system: str
    code: str
    display: str


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
    #: "brand" (the brand's paper), "card" (half of it: A5 or half-letter),
    #: or a CSS page size such as "A5 landscape".
    page_size: str
    layout: str  # "guide" or "card"
    max_pages: int
    signoff: SignOff
    label_revision: str
    #: Sources that hold in every country (each country's own are in its
    #: jurisdiction file).
    sources: tuple[str, ...]
    parameters: Mapping[str, ParameterValue]
    source_file: Path
    #: How the print shop folds it: "none", or "half" (a booklet: the
    #: print-shop edition's pages are padded to a multiple of 4).
    fold: str = "none"
    #: The section templates, in order, named for the Jinja loader.
    sections: tuple[str, ...] = ()
    #: The jurisdiction statements its templates print (``law.<key>``): each
    #: country's files must give them (jurisdictions.py).
    jurisdiction_statements: tuple[str, ...] = ()
    #: The clinical codes the pack answers (``[[codes]]``).
    codes: tuple[Code, ...] = ()

    @property
    def template_name(self) -> str:
        """The template's name for the Jinja loader (rooted at ``packs/``)."""
        return f"{self.directory.name}/{self.template}"

    @property
    def title_template_name(self) -> str:
        return f"{self.directory.name}/title.html"


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
    #: The clinic's own line for when it is closed ("": the jurisdiction's
    #: out-of-hours route, such as NHS 111).
    out_of_hours_phone: str = ""


@dataclass(frozen=True)
class OutputProfile:
    """The press a print-shop edition is printed on: an ICC output-device
    profile (class ``prtr``, CMYK), which becomes the PDF's output intent and
    into whose CMYK every colour is converted."""

    path: Path
    #: The printing condition, as PDF/X names it: a registered condition's
    #: name ("FOGRA39", with ``registry_name``), or "Custom".
    condition_identifier: str
    #: The condition in words, for the people at the print shop.
    condition: str
    #: Where ``condition_identifier`` is registered ("" for "Custom").
    registry_name: str = ""


@dataclass(frozen=True)
class Brand:
    """One clinic's identity and settings, from ``brands/<id>.toml``."""

    id: str
    name: str
    logo: Logo
    colours: Colours
    contact: Contact
    #: The emergency number ("": the jurisdiction's).
    emergency_number: str
    paper: str  # "A4" or "Letter"
    language: str  # the locale the brand's own text is written in
    parameters: Mapping[str, ParameterValue]
    source_file: Path
    #: The web address a QR code on the leaflet leads to ("" for no QR code),
    #: with {pack} and {locale} filled in per leaflet.
    qr_url: str = ""
    #: The print shop's own press profile (``output_profile``), or None for
    #: the project's default (see ``Project.default_output_profile``).
    output_profile: OutputProfile | None = None
    #: The clinic's country, ISO 3166-1 alpha-2 ("GB", "US"): it selects the
    #: jurisdiction (jurisdictions/<country>.toml) and each language's variety.
    country: str = ""
    #: The clinic hands its leaflets out only after the consultation, so
    #: they may name the products it uses where the jurisdiction allows
    #: that only then (UK: prescription-only medicines are not advertised).
    leaflets_after_consultation: bool = False


#: The message context of a pack's own sources (pack.toml ``sources``, those
#: that hold in every country); a country's are under its jurisdiction_context.
SOURCE_CONTEXT = "source"

#: A title a source quotes in “ ”: a translation keeps it as written, in its
#: own language, and the leaflet tags it as such.
QUOTED_TITLE = re.compile("“([^”]+)”")


def jurisdiction_context(country: str, *, safety: bool = False) -> str:
    """The message context of a country's statements in the catalogues:
    "jurisdiction-GB", and "safety:jurisdiction-GB" for the safety box's."""
    return f"safety:jurisdiction-{country}" if safety else f"jurisdiction-{country}"


@dataclass(frozen=True)
class Jurisdiction:
    """What a country's law and health service say, as project data
    (``jurisdictions/<country>.toml``, and per pack
    ``packs/<pack>/jurisdictions/<country>.toml``): English source text that
    the catalogues translate under the message context ``context`` (and
    ``safety_context`` for the safety box's), never text in code."""

    country: str
    name: str
    emergency_number: str
    #: Numbers shorter than a phone number that can be dialled there (999, 111).
    short_codes: tuple[str, ...]
    #: Whether a leaflet may name prescription-only medicines to anyone
    #: ("public") or only when handed out after the consultation
    #: ("after-consultation").
    product_names: str
    #: The variety of each language printed for this country: {"en": "en_GB"}.
    varieties: Mapping[str, str]
    #: Statement key -> English text (msgctxt ``context``).
    statements: Mapping[str, str]
    #: Safety-box statement key -> English text (msgctxt ``safety_context``).
    safety_statements: Mapping[str, str]
    #: The pack's sources for this country (English, as printed).
    sources: tuple[str, ...]
    #: The files it was read from (the project's, then the pack's).
    source_files: tuple[Path, ...]
    #: E.164 prefixes of the ranges the regulator keeps for fiction (they
    #: never ring): a brand number in one makes its leaflets drafts.
    fictional_numbers: tuple[str, ...] = ()

    @property
    def context(self) -> str:
        return jurisdiction_context(self.country)

    @property
    def safety_context(self) -> str:
        return jurisdiction_context(self.country, safety=True)

    def may_name_products(self, brand: Brand) -> bool:
        return self.product_names == "public" or brand.leaflets_after_consultation


def template_files(folder: Path) -> list[Path]:
    """The templates under ``folder``: its ``*.html`` files that are files.
    Something else so named (a named pipe, a device, a folder) is no template
    a leaflet can use, and reading it would hang or fail every leaflet."""
    return [path for path in folder.rglob("*.html") if path.is_file()]
