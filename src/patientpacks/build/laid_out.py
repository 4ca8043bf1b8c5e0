"""What each page of a leaflet holds, read from WeasyPrint's layout tree.

The layout checks (layout_checks.py) ask questions about structure: is this
line the end of a heading, are these two parts of one list item, is the
write-in line on its label's line. A PDF answers none of them: its text is
glyphs and positions, its structure tree (when tagged) names no classes and
splits no element by page. The layout tree does: every box knows its
element, its tag, its classes and its computed style, and an element split
by a page break has a box on each page. So the facts are recorded here,
while the laid-out document is at hand, as plain data on each page's
``PageBoxes``; the check of where glyphs landed on the paper
(printable_area.py) reads the PDF, the other lens.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import replace

from weasyprint.formatting_structure.boxes import (
    AtomicInlineLevelBox,
    Box,
    InlineBlockBox,
    LineBox,
    MarginBox,
    ParentBox,
    TextBox,
)

from ..jobs import WRITE_IN, LaidOutBlock

#: Millimetres per CSS pixel (WeasyPrint lays out in CSS pixels, 96 to the inch).
MM_PER_PX = 25.4 / 96

#: The elements recorded whatever their style: headings, paragraphs, list items.
_RECORDED_TAGS = frozenset({"h1", "h2", "h3", "h4", "p", "li"})


def laid_out_blocks(page_box: Box, numbers: dict[int, int]) -> tuple[LaidOutBlock, ...]:
    """The recorded blocks of one laid-out page, in document order.
    ``numbers`` numbers the elements, shared by the pages of one document
    (an element met again on a later page keeps its number)."""
    blocks: list[LaidOutBlock] = []
    for child in page_box.children:
        if not isinstance(child, MarginBox):  # the running footer: in the margin, on every page
            _record(child, numbers, blocks, seen=set())
    return tuple(blocks)


def _record(box: Box, numbers: dict[int, int], blocks: list[LaidOutBlock], seen: set[int]) -> None:
    if box.style["position"] == "fixed":  # the draft mark, the bleed band: on every page
        return
    element = box.element
    if (
        element is not None
        and id(element) not in seen
        and not box.element_tag.endswith("marker")
        and (
            (
                (box.element_tag in _RECORDED_TAGS or box.style["break_inside"] == "avoid")
                and not isinstance(box, (LineBox, AtomicInlineLevelBox, TextBox))
                and box.style["display"][0] != "inline"
            )
            or _holds_write_in(box)
        )
    ):
        recorded = len(blocks)
        seen.add(id(element))  # anonymous boxes share their element's: recorded once
        lines = list(_lines(box))
        top = box.position_y + box.margin_top
        blocks.append(
            LaidOutBlock(
                element=numbers.setdefault(id(element), len(numbers)),
                tag=box.element_tag,
                classes=tuple((element.get("class") or "").split()),
                lines=tuple(_line_text(line) for line, _ in lines),
                top=top * MM_PER_PX,
                bottom=(top + box.border_height()) * MM_PER_PX,
                keep_together=box.style["break_inside"] == "avoid",
                never_alone=element.get("data-never-alone") or "",
                overflow_mm=max((_overflow(*line) for line in lines), default=0.0) * MM_PER_PX,
            )
        )
    else:
        recorded = None
    if isinstance(box, LineBox):
        # A line's inline blocks (a record field: its label and write-in
        # line) have lines of their own.
        for leaf in _leaves(box):
            if isinstance(leaf, InlineBlockBox):
                _record(leaf, numbers, blocks, seen)
    elif isinstance(box, ParentBox):
        for child in box.children:
            _record(child, numbers, blocks, seen)
    if recorded is not None and len(blocks) > recorded + 1:
        blocks[recorded] = replace(blocks[recorded], holds_blocks=True)


def _holds_write_in(box: Box) -> bool:
    """Whether ``box`` is an inline block with a write-in line of its own
    (a record field), laid out in lines of its own like a paragraph."""
    return isinstance(box, InlineBlockBox) and any(WRITE_IN in _line_text(line) for line, _ in _lines(box))


def _lines(box: Box) -> Iterator[tuple[LineBox, Box]]:
    """Every line box inside ``box``, in document order, with the block it
    is a line of."""
    if isinstance(box, ParentBox) and box.style["position"] != "fixed":
        for child in box.children:
            if isinstance(child, LineBox):
                yield child, box
            else:
                yield from _lines(child)


def _leaves(box: Box) -> Iterator[Box]:
    """The text boxes and atomic boxes (images, inline blocks) of a line."""
    for child in box.children:
        if child.element_tag.endswith("marker"):
            continue  # a list's bullet hangs outside its line by design
        if isinstance(child, (TextBox, AtomicInlineLevelBox)):
            yield child
        elif isinstance(child, ParentBox):
            yield from _leaves(child)


def _text(box: Box) -> str:
    if isinstance(box, TextBox):
        return box.text
    return "".join(_text(child) for child in getattr(box, "children", ()))


def _line_text(line: LineBox) -> str:
    """The line's text; an atomic box without text (a write-in line, an
    image) as WRITE_IN."""
    parts = []
    for leaf in _leaves(line):
        text = _text(leaf)
        parts.append(text if visible(text) else WRITE_IN if isinstance(leaf, AtomicInlineLevelBox) else text)
    return "".join(parts)


def visible(text: str) -> str:
    """``text`` without the characters that print nothing (bidi isolates,
    spaces): what a reader sees of it."""
    return "".join(
        character
        for character in text
        if not character.isspace() and unicodedata.category(character) not in ("Cf", "Zs")
    )


def _overflow(line: LineBox, block: Box) -> float:
    """How far the line's text and images reach past its block's content
    box, to either side (0: not at all), in CSS pixels. Not past the line
    box's own: WeasyPrint 70 leaves a right-to-left line's box where it was
    before aligning its text (1 mm off, its glyphs where they belong).
    Generated content (a list's ✓ or ?) hangs into the list's padding by
    design, and an empty text box draws nothing: not counted."""
    left, right = block.content_box_x(), block.content_box_x() + block.width
    overflow = 0.0
    for leaf in _leaves(line):
        if "::" in leaf.element_tag or (isinstance(leaf, TextBox) and not leaf.text):
            continue
        start = leaf.position_x + leaf.margin_left
        end = leaf.position_x + leaf.margin_width() - leaf.margin_right
        overflow = max(overflow, left - start, end - right)
    return overflow
