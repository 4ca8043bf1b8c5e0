"""The print-shop edition: a PDF/X-4 file that a press accepts.

WeasyPrint 70 writes PDF/X-4, but a file a press cannot use as it stands:

1. **Colours.** Every CSS and SVG colour is written as DeviceRGB (``rg``),
   black text included, so a RIP separates black text into four inks.
   WeasyPrint draws a ``device-cmyk()`` colour as DeviceCMYK, and a CMYK
   profile given as ``device-cmyk`` with ``output_intent="device-cmyk"``
   becomes the output intent. But a stylesheet that overrode every colour
   with its ``device-cmyk()`` would reach only CSS colours: not those inside
   an SVG logo (nor SVG's default black), the QR code, or the colours
   WeasyPrint derives itself. So, while a print-shop PDF is written,
   :func:`press_colours` converts every sRGB colour WeasyPrint is about to
   draw through the output profile (LittleCMS, via Pillow: greys as black ink
   alone, the rest relative colorimetric) and hands it to WeasyPrint's own
   ``device-cmyk`` path. Two things are not drawn through it: a gradient's
   colour stops, converted in the PDF's objects before they are written; and
   raster images, whose pixels stay as they are, tagged as the sRGB they are
   (ICCBased), which PDF/X-4 allows and a RIP converts with its own settings.
2. **Crop marks.** ``marks: crop`` draws them inside the bleed (the MediaBox
   is the BleedBox), 1.5 mm long, in RGB black, under everything else, so a
   band of colour into the bleed hides them. Here the MediaBox grows around
   the bleed, and the marks are drawn last, outside the BleedBox, in
   registration colour (``/Separation /All``: on every plate).
3. **PDF/UA identification.** WeasyPrint's PDF/X metadata carries only the
   PDF/X identifiers, though a file can conform to both (the structure tree
   is written all the same); ``pdfuaid:part`` is added beside them.

Two WeasyPrint internals are used: ``Stream.set_color``, wrapped for the
length of one ``write_pdf``, and ``ColorProfile``, so that the profile is
embedded byte for byte. The rest goes through WeasyPrint's public
``finisher`` hook (the PDF's objects, before they are written),
``Page.bleed`` and ``DocumentMetadata``. ``pyproject.toml`` pins WeasyPrint,
and tests/test_print_shop.py checks each effect on real builds through other
tools (pypdf, Ghostscript's separations, pdfplumber, the ``page`` PDF/UA
validator): an upgrade that changes them fails the tests.

For upstream (Kozea/WeasyPrint): convert colours (gradients included) to the
output intent's space when it is CMYK, draw ``marks`` outside the bleed on a
larger MediaBox (a PDF/X BleedBox lies inside the MediaBox, and the marks
must not be covered), embed a ``@color-profile`` as given, and let PDF/X and
PDF/UA be declared together.
"""

from __future__ import annotations

import io
from xml.etree import ElementTree

import pydyf
from PIL import ImageCms
from weasyprint.css import ColorProfile
from weasyprint.document import Document
from weasyprint.pdf.metadata import NS, DocumentMetadata
from weasyprint.urls import URLFetcher

from ..errors import RenderError, shown_path
from ..model import OutputProfile
from .pdf_structure import LeafletMetadata
from .press_colours import SRGB_PROFILE, PressColours, press_colours

MM = 72 / 25.4  # PDF points in a millimetre
#: The crop marks start this far outside the bleed, so that none of their
#: ink is inside the BleedBox even if the sheet is cut a little off the line.
MARK_GAP = 2 * MM
MARK_LENGTH = 5 * MM
MARK_WIDTH = 0.25  # pt, a hairline
#: Paper kept beyond the outer ends of the marks, inside the MediaBox.
MARK_MARGIN = 3 * MM

#: Registration colour: a tint of every separation (PDF 1.7, 8.6.6.4).
_REGISTRATION = "registration"


class _PdfUaIdentifiedMetadata(LeafletMetadata):
    """Document metadata whose XMP also says PDF/UA-1 (``pdfuaid:part``),
    beside the PDF/X identifiers WeasyPrint writes for PDF/X-4."""

    def generate_rdf_metadata(self, variant: str, version: int, conformance: str | None) -> bytes:
        rdf = ElementTree.fromstring(super().generate_rdf_metadata(variant, version, conformance))
        # The first description holds the conformance identifiers.
        identification = rdf.find(f"{{{NS['rdf']}}}Description")
        identification.set(f"{{{NS['pdfuaid']}}}part", "1")
        return ElementTree.tostring(rdf, encoding="utf-8")


def _pdf_ua_identified(metadata: DocumentMetadata) -> DocumentMetadata:
    identified = _PdfUaIdentifiedMetadata()  # the leaflet's status (LeafletMetadata) kept
    identified.__dict__.update(vars(metadata))
    return identified


def _resolve(pdf: pydyf.PDF, reference: bytes | str) -> pydyf.Object:
    """The object a reference such as ``b"12 0 R"`` names (pydyf numbers
    objects by their place in ``pdf.objects``)."""
    return pdf.objects[int(reference.split()[0])]


def crop_mark_lines(
    trim: tuple[float, float, float, float], bleed: dict[str, float]
) -> list[tuple[float, float, float, float]]:
    """The eight crop marks around a trim box (x0, y0, x1, y1, in points),
    as lines (x0, y0, x1, y1): two at each corner, on the lines of the
    trim's edges, from ``MARK_GAP`` outside the bleed for ``MARK_LENGTH``."""
    left, bottom, right, top = trim
    near = {side: bleed[side] + MARK_GAP for side in bleed}
    far = {side: near[side] + MARK_LENGTH for side in bleed}
    return [
        # Horizontal marks, along the top and bottom edges' lines.
        (left - far["left"], top, left - near["left"], top),
        (right + near["right"], top, right + far["right"], top),
        (left - far["left"], bottom, left - near["left"], bottom),
        (right + near["right"], bottom, right + far["right"], bottom),
        # Vertical marks, along the left and right edges' lines.
        (left, top + near["top"], left, top + far["top"]),
        (right, top + near["top"], right, top + far["top"]),
        (left, bottom - far["bottom"], left, bottom - near["bottom"]),
        (right, bottom - far["bottom"], right, bottom - near["bottom"]),
    ]


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


class _VerbatimColorProfile(ColorProfile):
    """A CMYK profile that WeasyPrint embeds byte for byte. Its own
    ``ColorProfile`` embeds the profile as LittleCMS writes it back, and
    LittleCMS rewrites every tag it has parsed: once WeasyPrint has read the
    profile's name for the output intent, the next PDF embeds other bytes (a
    longer description tag), so a PDF would depend on what the worker
    rendered before it."""

    def __init__(self, content: bytes, name: str) -> None:
        super().__init__(io.BytesIO(content), name, "relative-colorimetric", ["c", "m", "y", "k"])
        self._content = content

    @property
    def content(self) -> bytes:
        return self._content


class PrintShopOutput:
    """Writes print-shop PDFs for one output profile (a press's CMYK).

    One per profile and process, kept warm like the renderer's fonts: the
    profile is parsed and its colour transforms built once."""

    def __init__(self, profile: OutputProfile, url_fetcher: URLFetcher) -> None:
        self.profile = profile
        # Read through the renderer's fetcher, like every file a leaflet uses.
        content = url_fetcher.fetch(profile.path.resolve().as_uri()).read()
        try:
            self._color_profile = _VerbatimColorProfile(content, profile.path.name)
        except (OSError, ImageCms.PyCMSError) as error:
            raise RenderError(
                f"{shown_path(profile.path)}: cannot read the output profile: {error}"
            ) from None
        self.colours = PressColours(content)

    @property
    def color_profiles(self) -> dict[str, ColorProfile]:
        """For ``HTML.render(color_profiles=...)``, with ``output_intent="device-cmyk"``:
        the profile is the output intent, and DeviceCMYK colours are its CMYK."""
        return {"device-cmyk": self._color_profile}

    def write_pdf(self, document: Document, **options) -> bytes:
        """``document.write_pdf(**options)``, the colours in the press's CMYK,
        with crop marks outside the bleed and PDF/UA-1 declared beside PDF/X-4."""
        document.metadata = _pdf_ua_identified(document.metadata)
        with press_colours(self.colours):
            return document.write_pdf(finisher=self._finish, **options)

    def _finish(self, document: Document, pdf: pydyf.PDF) -> None:
        """WeasyPrint's ``finisher`` hook: called with the PDF's objects, before they are written."""
        self._describe_output_intent(pdf)
        self._tag_rgb_images_as_srgb(pdf)
        self._convert_gradients(pdf)
        registration = self._add_registration_colour(pdf)
        for page, reference in zip(document.pages, pdf.page_references, strict=True):
            self._add_crop_marks(pdf, _resolve(pdf, reference), page.bleed, registration)

    def _describe_output_intent(self, pdf: pydyf.PDF) -> None:
        """Name the printing condition: a registered one (FOGRA39) by its
        registered identifier, a press's own profile as "Custom"."""
        (intent,) = pdf.catalog["OutputIntents"]
        intent["OutputConditionIdentifier"] = pydyf.String(self.profile.condition_identifier)
        intent["OutputCondition"] = pydyf.String(self.profile.condition)
        intent["Info"] = pydyf.String(self.profile.condition)
        if self.profile.registry_name:
            intent["RegistryName"] = pydyf.String(self.profile.registry_name)

    @staticmethod
    def _tag_rgb_images_as_srgb(pdf: pydyf.PDF) -> None:
        """WeasyPrint writes RGB raster images (a PNG logo) as DeviceRGB; their
        pixels are sRGB, so say so (ICCBased), unchanged."""
        images = [
            item
            for item in pdf.objects
            if isinstance(item, pydyf.Stream)
            and item.extra.get("Subtype") == "/Image"
            and item.extra.get("ColorSpace") == "/DeviceRGB"
        ]
        if images:
            srgb = pydyf.Stream([SRGB_PROFILE], pydyf.Dictionary({"N": 3}), compress=True)
            pdf.add_object(srgb)
            for image in images:
                image.extra["ColorSpace"] = pydyf.Array(("/ICCBased", srgb.reference))

    def _convert_gradients(self, pdf: pydyf.PDF) -> None:
        """WeasyPrint writes a gradient's colours (an SVG logo's, say) as sRGB
        values, in the output intent's colour space: three numbers where the
        press's CMYK has four, which a RIP rejects or draws as nothing. Each
        colour stop becomes the press's CMYK (the gradient then runs between
        the stops in CMYK; its alpha, a DeviceGray soft mask, stays)."""
        for item in pdf.objects:
            if (
                isinstance(item, pydyf.Dictionary)
                and "ShadingType" in item
                and item.get("ColorSpace") != "/DeviceGray"
            ):
                self._function_to_cmyk(item["Function"])

    def _function_to_cmyk(self, function: pydyf.Dictionary) -> None:
        if function["FunctionType"] == 3:  # stitching: one function between each two stops
            for part in function["Functions"]:
                self._function_to_cmyk(part)
        elif function["FunctionType"] == 2 and len(function["C0"]) == 3:
            for end in ("C0", "C1"):
                rgb = (round(255 * min(1, max(0, channel))) for channel in function[end])
                function[end] = pydyf.Array(self.colours.cmyk(*rgb))

    @staticmethod
    def _add_registration_colour(pdf: pydyf.PDF) -> str:
        """Add registration colour to the colour spaces every page shares,
        and return its resource name."""
        first_page = _resolve(pdf, pdf.page_references[0])
        colour_spaces = _resolve(pdf, _resolve(pdf, first_page["Resources"])["ColorSpace"])
        all_inks = pydyf.Dictionary(
            {
                "FunctionType": 2,
                "Domain": pydyf.Array((0, 1)),
                "C0": pydyf.Array((0, 0, 0, 0)),
                "C1": pydyf.Array((1, 1, 1, 1)),
                "N": 1,
            }
        )
        colour_spaces[_REGISTRATION] = pydyf.Array(("/Separation", "/All", "/DeviceCMYK", all_inks))
        return _REGISTRATION

    @staticmethod
    def _add_crop_marks(
        pdf: pydyf.PDF, page: pydyf.Dictionary, css_bleed: dict[str, float], registration: str
    ) -> None:
        """Grow the page's MediaBox around its bleed, keep the page's own
        drawing within the BleedBox, and draw the crop marks beyond it."""
        trim = tuple(float(value) for value in page["TrimBox"])
        bleed = {side: 0.75 * width for side, width in css_bleed.items()}  # CSS px -> pt
        left, bottom, right, top = trim
        bleed_box = (
            left - bleed["left"],
            bottom - bleed["bottom"],
            right + bleed["right"],
            top + bleed["top"],
        )
        outside = MARK_GAP + MARK_LENGTH + MARK_MARGIN
        page["BleedBox"] = pydyf.Array(bleed_box)
        page["MediaBox"] = pydyf.Array(
            (bleed_box[0] - outside, bleed_box[1] - outside, bleed_box[2] + outside, bleed_box[3] + outside)
        )
        x, y = (_number(value) for value in bleed_box[:2])
        width, height = (_number(bleed_box[2] - bleed_box[0]), _number(bleed_box[3] - bleed_box[1]))
        content = _resolve(pdf, page["Contents"])
        # The page as WeasyPrint drew it, clipped to its bleed box (where the
        # MediaBox used to clip it): only the marks are drawn beyond.
        content.stream.insert(0, f"q {x} {y} {width} {height} re W n".encode())
        marks = [b"Q", b"/Artifact <</Type /Page>> BDC", b"q", f"/{registration} CS 1 SCN".encode()]
        marks.append(f"{_number(MARK_WIDTH)} w 0 J [] 0 d".encode())
        for mark in crop_mark_lines(trim, bleed):
            start_x, start_y, end_x, end_y = (_number(value) for value in mark)
            marks.append(f"{start_x} {start_y} m {end_x} {end_y} l".encode())
        marks += [b"S", b"Q", b"EMC"]
        content.stream.extend(marks)
