"""Gaps in WeasyPrint 70's PDF output that leaflets cannot live with.

1. PDF/UA asks for the language of every passage that is not in the
   document's language (``/Lang`` on its structure element), so that a screen
   reader switches voice: the English source list in a Persian leaflet, the
   second language of a bilingual edition, the logo's alt text in the brand's
   language. WeasyPrint writes ``/Lang`` only on the document.
2. PDF/UA asks that content repeated on every page (running headers and
   footers, watermarks) be marked as pagination artifacts, so that a screen
   reader does not read it on every page. WeasyPrint tags the content of the
   page-margin boxes as ``/NonStruct`` elements it leaves out of the
   structure tree (half-linked: each names a parent that does not list it),
   and tags a fixed element, such as the draft mark, as ordinary content.
3. A reproducible print-shop edition: WeasyPrint's PDF/X-4 metadata carries a
   random ``xmpMM:DocumentID`` (a ``uuid4()``, with a "TODO" to use something
   useful), which also changes the file identifier derived from the content.

Kozea/WeasyPrint#2482 groups the PDF/UA gaps (1 and 2). WeasyPrint has no
option or hook for any of the three, so this module wraps WeasyPrint
internals. They are private, which is why ``pyproject.toml`` pins WeasyPrint
to one version and tests/test_editions.py and tests/test_accessibility.py
check the effects on real builds: an upgrade that changes them fails the tests
instead of silently losing them.

The outline and the metadata are cleaned of bidi controls through WeasyPrint's
public API (``Page.bookmarks``, ``Document.metadata``): no patch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree import ElementTree

import pydyf
from weasyprint import draw as weasyprint_draw
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import metadata as weasyprint_metadata
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.pdf.metadata import DocumentMetadata

from .leaflet_status import status_description

_build_box_tree = weasyprint_tags._build_box_tree
_draw_stacking_context = weasyprint_draw.draw_stacking_context

#: The HTML attribute that makes an element a pagination artifact, drawn on
#: every page and left out of the structure tree; its value names the kind.
#: The element must be a stacking context (positioned with a z-index, or
#: transformed): artifacts are drawn a stacking context at a time.
ARTIFACT_ATTRIBUTE = "data-pdf-artifact"
_ARTIFACT_SUBTYPES = {"header": "/Header", "footer": "/Footer", "watermark": "/Watermark"}
#: Page-margin boxes, by the side of the page they are on (@top-center, @bottom-left-corner...).
_MARGIN_SUBTYPES = {"@top": "/Header", "@bottom": "/Footer"}


def _pagination_artifact(box: boxes.Box) -> pydyf.Dictionary | None:
    """The artifact properties (ISO 32000-1, 14.8.2.2) under which ``box``
    and everything in it is drawn, or None for real content: the page-margin
    boxes, and elements that carry ``data-pdf-artifact``."""
    if isinstance(box, boxes.MarginBox):
        subtype = _MARGIN_SUBTYPES.get(box.at_keyword.split("-")[0])
    elif box.element is not None and box.element.get(ARTIFACT_ATTRIBUTE) is not None:
        kind = box.element.get(ARTIFACT_ATTRIBUTE)
        if kind not in _ARTIFACT_SUBTYPES:
            raise ValueError(f"{ARTIFACT_ATTRIBUTE}={kind!r}: use one of {', '.join(_ARTIFACT_SUBTYPES)}")
        subtype = _ARTIFACT_SUBTYPES[kind]
    else:
        return None
    properties = pydyf.Dictionary({"Type": "/Pagination"})
    if subtype:
        properties["Subtype"] = subtype
    return properties


def _draw_stacking_context_marking_artifacts(stream, stacking_context) -> None:
    """WeasyPrint's stacking-context painter, drawing a pagination artifact
    inside one ``/Artifact`` marked-content sequence, untagged within.

    Gap: WeasyPrint marks only borders and backgrounds as artifacts; the text
    of page-margin boxes and fixed elements is tagged. Why a patch: no option
    or hook chooses what is an artifact. Upstream: mark margin boxes (and
    elements asked for) as pagination artifacts in ``draw_stacking_context``.
    """
    properties = _pagination_artifact(stacking_context.box) if stream._tags is not None else None
    if properties is None:
        _draw_stacking_context(stream, stacking_context)
        return
    # With no tag registry, the stream writes no marked content of its own
    # (WeasyPrint's untagged mode): nothing is tagged inside the artifact, and
    # no MCID is spent on it.
    tags, stream._tags = stream._tags, None
    stream.begin_marked_content("Artifact", properties)
    try:
        _draw_stacking_context(stream, stacking_context)
    finally:
        stream.end_marked_content()
        stream._tags = tags


def _build_box_tree_for_leaflets(box, parent, pdf, page_number, nums, annotations, tags):
    """WeasyPrint's structure builder, plus ``/Lang`` on the structure
    elements of HTML elements that carry their own ``lang``, and nothing at
    all for pagination artifacts (WeasyPrint builds half-linked
    ``/NonStruct`` elements for margin boxes). WeasyPrint's builder calls
    itself through the module, so nested boxes come through here too.

    Gap: passage languages, and artifacts kept out of the tree. Why a patch:
    no option or hook. Upstream: write ``/Lang`` where an element's language
    differs from its parent's; build no structure for artifacts."""
    drawn = box._box if isinstance(box, AbsolutePlaceholder) else box
    if _pagination_artifact(drawn) is not None:
        _refuse_tagged_artifact(drawn, tags)
        return
    element = getattr(box, "element", None)
    language = None
    if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
        language = element.get("lang")
    for structure_element in _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        if language:
            structure_element["Lang"] = pydyf.String(language)
        yield structure_element


def _refuse_tagged_artifact(box: boxes.Box, tags: dict) -> None:
    """Fail, naming the element, when an artifact's content was drawn as
    tagged content (it is not a stacking context of its own): it would be in
    no structure element and no artifact."""
    if any(descendant in tags for descendant in box.descendants(placeholders=True)):
        raise ValueError(
            f"<{box.element_tag} {ARTIFACT_ATTRIBUTE}> was drawn as tagged content: "
            "give it a stacking context of its own (a position with a z-index, or a transform)"
        )


def fix_weasyprint_tagging() -> None:
    """Make every tagged PDF this process writes carry passage languages and
    draw its page furniture (margin boxes, ``data-pdf-artifact`` elements) as
    pagination artifacts. Idempotent."""
    weasyprint_tags._build_box_tree = _build_box_tree_for_leaflets
    weasyprint_draw.draw_stacking_context = _draw_stacking_context_marking_artifacts


#: Unicode's bidi controls: the marks (LRM, RLM, ALM), the embeddings and
#: overrides (LRE, RLE, PDF, LRO, RLO) and the isolates (LRI, RLI, FSI, PDI).
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI_CONTROLS = str.maketrans("", "", BIDI_CONTROLS)


def without_bidi_controls(text: str) -> str:
    return text.translate(_NO_BIDI_CONTROLS)


def strip_bidi_controls_from_navigation(document: Document) -> None:
    """Take the bidi controls out of the text a viewer shows outside the page:
    the outline (bookmark) titles, the title and the description (XMP and
    Info dictionary). The page keeps them, where they hold phone numbers and
    names in place in right-to-left text; in a bookmark or a title bar they
    are stray characters that viewers may draw as boxes and screen readers may
    name."""
    metadata = document.metadata
    if metadata.title:
        metadata.title = without_bidi_controls(metadata.title)
    if metadata.description:
        metadata.description = without_bidi_controls(metadata.description)
    for page in document.pages:
        page.bookmarks = [
            (level, without_bidi_controls(label), target, state)
            for level, label, target, state in page.bookmarks
        ]


@contextmanager
def fixed_document_id(seed: str) -> Iterator[None]:
    """Within this block, PDF/X metadata gets a document ID derived from
    ``seed`` (the leaflet's inputs hash) instead of a random one."""
    random_uuid4 = weasyprint_metadata.uuid4
    weasyprint_metadata.uuid4 = lambda: uuid.UUID(hex=seed[:32])
    try:
        yield
    finally:
        weasyprint_metadata.uuid4 = random_uuid4


class LeafletMetadata(DocumentMetadata):
    """WeasyPrint's document metadata, whose XMP also records the leaflet's
    status and draft reasons (leaflet_status.py: what a later build reads
    back). WeasyPrint has a hook for extra XMP only outside its rdf:RDF."""

    reasons: tuple[str, ...] = ()

    def generate_rdf_metadata(self, variant: str, version: int, conformance: str | None) -> bytes:
        rdf = ElementTree.fromstring(super().generate_rdf_metadata(variant, version, conformance))
        rdf.append(status_description(self.reasons))
        return ElementTree.tostring(rdf, encoding="utf-8")


def with_status(metadata: DocumentMetadata, reasons: tuple[str, ...]) -> LeafletMetadata:
    """``metadata`` (a document's), recording ``reasons`` (none: publishable)."""
    recorded = LeafletMetadata()
    recorded.__dict__.update(vars(metadata))
    recorded.reasons = reasons
    return recorded
