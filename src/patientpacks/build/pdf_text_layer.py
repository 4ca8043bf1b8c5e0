"""A text layer that reads as the page does: for copying, search and screen readers.

WeasyPrint 70 draws every line right, but its text layer loses text three ways:

1. **Glyphs that are not one character each** (Devanagari). WeasyPrint maps
   each glyph to the text of the first cluster it is drawn in, cut at the next
   glyph's cluster. In a cluster of several glyphs (कि is drawn as the i-matra,
   then क) every glyph but the last gets an empty string, and the glyph then
   keeps that in every later word: र and the i-matra read as nothing ("कम कने"
   for "कम करने") and the ToUnicode CMap has empty entries, which PDF/UA
   validators reject as malformed. Even with exact glyph maps, glyph order
   is not reading order (the i-matra is drawn before the consonant it
   follows).
2. **Right-to-left text** (Arabic, Persian) is written in visual order, left
   to right, with nothing saying so: text read in structure order, as a screen
   reader does, comes out backwards. Readers that rebuild the logical order
   from the glyphs' positions (PDFium, poppler) guess, and turn the clinic's
   "020 7946 0321" into "0321 7946 020"; no file can stop them guessing (see
   below), but it can give the text to readers that follow the tags.
3. **The space where a line wraps** is dropped with the trailing white space
   of the line, so "lines" at the end of a line and "made" at the start of the
   next read as "linesmade".

The fix, for every line of text drawn (each WeasyPrint text box, which the
structure tree tags as one ``Span``):

- each glyph gets an exact, never empty ToUnicode entry the first time it is
  drawn in the document: a glyph the font's cmap gives for a character maps
  to that character; the other glyphs of its cluster (conjuncts, half forms,
  reph, vowel-sign variants) share the characters left, attributed with
  HarfBuzz's character-level clusters (see :func:`glyph_texts`);
- a line whose glyphs, in drawing order, do not spell its text in reading
  order (reordered glyphs, a right-to-left run, the space dropped at a
  wrap), or that places marks by glyph offsets (Devanagari vowel signs, at
  which readers that rebuild words from glyph positions split the word),
  gets ActualText: the line's text in logical order (with Persian
  zero-width non-joiners and the bidi isolates around phone numbers), plus
  the space of the wrap. Lines whose glyphs already spell their text, most
  left-to-right lines, are written exactly as before.

Where the ActualText goes depends on the direction. A left-to-right line's
goes in the content, ``/Span <</ActualText (…)>> BDC … EMC`` around the
operators WeasyPrint wrote (inside the tagged ``Span``): every reader that
honours ActualText takes it (PDFium, poppler, screen readers). A line with
right-to-left runs gets its ActualText on its ``Span`` structure element
instead: screen readers following the tags take it there, while PDFium and
poppler, which would reverse logical-order ActualText found in the content
(they reorder the right-to-left text they copy as if it were in visual
order), keep reading the glyphs as they always have. ActualText covers a
whole text box, not a cluster or a run: only the box's text in logical order
gives a right-to-left line with a left-to-right number in it its reading
order. Nothing is drawn differently.

No option covers this: WeasyPrint's text drawing (``draw_first_line``) maps
glyphs and writes the text operators in one function and writes no
ActualText, and its line breaking keeps no record of the white space it
drops. So this module wraps three WeasyPrint internals, as pdf_structure.py
does two: ``weasyprint.draw.text.draw_first_line`` (after it has drawn a
line, the glyph maps are settled and the ActualText put around what it
wrote), ``weasyprint.layout.inline.get_next_linebox`` (notes the text box
that ends a line wrapped at a space) and ``weasyprint.pdf.add_tags`` (puts
right-to-left lines' ActualText on their structure elements). ``pyproject.toml``
pins WeasyPrint, and tests/test_text_layer.py reads the built PDFs with
independent readers, so an upgrade that changes these internals fails the
tests instead of silently losing the text layer.

For upstream (Kozea/WeasyPrint): issue #2841 (open) reports the empty
ToUnicode entries, for an Arabic font that draws a letter in two glyphs;
commit c9f2626, in 70.0, only stopped writing empty ``[] TJ`` operators.
The main branch (newest snapshot seen: 62c06ca, 2026-08-08) still maps each
glyph to the slice of text between its cluster and the next glyph's, and
pull request #2869 (one glyph id per glyph-and-text pair) was closed
unmerged. No WeasyPrint version writes ActualText or keeps the space of a
wrap. Upstream, the fix belongs in ``draw_first_line`` (map glyphs as
:func:`glyph_texts` does; open an ActualText span when the glyphs do not
spell the text) and in ``split_first_line`` (record the dropped space).
"""

from __future__ import annotations

import unicodedata

import pydyf
import weasyprint.pdf as weasyprint_pdf
from weasyprint.draw import text as weasyprint_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline as weasyprint_inline
from weasyprint.text.ffi import ffi

from .glyph_text import font_glyph_map, settle_run

_draw_first_line = weasyprint_text.draw_first_line
_get_next_linebox = weasyprint_inline.get_next_linebox
_add_tags = weasyprint_pdf.add_tags

#: The key of a right-to-left line's ActualText in WeasyPrint's record of the
#: line's marked content (``stream._tags[box]``), until its structure element
#: exists.
_ACTUAL_TEXT = "patientpacks_actual_text"

#: Set on a text box that ends a line wrapped at a (collapsed) space. An
#: attribute, so that it follows the box through WeasyPrint's copies.
_WRAPS_AT_SPACE = "_patientpacks_wraps_at_space"

#: PangoGlyphInfo's size, and its number of 32-bit fields.
_GLYPH_INFO_SIZE = ffi.sizeof("PangoGlyphInfo")
_GLYPH_INFO_FIELDS = _GLYPH_INFO_SIZE // 4

#: white-space values whose spaces collapse: the space at a wrap is dropped.
_COLLAPSING_WHITE_SPACE = ("normal", "nowrap", "pre-line")


def write_logical_text_layer() -> None:
    """Make every PDF this process writes carry exact glyph maps, ActualText
    in reading order where the glyphs do not spell it, and wrap spaces."""
    weasyprint_text.draw_first_line = _draw_first_line_with_actual_text
    weasyprint_inline.get_next_linebox = _get_next_linebox_noting_wraps
    weasyprint_pdf.add_tags = _add_tags_with_actual_text


# --- The line's text and its ActualText -----------------------------------


def _visible(text: str) -> str:
    """``text`` without format characters (zero-width non-joiners, bidi
    isolates): they draw no glyph, so no glyph map can spell them."""
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


def _draw_first_line_with_actual_text(stream, textbox, text_overflow, block_ellipsis, matrix):
    start = len(stream.stream)
    emojis = _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    if len(stream.stream) == start:
        return emojis  # nothing drawn: an empty or invisible line
    line_text = _settle_line(stream, textbox)
    if line_text is None:
        return emojis
    text, right_to_left = line_text
    tag = stream._tags.get(textbox) if stream._tags is not None else None
    if right_to_left and tag is not None and not _in_link(textbox):
        # On the line's own structure element (see _add_tags_with_actual_text).
        tag[_ACTUAL_TEXT] = text
    elif not right_to_left or tag is not None:
        # Around the operators draw_first_line wrote, inside the text object.
        stream.stream[start:start] = [b"/Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}), b"BDC"]
        stream.stream.append(b"EMC")
    # A right-to-left line outside the structure tree (an artifact) is left
    # to readers' own reordering, like any right-to-left text they copy.
    return emojis


def _settle_line(stream, textbox) -> tuple[str, bool] | None:
    """Settle the glyph maps of the line just drawn. If its glyphs, in
    drawing order, do not spell its text, return the text in reading order
    (with the wrap's space) and whether the line has right-to-left runs."""
    layout = textbox.pango_layout
    line, _ = layout.get_first_line()
    utf8_text = layout.text.encode()
    language = textbox.style["lang"]
    runs = []
    line_fonts = {}
    right_to_left = positioned = False
    run = line.runs[0] if line.runs != ffi.NULL else None
    while run is not None and run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        count = glyph_string.num_glyphs
        if not count:
            continue
        item = glyph_item.item
        run_right_to_left = bool(item.analysis.level % 2)
        right_to_left |= run_right_to_left
        pango_font = item.analysis.font
        if pango_font not in line_fonts:  # the line's Pango fonts stay alive while it is drawn
            line_fonts[pango_font] = stream.add_font(pango_font)[0]
        font = line_fonts[pango_font]
        # PangoGlyphInfo is (glyph, width, x_offset, y_offset, attributes),
        # five 32-bit fields: read the columns at once, not glyph by glyph.
        fields = memoryview(ffi.buffer(glyph_string.glyphs, count * _GLYPH_INFO_SIZE)).cast("i")
        glyphs = fields[0::_GLYPH_INFO_FIELDS].tolist()
        positioned = positioned or any(fields[2::_GLYPH_INFO_FIELDS]) or any(fields[3::_GLYPH_INFO_FIELDS])
        glyph_map = font_glyph_map(font)
        if not glyph_map.spelling.keys() >= set(glyphs):  # glyphs drawn for the first time
            run_text = utf8_text[item.offset : item.offset + item.length]
            clusters = ffi.unpack(glyph_string.log_clusters, count)
            settle_run(glyph_map, run_text, glyphs, clusters, run_right_to_left, language)
        runs.append((glyph_map.spelling, glyphs))
    text = utf8_text[line.start_index : line.start_index + line.length].decode()
    if getattr(textbox, _WRAPS_AT_SPACE, False) and not text[-1:].isspace():
        return text + " ", right_to_left
    if positioned and not right_to_left:
        # Marks placed by offsets (Devanagari vowel signs): readers that
        # rebuild words from glyph positions split the word there.
        return text, right_to_left
    # What the glyphs spell in drawing order, through their ToUnicode entries.
    spelled_text = "".join([spelling[glyph] for spelling, glyphs in runs for glyph in glyphs])
    if spelled_text == text or (len(spelled_text) < len(text) and spelled_text == _visible(text)):
        return None
    return text, right_to_left


def _in_link(textbox) -> bool:
    """Whether WeasyPrint tags this text box's content straight into a Link
    structure element (with the link's other text), not a Span of its own."""
    return (textbox.element_tag or "").split(":")[0] == "a"


def _add_tags_with_actual_text(pdf, document, pdf_version, page_streams):
    """WeasyPrint's structure tree, plus the ActualText of right-to-left
    lines on the Span structure element of each (their marked content is
    the Span's only content)."""
    actual_texts = [
        {entry["mcid"]: entry[_ACTUAL_TEXT] for entry in stream._tags.values() if _ACTUAL_TEXT in entry}
        for stream in page_streams
    ]
    _add_tags(pdf, document, pdf_version, page_streams)
    if not any(actual_texts):
        return
    structure_root = _pdf_object(pdf, pdf.catalog["StructTreeRoot"])
    # The parent tree lists, after each page number, the structure elements
    # of the page's marked content: [0, [...], 1, [...], ...].
    parent_tree = _pdf_object(pdf, structure_root["ParentTree"])["Nums"]
    for page_number, texts in enumerate(actual_texts):
        if not texts:
            continue
        elements = [_pdf_object(pdf, reference) for reference in parent_tree[2 * page_number + 1]]
        # A line's own Span holds its marked content and nothing else.
        spans = {element["K"][0]: element for element in elements if len(element["K"]) == 1}
        for mcid, text in texts.items():
            if mcid in spans:
                spans[mcid]["ActualText"] = pydyf.String(text)


def _pdf_object(pdf, reference: bytes):
    return pdf.objects[int(reference.split()[0])]


# --- Noting the lines that wrap at a space ----------------------------------


def _get_next_linebox_noting_wraps(context, linebox, *args, **kwargs):
    line, resume_at = _get_next_linebox(context, linebox, *args, **kwargs)
    if line is not None and resume_at is not None and _break_touches_a_space(linebox, resume_at):
        last_box = _last_text_box(line)
        if last_box is not None:
            setattr(last_box, _WRAPS_AT_SPACE, True)
    return line, resume_at


def _break_touches_a_space(linebox, resume_at) -> bool:
    """Whether a collapsible space is just before or just after the point
    where the next line resumes (``resume_at``, a WeasyPrint skip stack into
    ``linebox``, the whole paragraph's inline content)."""
    before, after = _spaces_at_break(linebox, resume_at)
    return bool(before or after)


def _spaces_at_break(box, resume_at) -> tuple[bool | None, bool | None]:
    """Whether the character before and the one after the break are
    collapsible spaces; None where the break is at the edge of ``box``."""
    ((index, child_resume_at),) = resume_at.items()
    if isinstance(box, boxes.TextBox):
        text = box.text.encode()
        collapses = box.style["white_space"] in _COLLAPSING_WHITE_SPACE
        before = text[index - 1 : index] == b" " and collapses if index > 0 else None
        after = text[index : index + 1] == b" " and collapses if index < len(text) else None
        return before, after
    children = getattr(box, "children", ())
    if child_resume_at is None:
        before = after = None
        following = children[index:]
    else:
        before, after = _spaces_at_break(children[index], child_resume_at)
        following = children[index + 1 :]
    if before is None:
        before = next(
            (
                edge
                for child in reversed(children[:index])
                if (edge := _space_at_edge(child, last=True)) is not None
            ),
            None,
        )
    if after is None:
        after = next(
            (edge for child in following if (edge := _space_at_edge(child, last=False)) is not None),
            None,
        )
    return before, after


def _space_at_edge(box, last: bool) -> bool | None:
    """Whether ``box``'s last (or first) character is a collapsible space;
    None if it holds no character."""
    if isinstance(box, boxes.TextBox):
        if not box.text:
            return None
        edge = box.text[-1] if last else box.text[0]
        return edge == " " and box.style["white_space"] in _COLLAPSING_WHITE_SPACE
    if isinstance(box, boxes.InlineBox):
        for child in reversed(box.children) if last else box.children:
            edge = _space_at_edge(child, last)
            if edge is not None:
                return edge
        return None
    return False  # an image or inline block: not a space


def _last_text_box(box):
    """The last text box of a laid-out line that draws text, unless the line
    ends with something else (an image, an inline block)."""
    for child in reversed(box.children):
        if isinstance(child, boxes.TextBox):
            if child.text.strip():
                return child
        elif isinstance(child, boxes.InlineBox):
            found = _last_text_box(child)
            if found is not None:
                return found
        else:
            return None
    return None
