"""Which characters each glyph of a line stands for, for pdf_text_layer.py.

A glyph the font's cmap gives for a character maps to that character; the
other glyphs of its cluster (conjuncts, half forms, reph, vowel-sign
variants) share the characters left, attributed with HarfBuzz's
character-level clusters (uharfbuzz). The maps are settled once per glyph
and font file: a PDF's ToUnicode entry is the same for every use of a glyph.
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Callable, Sequence

from weasyprint.text.ffi import pango

#: How many runs' character-level clusters a font file keeps (a leaflet has
#: a few dozen runs of several-glyph clusters; the catalogues, a few hundred).
_MAX_RUNS_KEPT = 4096


def glyph_texts(
    cluster_text: str,
    glyphs: Sequence[int],
    nominal_glyph: Callable[[str], int | None],
    starts: Sequence[int] | None = None,
) -> list[str]:
    """The text each glyph of one cluster stands for, never empty.

    ``glyphs`` are the cluster's glyphs in drawing order; ``nominal_glyph``
    gives the font's cmap glyph for a character; ``starts`` (if known) gives,
    for each glyph, the index in ``cluster_text`` of the first character it
    was shaped from (HarfBuzz's character-level clusters).

    A glyph that is the font's own glyph for a character stands for exactly
    that character (so र reads as र in every word). The characters left go to
    the other glyphs: each to the glyph whose start is the nearest before it
    (or, before every start, the first), in reading order; without starts,
    all to the first. A glyph left with no character (it only completes
    another's shape) repeats the cluster's text: a glyph needs an entry, and
    an empty one is malformed.
    """
    if len(glyphs) == 1:
        return [cluster_text]
    owners: list[int | None] = [None] * len(cluster_text)
    is_nominal = [False] * len(glyphs)
    for glyph_index, glyph in enumerate(glyphs):
        candidates = [
            position
            for position, character in enumerate(cluster_text)
            if owners[position] is None and nominal_glyph(character) == glyph
        ]
        if candidates:
            start = starts[glyph_index] if starts else 0
            position = min(candidates, key=lambda candidate: abs(candidate - start))
            owners[position] = glyph_index
            is_nominal[glyph_index] = True
    others = [glyph_index for glyph_index in range(len(glyphs)) if not is_nominal[glyph_index]]
    if others:
        for position in range(len(cluster_text)):
            if owners[position] is None:
                owners[position] = _nearest_glyph_before(position, others, starts)
    texts = [""] * len(glyphs)
    for position, owner in enumerate(owners):
        if owner is not None:
            texts[owner] += cluster_text[position]
    return [text or cluster_text for text in texts]


def _nearest_glyph_before(position: int, candidates: list[int], starts: Sequence[int] | None) -> int:
    if not starts:
        return candidates[0]
    before = [glyph_index for glyph_index in candidates if starts[glyph_index] <= position]
    if not before:
        return min(candidates, key=lambda glyph_index: starts[glyph_index])
    return max(before, key=lambda glyph_index: starts[glyph_index])


class _FontFile:
    """A font file as HarfBuzz reads it: cmap lookups and character-level
    clusters, computed once per process (they depend on the file only)."""

    def __init__(self, font) -> None:
        import uharfbuzz

        self.harfbuzz_font = uharfbuzz.Font(uharfbuzz.Face(font.file_content, font.index))
        if font.variations:
            self.harfbuzz_font.set_variations(font.variations)
        self._nominal: dict[str, int | None] = {}
        self._starts: dict[tuple, list[int] | None] = {}

    def nominal_glyph(self, character: str) -> int | None:
        if character not in self._nominal:
            self._nominal[character] = self.harfbuzz_font.get_nominal_glyph(ord(character))
        return self._nominal[character]

    def character_starts(self, run_text: bytes, glyphs: list[int], right_to_left: bool, language: str | None):
        """Byte offset in ``run_text`` of the first character each glyph was
        shaped from, by HarfBuzz at character-level clusters; None unless
        HarfBuzz gives the same glyphs as Pango did."""
        key = (run_text, tuple(glyphs), right_to_left, language)
        if key not in self._starts:
            if len(self._starts) >= _MAX_RUNS_KEPT:
                self._starts.clear()  # a long-lived process with ever new text
            self._starts[key] = self._shape(run_text, glyphs, right_to_left, language)
        return self._starts[key]

    def _shape(self, run_text, glyphs, right_to_left, language):
        import uharfbuzz

        buffer = uharfbuzz.Buffer()
        buffer.add_utf8(run_text)
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if right_to_left else "ltr"
        if language:
            buffer.language = language
        buffer.cluster_level = uharfbuzz.BufferClusterLevel.CHARACTERS
        uharfbuzz.shape(self.harfbuzz_font, buffer)
        infos = buffer.glyph_infos
        if len(infos) != len(glyphs) or any(
            glyph not in (info.codepoint, pango.PANGO_GLYPH_EMPTY)
            for glyph, info in zip(glyphs, infos, strict=True)
        ):
            return None
        return [info.cluster for info in infos]


#: By WeasyPrint's font hash and face index, which WeasyPrint itself takes
#: to name one font file (it embeds one file per hash).
_font_files: dict[tuple[str, int], _FontFile] = {}


class _FontGlyphMap:
    """One PDF font's glyph map, as this module settles it glyph by glyph."""

    def __init__(self, font) -> None:
        self.font = font
        #: What each glyph settled so far spells in the content stream: its
        #: ToUnicode text ("" for Pango's empty glyph, which is not drawn).
        self.spelling: dict[int, str] = {pango.PANGO_GLYPH_EMPTY: ""}
        self._file: _FontFile | None = None

    @property
    def file(self) -> _FontFile:
        """Made only when a cluster of several glyphs needs it."""
        if self._file is None:
            key = (self.font.hash, self.font.index)
            if key not in _font_files:
                _font_files[key] = _FontFile(self.font)
            self._file = _font_files[key]
        return self._file


#: Each document has its own fonts, and so its own glyph maps: a glyph's text
#: is settled by its first cluster in the document, never in another leaflet.
_glyph_maps: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def font_glyph_map(font) -> _FontGlyphMap:
    glyph_map = _glyph_maps.get(font)
    if glyph_map is None:
        glyph_map = _glyph_maps[font] = _FontGlyphMap(font)
    return glyph_map


def settle_run(glyph_map: _FontGlyphMap, run_text: bytes, glyphs, clusters, right_to_left, language) -> None:
    """Settle the ToUnicode entries of the run's glyphs drawn for the first
    time, cluster by cluster."""
    font = glyph_map.font
    spelling = glyph_map.spelling
    # Pango's clusters: each glyph's byte offset of the first character of
    # its cluster; a cluster ends where the next one (in reading order) starts.
    cluster_starts = sorted(set(clusters))
    character_starts = None
    settled_clusters = set()
    for position in [position for position, glyph in enumerate(glyphs) if glyph not in spelling]:
        cluster = clusters[position]
        if cluster in settled_clusters:
            continue
        settled_clusters.add(cluster)
        first = position
        while first > 0 and clusters[first - 1] == cluster:
            first -= 1
        members = []
        for member in range(first, len(glyphs)):
            glyph = glyphs[member]
            if clusters[member] != cluster:
                break
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                # WeasyPrint draws .notdef under a glyph id of its own for the
                # character: that id stands for exactly the character.
                codepoint = glyph - pango.PANGO_GLYPH_UNKNOWN_FLAG
                font.to_unicode[font.get_unused_glyph_id(codepoint)] = spelling[glyph] = chr(codepoint)
            else:
                members.append(member)
        member_glyphs = [glyphs[member] for member in members]
        starts = None
        if len(members) > 1:
            if character_starts is None:
                character_starts = (
                    glyph_map.file.character_starts(run_text, glyphs, right_to_left, language) or []
                )
            if character_starts:
                starts = [len(run_text[cluster : character_starts[member]].decode()) for member in members]
        end = bisect.bisect_right(cluster_starts, cluster)
        cluster_text = run_text[
            cluster : cluster_starts[end] if end < len(cluster_starts) else len(run_text)
        ].decode()
        if len(members) == 1:
            texts = [cluster_text]
        else:
            texts = glyph_texts(cluster_text, member_glyphs, glyph_map.file.nominal_glyph, starts)
        for glyph, text in zip(member_glyphs, texts, strict=True):
            if glyph not in spelling:
                font.to_unicode[glyph] = spelling[glyph] = text
