"""What the build makes of a project's inputs: editions, jobs (one leaflet to
build), the leaflets built and the failures; frozen records that flow from
one stage to the next."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from .errors import UsageError
from .model import Brand, Jurisdiction, Pack, ParameterValue

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Edition:
    """One form of a leaflet, built as its own file beside the standard one.

    - ``standard``: for office printers and screens, tagged PDF/UA-1;
    - ``large-print``: body text 16 pt or more, one column, tagged PDF/UA-1;
    - ``print-shop``: PDF/X-4 in the press's CMYK, with 3 mm bleed and crop
      marks outside it, for a print shop; tagged and declared PDF/UA-1 too;
    - ``bilingual``: each section in the leaflet's language, then in
      ``second_locale``, tagged PDF/UA-1.
    """

    name: str
    second_locale: str | None = None

    @property
    def id(self) -> str:
        return f"{self.name}-{self.second_locale}" if self.second_locale else self.name

    @property
    def file_suffix(self) -> str:
        return "" if self.name == "standard" else f".{self.id}"

    @property
    def pdf_variant(self) -> str:
        return "pdf/x-4" if self.name == "print-shop" else "pdf/ua-1"

    @property
    def output_intent(self) -> str | None:
        """PDF/X needs the colour space the PDF was made for: for the print
        shop, the press's CMYK ("device-cmyk", WeasyPrint's name for the
        CMYK profile it is given; see pdf_print_shop.py)."""
        return "device-cmyk" if self.name == "print-shop" else None


STANDARD_EDITION = Edition("standard")
LARGE_PRINT_EDITION = Edition("large-print")
PRINT_SHOP_EDITION = Edition("print-shop")


@dataclass(frozen=True)
class Job:
    """One leaflet to build: pack × locale × brand × edition."""

    pack: Pack
    brand: Brand
    locale: str
    catalogue_path: Path | None  # None for the source locale
    inputs_sha256: str
    edition: Edition = STANDARD_EDITION
    #: The second language's catalogue, for a bilingual edition (None: source locale).
    second_catalogue_path: Path | None = None
    #: The pack, brand and catalogue files, as (role, file relative to the
    #: project, SHA-256) as the planner hashed them for ``inputs_sha256``:
    #: the manifest records them without reading the files again.
    source_files: tuple[tuple[str, str, str], ...] = ()
    #: The law, health service and language varieties of the brand's country
    #: for this pack (None only for a job rendered from given HTML).
    jurisdiction: Jurisdiction | None = None
    #: The locale the leaflet's text, dates and numbers are in: the brand's
    #: country's variety of ``locale`` ("en" for a UK clinic: "en_GB").
    variety: str = ""
    #: The variety's own catalogue, holding only the messages where it
    #: differs (es_US over es, en_GB over the English source); None: none.
    override_path: Path | None = None
    #: The same for a bilingual edition's second language.
    second_variety: str = ""
    second_override_path: Path | None = None

    @property
    def text_locale(self) -> str:
        return self.variety or self.locale

    @property
    def second_text_locale(self) -> str | None:
        return self.second_variety or self.edition.second_locale

    @property
    def catalogue_chain(self) -> tuple[str, ...]:
        """Where the leaflet's messages come from, first to last: the
        variety's override, then its language's catalogue (or the source
        text); never another language."""
        chain = [path for path in (self.override_path, self.catalogue_path) if path is not None]
        names = [path.parent.parent.name for path in chain]
        return (*names, "en (source)") if self.catalogue_path is None else tuple(names)

    @property
    def label(self) -> str:
        return f"{self.brand.id}/{self.locale}/{self.pack.id}{self.edition.file_suffix}"

    @property
    def relative_pdf_path(self) -> str:
        return f"{self.label}.pdf"

    @property
    def qr_url(self) -> str:
        return self.brand.qr_url.replace("{pack}", self.pack.id).replace("{locale}", self.locale)

    @property
    def is_booklet(self) -> bool:
        """A print-shop edition of a pack folded in half: a booklet, so its
        page count is padded with blank pages to a multiple of 4."""
        return self.edition.name == "print-shop" and self.pack.fold == "half"

    @property
    def max_pages(self) -> int:
        """The page budget: a large-print or bilingual edition holds the same
        text in about twice the pages of the standard one; a folded booklet
        rounds up to a multiple of 4."""
        pages = self.pack.max_pages * (2 if self.edition.name in ("large-print", "bilingual") else 1)
        return pages + -pages % 4 if self.is_booklet else pages

    @property
    def edition_code(self) -> str:
        """A short code printed in the small print and mapped to the inputs
        in the manifest: the first 40 bits of the inputs' hash, in Crockford
        base 32 (no I, L, O or U to misread), e.g. ``7KQ2-M9XD``."""
        value = int(self.inputs_sha256[:10], 16)
        digits = "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(35, -1, -5))
        return f"{digits[:4]}-{digits[4:]}"

    @property
    def parameters(self) -> Mapping[str, ParameterValue]:
        """The pack's defaults with the brand's overrides for the keys the pack uses."""
        merged = dict(self.pack.parameters)
        merged.update((key, value) for key, value in self.brand.parameters.items() if key in merged)
        return merged

    @property
    def clinic_hours(self) -> tuple[str, bool]:
        return self.clinic_hours_in(self.text_locale)

    def clinic_hours_in(self, locale: str) -> tuple[str, bool]:
        """The opening hours in ``locale`` (or its base language), else in
        the brand's language; and whether they are in ``locale``'s."""
        hours = self.brand.contact.hours
        for candidate in (locale, locale.split("_")[0]):
            if candidate in hours:
                return hours[candidate], True
        return hours[self.brand.language], False

    @property
    def emergency_number(self) -> str:
        return self.brand.emergency_number or (
            self.jurisdiction.emergency_number if self.jurisdiction else ""
        )

    @property
    def page_size(self) -> str:
        if self.pack.page_size == "brand" or self.edition.name == "large-print":
            # Large print is always on the clinic's full-size paper: 16 pt
            # text on a small card would leave a few words a line.
            return self.brand.paper
        if self.pack.page_size == "card":
            # A card is half the clinic's paper: A5 from A4, half-letter
            # (5.5 x 8.5 in) from Letter, which fits the clinic's trays and
            # envelopes and is the size US print shops cut.
            return HALF_SHEETS[self.brand.paper]
        return self.pack.page_size


#: The card size cut from each paper size: half the sheet, portrait.
HALF_SHEETS = {"A4": "A5", "Letter": "5.5in 8.5in"}


@dataclass(frozen=True)
class Rectangle:
    """A rectangle on a page, in millimetres from the top-left corner of the
    page box (the trimmed paper: a print-shop edition's bleed lies outside)."""

    left: float
    top: float
    right: float
    bottom: float


#: How a laid-out line shows an empty atomic box on it (a write-in line).
WRITE_IN = "\ufffc"


@dataclass(frozen=True)
class LaidOutBlock:
    """One element's part on one page, as WeasyPrint laid it out: a heading,
    a paragraph, a list item, or a block the stylesheet keeps whole
    (``break-inside: avoid``). An element split over two pages has a part on
    each, with the same ``element`` number. Millimetres from the page's top."""

    element: int  # the element's number in the leaflet, the same on every page
    tag: str
    classes: tuple[str, ...]
    #: Its text, line by line (an empty inline box, a write-in line, as WRITE_IN).
    lines: tuple[str, ...]
    top: float
    bottom: float
    keep_together: bool = False
    #: Whether it holds other recorded blocks (a numbered step: its heading
    #: and paragraphs), read as a section rather than one piece.
    holds_blocks: bool = False
    #: Text that must never stand alone on a line (the data-never-alone attribute).
    never_alone: str = ""
    #: How far its furthest line's text reaches past the line's box, sideways.
    overflow_mm: float = 0.0


@dataclass(frozen=True)
class PageBoxes:
    """Where a page's layout means text to go, as WeasyPrint laid the page
    out from the @page rules: the page's size, its content box (inside the
    margins) and the margin boxes that have content (the running footer's
    ``@bottom-center``), by at-keyword. In millimetres (see Rectangle)."""

    width: float
    height: float
    content_box: Rectangle
    margin_boxes: tuple[tuple[str, Rectangle], ...] = ()
    #: What the page holds, as laid out: its headings, paragraphs, list items
    #: and the blocks kept whole, in document order (layout_checks.py).
    blocks: tuple[LaidOutBlock, ...] = ()


@dataclass(frozen=True)
class TreatmentRecord:
    """What a clinician fills in for one patient, printed in the leaflet's
    treatment record as plain text (never markup), each value isolated from
    the text around it (bidi). Patient data: it is rendered in memory and
    kept nowhere, not in the manifest, not on disk. A value left blank
    prints as the blank write-in line (or, for the lines a blank leaflet
    does not have, not at all)."""

    date_of_treatment: date | None = None
    areas_treated: str = ""
    review_appointment: date | None = None
    product: str = ""
    batch_number: str = ""
    #: Units given, a number (printed in the locale's digits).
    units: Decimal | None = None
    injector: str = ""
    prescriber: str = ""

    #: Longest text a write-in line holds.
    MAX_TEXT: ClassVar[int] = 120
    #: The most units a record may say (the largest vials hold 500).
    MAX_UNITS: ClassVar[Decimal] = Decimal(1000)
    #: The text fields and how the user knows them (for messages).
    TEXT_FIELDS: ClassVar[dict[str, str]] = {
        "areas_treated": "areas treated",
        "product": "product",
        "batch_number": "batch number",
        "injector": "injector",
        "prescriber": "prescriber",
    }

    def __post_init__(self) -> None:
        for name, label in self.TEXT_FIELDS.items():
            text = getattr(self, name)
            if len(text) > self.MAX_TEXT:
                raise UsageError(f"{label}: at most {self.MAX_TEXT} characters, not {len(text)}")
            if any(unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp") for character in text):
                raise UsageError(f"{label}: plain text only (no control, bidi or invisible characters)")
        if self.units is not None and not (
            self.units.is_finite() and 0 < self.units <= self.MAX_UNITS and self.units == round(self.units, 2)
        ):
            raise UsageError(f"units: a number more than 0 and at most {self.MAX_UNITS}, not {self.units}")

    @property
    def has_details(self) -> bool:
        """Whether any value beyond the three lines a blank leaflet has is filled in."""
        return bool(self.product or self.batch_number or self.units or self.injector or self.prescriber)


@dataclass(frozen=True)
class Leaflet:
    """A rendered leaflet, ready to be written."""

    job: Job
    pdf: bytes
    pages: int
    #: Its HTML, with the stylesheets and fonts it was laid out with linked
    #: (render_pdf.LeafletRenderer.standalone_html): written beside the PDF.
    html: str
    reasons: tuple[str, ...] = field(default=())
    #: Each page's boxes as laid out (for printable_area.py, which checks
    #: the PDF's glyphs against them).
    page_boxes: tuple[PageBoxes, ...] = field(default=())

    @property
    def status(self) -> str:
        return "draft" if self.reasons else "publishable"


@dataclass(frozen=True)
class Failure:
    """A leaflet that could not be built, and why."""

    job_label: str
    error: str
