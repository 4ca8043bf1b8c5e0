"""Four PDF renderers, and how far their pages agree.

The leaflets are written by WeasyPrint and were long checked only with
poppler. Printers and readers use other engines: Ghostscript (CUPS on Linux,
many print-shop RIPs), MuPDF (many viewers and e-readers) and PDFium
(Chrome). Each reads the fonts and colours of a PDF its own way; a page that
any of them draws differently is a page some patient gets wrong.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image, ImageChops, ImageStat

#: Resolution of the comparison. At 120 dpi, a page whose Chinese glyphs are
#: drawn as boxes (.notdef) differs from the real page in 25-90% of its ink,
#: while anti-aliasing and sub-pixel placement, which differ between
#: renderers, move at most 7% of a correct page's ink by more than a pixel
#: (measured over the 80 example PDFs).
DPI = 120
#: Ink darker than this (0 black, 255 white) counts as ink.
INK_THRESHOLD = 128


@dataclass(frozen=True)
class Rendering:
    renderer: str
    pages: list[Image.Image]
    #: Anything the renderer printed about the file (missing glyphs, broken fonts).
    warnings: str


def _run(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    if result.returncode:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[:500]}")
    return result.stderr.strip()


def _images(folder: Path, pattern: str) -> list[Image.Image]:
    images = []
    for path in sorted(folder.glob(pattern)):
        with Image.open(path) as image:
            images.append(image.convert("L"))
    return images


def render_with_poppler(pdf: Path, folder: Path) -> Rendering:
    warnings = _run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf), str(folder / "poppler")])
    return Rendering("poppler", _images(folder, "poppler-*.pgm"), warnings)


def render_with_mupdf(pdf: Path, folder: Path) -> Rendering:
    # RGB, then grey here: MuPDF's own grey output warns that it was built
    # without colour management, which is not about the file.
    warnings = _run(["mutool", "draw", "-q", "-r", str(DPI), "-o", str(folder / "mupdf-%04d.png"), str(pdf)])
    return Rendering("MuPDF", _images(folder, "mupdf-*.png"), warnings)


def render_with_ghostscript(pdf: Path, folder: Path) -> Rendering:
    command = [
        "gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", f"-r{DPI}",
        "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-sOutputFile={folder / 'gs-%04d.png'}", str(pdf),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    if result.returncode:
        raise RuntimeError(f"gs failed ({result.returncode}): {result.stdout.strip()[:500]}")
    # Ghostscript prints its warnings ("**** Error: ...") on standard output.
    return Rendering("Ghostscript", _images(folder, "gs-*.png"), (result.stdout + result.stderr).strip())


#: PDFium is not thread-safe: one document at a time in this process.
_PDFIUM = threading.Lock()


def render_with_pdfium(pdf: Path) -> Rendering:
    with _PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            pages = [page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L") for page in document]
        finally:
            document.close()
    return Rendering("PDFium", pages, "")


def render_everywhere(pdf: Path) -> list[Rendering]:
    """The PDF's pages as drawn by poppler (first), MuPDF, Ghostscript and PDFium."""
    with tempfile.TemporaryDirectory() as folder:
        return [
            render_with_poppler(pdf, Path(folder)),
            render_with_mupdf(pdf, Path(folder)),
            render_with_ghostscript(pdf, Path(folder)),
            render_with_pdfium(pdf),
        ]


#: 255 for ink, 0 for paper.
_INK_TABLE = [255 if value < INK_THRESHOLD else 0 for value in range(256)]


def _ink(image: Image.Image) -> Image.Image:
    return image.point(_INK_TABLE)


def _grown(ink: Image.Image) -> Image.Image:
    """Ink grown by one pixel in every direction (eight neighbours): two
    passes of shifted copies, much faster than a 3x3 rank filter."""
    across = ImageChops.lighter(
        ink, ImageChops.lighter(ImageChops.offset(ink, 1, 0), ImageChops.offset(ink, -1, 0))
    )
    return ImageChops.lighter(
        across, ImageChops.lighter(ImageChops.offset(across, 0, 1), ImageChops.offset(across, 0, -1))
    )


def _pixels(image: Image.Image) -> float:
    return ImageStat.Stat(image).sum[0] / 255


def _darkness(page: Image.Image) -> float:
    """A grey page's ink: 1 for each black pixel, a fraction for grey ones."""
    return page.width * page.height - _pixels(page)


@dataclass(frozen=True)
class PageComparison:
    renderer: str
    page: int
    #: This renderer's ink (in shades of grey) over the reference renderer's.
    ink_ratio: float
    #: Ink of either page more than a pixel away from any ink of the other,
    #: as a share of the reference page's ink: a glyph drawn as another
    #: glyph, as a box or not at all.
    mismatch: float


class _Reference:
    """A reference page's ink, prepared once for every comparison with it."""

    def __init__(self, page: Image.Image) -> None:
        self.size = page.size
        self.darkness = max(_darkness(page), 1.0)
        self.ink = _ink(page)
        self.grown = _grown(self.ink)
        self.pixels = max(_pixels(self.ink), 1.0)

    def compare(self, other: Image.Image, renderer: str, page: int) -> PageComparison:
        # Renderers round the page size differently (by a pixel, at most);
        # all of them put the page's top left corner at pixel (0, 0).
        other_ink = Image.new("L", self.size, 0)
        other_ink.paste(_ink(other), (0, 0))
        only_other = ImageChops.subtract(other_ink, self.grown)
        only_reference = ImageChops.subtract(self.ink, _grown(other_ink))
        return PageComparison(
            renderer=renderer,
            page=page,
            ink_ratio=_darkness(other) / self.darkness,
            mismatch=(_pixels(only_other) + _pixels(only_reference)) / self.pixels,
        )


def compare_renderings(renderings: list[Rendering]) -> list[PageComparison]:
    """Every page of every renderer compared with the first renderer's."""
    reference, *others = renderings
    for other in others:
        if len(other.pages) != len(reference.pages):
            raise AssertionError(
                f"{other.renderer} drew {len(other.pages)} pages, {reference.renderer} {len(reference.pages)}"
            )
    comparisons = []
    for number, reference_page in enumerate(reference.pages, 1):
        prepared = _Reference(reference_page)
        comparisons += [prepared.compare(other.pages[number - 1], other.renderer, number) for other in others]
    return comparisons
