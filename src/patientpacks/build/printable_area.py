"""Every glyph of a leaflet inside the area its layout gives text.

Office printers cannot print the last few millimetres of the paper, and a
print shop trims it; the page's margins keep text clear of both. A word that
ends up in a margin can be cut off at the paper's edge, and on a leaflet that
word may be the "not" of an instruction.

The check looks through another lens than the layout that made the PDF: the
glyphs' positions are read back from the PDF's bytes with PDFium, as a
printer gets them. What they are compared with is the layout's intent: each
page's boxes as WeasyPrint laid the page out from the @page rules, recorded by
the renderer (``model.PageBoxes``): the content box inside the margins, and
the margin boxes that have content (the running footer). They follow from the
page's size, its margins and the footer's width, never from where the text
went. Crop marks and the print-shop edition's colour band are drawings, not
glyphs: not looked at.

A pure function of the PDF's bytes and the page boxes; it writes nothing.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..jobs import PageBoxes, Rectangle

_MM_PER_PT = 25.4 / 72

#: How far a glyph's ink may reach past its box into a margin. Fonts draw
#: some ink outside the line's box by design: the hook of a J before the
#: start of the line (0.4 mm in a 15 pt heading), Arabic vowel marks above
#: the first line of a page (0.7 mm at 13 pt). A word the layout put into a
#: margin is out by a letter's width or more (the right-to-left list indent
#: that this check was written for: 6 mm). No tolerance at the paper's edge:
#: ink past it is not printed at all.
TOLERANCE_MM = 1.0

#: Rounding in the PDF's coordinates (a glyph set exactly at the edge).
_ROUNDING_MM = 0.01

#: How much of the paper's edge office printers leave blank: 4.2 mm on most
#: lasers (HP, Brother: 1/6 inch), 3 to 5 mm on inkjets, the bottom edge often
#: more. No glyph may be nearer the edge than this, margin boxes (the running
#: footer) included: a footer that the layout puts 1.3 mm from the edge is
#: inside its box, and still not printed.
PRINTER_MARGIN_MM = 5.0

#: The content box's name in findings (margin boxes go by their at-keyword,
#: e.g. "@bottom-center"): text past it is in a margin.
CONTENT_BOX = "content box"
#: The "box" of a finding that is inside its box but too near the paper's edge.
PAPER_EDGE = "paper edge"


@dataclass(frozen=True)
class TextOutside:
    """A run of text (whole words) with glyphs outside the page's text area."""

    page: int  # 1-based
    text: str
    side: str  # "left", "right", "top" or "bottom"
    distance_mm: float
    #: What it is past: CONTENT_BOX (it is in a margin), or a margin box's at-keyword.
    box: str = CONTENT_BOX
    #: How far it runs off the paper (0: not at all).
    off_paper_mm: float = 0.0
    #: The text's rotation on the page, in whole degrees anticlockwise: 0 for
    #: text set on lines; in a leaflet, only the draft mark is set at an angle.
    angle_degrees: int = 0

    def __str__(self) -> str:
        return f"page {self.page}: {self.detail}"

    @property
    def detail(self) -> str:
        """What is outside and how far, without the page."""
        if self.box == PAPER_EDGE:
            edge = PRINTER_MARGIN_MM - self.distance_mm
            notes = f" (set at {self.angle_degrees}°)" if self.angle_degrees else ""
            return (
                f"{edge:.1f} mm from the {self.side} edge of the paper, where office printers print nothing "
                f"(the outer {PRINTER_MARGIN_MM:g} mm){notes}: «{self.text}»"
            )
        past = (
            f"the {self.side} margin"
            if self.box == CONTENT_BOX
            else f"the {self.side} side of the {self.box} margin box"
        )
        notes = [f"{self.off_paper_mm:.1f} mm off the paper"] * bool(self.off_paper_mm)
        notes += [f"set at {self.angle_degrees}°"] * bool(self.angle_degrees)
        also = f" ({', '.join(notes)})" if notes else ""
        return f"{self.distance_mm:.1f} mm past {past}{also}: «{self.text}»"


def find_text_outside(
    pdf: bytes, page_boxes: Sequence[PageBoxes], tolerance_mm: float = TOLERANCE_MM
) -> list[TextOutside]:
    """Every run of words on every page of ``pdf`` with a glyph outside that
    page's content box and margin boxes (``page_boxes``, one per page) by more
    than ``tolerance_mm``, or off the paper at all; with the side and the
    distance of its glyph furthest out."""
    document = pdfium.PdfDocument(pdf)
    try:
        if len(document) != len(page_boxes):
            raise ValueError(f"the PDF has {len(document)} pages, its layout {len(page_boxes)}")
        findings = []
        for number, boxes in enumerate(page_boxes, start=1):
            page = document[number - 1]
            try:
                findings += _page_findings(number, page, boxes, tolerance_mm)
            finally:
                page.close()
        return findings
    finally:
        document.close()


@dataclass(frozen=True)
class _GlyphOutside:
    word_start: int  # index of the first character of its word
    distance_mm: float
    side: str
    box: str
    off_paper_mm: float
    angle_degrees: int


def _page_findings(
    number: int, page: pdfium.PdfPage, boxes: PageBoxes, tolerance_mm: float
) -> list[TextOutside]:
    # PDF coordinates (points, y up) from the trim box's corner, which is the
    # page box's corner in every edition (a print-shop PDF's media box adds
    # the bleed around it).
    trim_left, trim_bottom, trim_right, trim_top = page.get_trimbox()
    width, height = (trim_right - trim_left) * _MM_PER_PT, (trim_top - trim_bottom) * _MM_PER_PT
    if abs(width - boxes.width) > 0.1 or abs(height - boxes.height) > 0.1:
        raise ValueError(
            f"the PDF's page is {width:.1f} x {height:.1f} mm, its layout {boxes.width:.1f} x {boxes.height:.1f} mm"
        )
    # Most glyphs lie well inside a box: a quick test in the PDF's points
    # first, the content box's inline (the one nearly every glyph is in).
    # The areas end where printers stop printing.
    printable = _printable(boxes)
    (content_left, content_right, content_top, content_bottom), *margin_areas = [
        (
            trim_left + max(box.left - tolerance_mm, printable.left) / _MM_PER_PT,
            trim_left + min(box.right + tolerance_mm, printable.right) / _MM_PER_PT,
            trim_top - max(box.top - tolerance_mm, printable.top) / _MM_PER_PT,
            trim_top - min(box.bottom + tolerance_mm, printable.bottom) / _MM_PER_PT,
        )
        for box in (boxes.content_box, *(box for _, box in boxes.margin_boxes))
    ]
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        # Each character by its index, as it shows in a finding's text: ""
        # for one that draws nothing (a bidi isolate), " " for a word break.
        chars: list[str] = []
        glyphs_outside: list[_GlyphOutside] = []
        word_start = 0
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        for index in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
            # Spaces end a word, and so do the characters PDFium adds between
            # runs of text of its own (spaces and line ends).
            if char.isspace():
                chars.append(" ")
                word_start = index + 1
                continue
            pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top)
            if right.value <= left.value or top.value <= bottom.value:
                chars.append("")  # draws nothing
                continue
            chars.append(char)
            if (
                left.value >= content_left
                and right.value <= content_right
                and top.value <= content_top
                and bottom.value >= content_bottom
            ) or any(
                left.value >= area_left
                and right.value <= area_right
                and top.value <= area_top
                and bottom.value >= area_bottom
                for area_left, area_right, area_top, area_bottom in margin_areas
            ):
                continue
            ink = Rectangle(
                left=(left.value - trim_left) * _MM_PER_PT,
                top=(trim_top - top.value) * _MM_PER_PT,
                right=(right.value - trim_left) * _MM_PER_PT,
                bottom=(trim_top - bottom.value) * _MM_PER_PT,
            )
            outside = _outside(ink, boxes, tolerance_mm)
            if outside:
                radians = pdfium_c.FPDFText_GetCharAngle(raw, index)  # -1 when unknown
                angle = round(math.degrees(radians)) % 360 if radians > 0 else 0
                glyphs_outside.append(_GlyphOutside(word_start, *outside, angle))
    finally:
        textpage.close()
    return _runs(number, chars, glyphs_outside)


def _overshoot(ink: Rectangle, box: Rectangle) -> tuple[float, str]:
    """How far, and on which side, ``ink`` reaches furthest past ``box``."""
    return max(
        (box.left - ink.left, "left"),
        (ink.right - box.right, "right"),
        (box.top - ink.top, "top"),
        (ink.bottom - box.bottom, "bottom"),
    )


def _printable(boxes: PageBoxes) -> Rectangle:
    return Rectangle(
        PRINTER_MARGIN_MM,
        PRINTER_MARGIN_MM,
        boxes.width - PRINTER_MARGIN_MM,
        boxes.height - PRINTER_MARGIN_MM,
    )


def _outside(ink: Rectangle, boxes: PageBoxes, tolerance_mm: float) -> tuple[float, str, str, float] | None:
    """None for a glyph inside the page's text area and clear of the
    printers' margin; else how far and on which side it is past the box it
    is nearest to lying in (PAPER_EDGE: past the printers' margin), that
    box's name, and how far it is off the paper."""
    areas = [(CONTENT_BOX, boxes.content_box), *boxes.margin_boxes]
    distance, side, name = min((*_overshoot(ink, box), name) for name, box in areas)
    off_paper = max(0.0, _overshoot(ink, Rectangle(0.0, 0.0, boxes.width, boxes.height))[0])
    off_paper = off_paper if off_paper > _ROUNDING_MM else 0.0
    if distance > tolerance_mm or off_paper:
        return distance, side, name, off_paper
    into_printer_margin, edge = _overshoot(ink, _printable(boxes))
    if into_printer_margin > _ROUNDING_MM:
        return into_printer_margin, edge, PAPER_EDGE, 0.0
    return None


def _runs(number: int, chars: list[str], glyphs_outside: list[_GlyphOutside]) -> list[TextOutside]:
    """The words of the glyphs outside, as runs: consecutive words out on the
    same side of the same box are one finding, as far out as its worst glyph."""
    words: dict[int, list[_GlyphOutside]] = {}
    for glyph in glyphs_outside:
        words.setdefault(glyph.word_start, []).append(glyph)
    findings: list[TextOutside] = []
    previous_end = 0
    for start, glyphs in words.items():
        end = next((index for index in range(start, len(chars)) if chars[index] == " "), len(chars))
        worst = max(glyphs, key=lambda glyph: (glyph.distance_mm, glyph.off_paper_mm))
        finding = TextOutside(
            page=number,
            text="".join(chars[start:end]),
            side=worst.side,
            distance_mm=worst.distance_mm,
            box=worst.box,
            off_paper_mm=max(glyph.off_paper_mm for glyph in glyphs),
            angle_degrees=worst.angle_degrees,
        )
        last = findings[-1] if findings else None
        if (
            last
            and not "".join(chars[previous_end:start]).strip()  # only word breaks between them
            and (last.side, last.box, last.angle_degrees)
            == (finding.side, finding.box, finding.angle_degrees)
        ):
            findings[-1] = replace(
                last,
                text=f"{last.text} {finding.text}",
                distance_mm=max(last.distance_mm, finding.distance_mm),
                off_paper_mm=max(last.off_paper_mm, finding.off_paper_mm),
            )
        else:
            findings.append(finding)
        previous_end = end
    return findings
