"""Pagination a patient stumbles on, found in a leaflet's laid-out pages.

Each check reads the blocks recorded from the layout tree (laid_out.py, on
each page's ``PageBoxes``) and names the page and the text:

- a heading last on a page, its text on the next;
- a page less than a quarter full when it is not the only page (a booklet's
  blank padding pages, which hold nothing, are blank on purpose);
- a list item, a short paragraph or a block the stylesheet keeps whole
  split over two pages (not one taller than a page, which cannot be whole);
- a write-in line on a line of its own, below its label;
- text that must never be alone on a line (the emergency number) alone;
- a line's text reaching past the line's box (the glyphs against the
  page's margins are printable_area.py's, read from the PDF).

Pure functions of the page boxes: they write nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..jobs import WRITE_IN, LaidOutBlock, PageBoxes
from .laid_out import visible

#: Headings, which belong with what follows them.
HEADINGS = frozenset({"h1", "h2", "h3", "h4"})
#: A paragraph of at most this many lines is read as one piece: split, its
#: end is on the next page. With ``orphans`` and ``widows`` at 2, a 4-line
#: paragraph could split 2 + 2; 3 keeps up to 5 lines whole.
SHORT_BLOCK_LINES = 5
#: A page filled less than this (its content's height over its content
#: box's) looks like the leaflet ended early.
LEAST_FILL = 0.25
#: A line's text further than this past its box is outside it (the ink of
#: an italic letter may reach a little past it by design).
OVERFLOW_TOLERANCE_MM = 0.5

#: A block this near its page's top started the page.
_AT_THE_TOP_MM = 1.0

HEADING_LAST = "heading last on its page"
PAGE_ALMOST_EMPTY = "page almost empty"
SPLIT = "split over two pages"
WRITE_IN_ALONE = "write-in line below its label"
ALONE_ON_A_LINE = "alone on a line"
OUTSIDE_ITS_BOX = "text outside its box"

#: What to do about each kind of finding, for the message.
ADVICE = {
    HEADING_LAST: "keep it with what follows (break-after: avoid, templates/leaflet.css) or shorten the page",
    PAGE_ALMOST_EMPTY: "shorten the text before it, or let a longer block run onto this page",
    SPLIT: "keep it whole (break-inside: avoid, orphans and widows) or shorten the text before it",
    WRITE_IN_ALONE: "shorten the label or narrow the write-in line (.write-in, templates/leaflet.css)",
    ALONE_ON_A_LINE: "keep it with the next word (a no-break space, templates/typography.toml) or shorten the line",
    OUTSIDE_ITS_BOX: "let the long word break (overflow-wrap) or shorten it",
}


@dataclass(frozen=True)
class LayoutFinding:
    page: int  # 1-based
    kind: str  # one of the constants above
    text: str
    detail: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.kind}: {self.detail}: «{self.text}» — {ADVICE[self.kind]}"


def _shown(block: LaidOutBlock, limit: int = 70) -> str:
    text = " ".join(" ".join(block.lines).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def find_layout_problems(pages: Sequence[PageBoxes]) -> list[LayoutFinding]:
    """Every finding of every check, page by page."""
    findings = [
        *_headings_last(pages),
        *_pages_almost_empty(pages),
        *_splits(pages),
        *_lines_alone(pages),
        *_outside(pages),
    ]
    return sorted(findings, key=lambda finding: finding.page)


def _with_text(blocks: Sequence[LaidOutBlock]) -> list[LaidOutBlock]:
    return [block for block in blocks if any(map(visible, block.lines))]


def _headings_last(pages: Sequence[PageBoxes]) -> list[LayoutFinding]:
    findings = []
    for number, page in enumerate(pages[:-1], start=1):
        # The last block in document order is the innermost last one (a
        # list item's paragraph comes after the item itself).
        blocks = _with_text(page.blocks)
        if blocks and blocks[-1].tag in HEADINGS:
            findings.append(
                LayoutFinding(
                    number, HEADING_LAST, _shown(blocks[-1]), "what it heads starts on the next page"
                )
            )
    return findings


def _pages_almost_empty(pages: Sequence[PageBoxes]) -> list[LayoutFinding]:
    if len(pages) < 2:
        return []
    findings = []
    for number, page in enumerate(pages, start=1):
        blocks = _with_text(page.blocks)
        if not blocks:
            continue  # a booklet's padding page: blank on purpose
        box = page.content_box
        fill = (max(block.bottom for block in blocks) - box.top) / (box.bottom - box.top)
        if fill < LEAST_FILL:
            findings.append(
                LayoutFinding(
                    number,
                    PAGE_ALMOST_EMPTY,
                    _shown(blocks[0]),
                    f"{fill:.0%} full (less than {LEAST_FILL:.0%}), the only text on it starting",
                )
            )
    return findings


def _splits(pages: Sequence[PageBoxes]) -> list[LayoutFinding]:
    parts: dict[int, list[tuple[int, LaidOutBlock]]] = {}
    for number, page in enumerate(pages, start=1):
        for block in _with_text(page.blocks):
            parts.setdefault(block.element, []).append((number, block))
    findings = []
    for split in parts.values():
        if len(split) < 2:
            continue
        (first_page, first), *_ = split
        lines = sum(len(block.lines) for _, block in split)
        # A list item that holds headings and paragraphs (a numbered step)
        # is a section: it may break between them, its paragraphs checked.
        item = first.tag == "li" and not first.holds_blocks
        # A block kept whole that starts its page and still runs over is
        # taller than a page (the large-print safety box): it cannot be whole.
        taller_than_a_page = first.top <= pages[first_page - 1].content_box.top + _AT_THE_TOP_MM
        kept_whole = first.keep_together and not taller_than_a_page
        if item or kept_whole or (first.tag == "p" and lines <= SHORT_BLOCK_LINES):
            what = (
                "a list item"
                if item
                else "a block kept whole"
                if kept_whole
                else f"a paragraph of {lines} lines"
            )
            findings.append(
                LayoutFinding(
                    first_page,
                    SPLIT,
                    _shown(first),
                    f"{what}, continued on page {split[-1][0]}",
                )
            )
    return findings


def _lines_alone(pages: Sequence[PageBoxes]) -> list[LayoutFinding]:
    findings = []
    for number, page in enumerate(pages, start=1):
        for block in page.blocks:
            shown = [visible(line) for line in block.lines]
            # A paragraph or a record field (an inline block) whose write-in
            # line dropped below its label.
            if block.tag in ("p", "span") and len(shown) > 1 and WRITE_IN in shown:
                findings.append(
                    LayoutFinding(
                        number,
                        WRITE_IN_ALONE,
                        _shown(block),
                        "its write-in line is on a line of its own, not beside the label",
                    )
                )
            if block.never_alone and len(shown) > 1 and visible(block.never_alone) in shown:
                findings.append(
                    LayoutFinding(
                        number,
                        ALONE_ON_A_LINE,
                        _shown(block),
                        f"«{block.never_alone.strip()}» is on a line by itself",
                    )
                )
    return findings


def _outside(pages: Sequence[PageBoxes]) -> list[LayoutFinding]:
    return [
        LayoutFinding(
            number, OUTSIDE_ITS_BOX, _shown(block), f"a line reaches {block.overflow_mm:.1f} mm past its box"
        )
        for number, page in enumerate(pages, start=1)
        for block in page.blocks
        if block.overflow_mm > OVERFLOW_TOLERANCE_MM
        # A block inside another that overflows reports it once, innermost.
        and not any(
            inner.overflow_mm == block.overflow_mm and inner.element != block.element
            for inner in page.blocks[page.blocks.index(block) + 1 :]
            if set(inner.lines) <= set(block.lines)
        )
    ]
