"""Two gaps in WeasyPrint 70's PDF output that leaflets cannot live with.

1. PDF/UA asks for the language of every passage that is not in the
   document's language (``/Lang`` on its structure element), so that a screen
   reader switches voice: the English source list in a Persian leaflet, the
   second language of a bilingual edition. WeasyPrint writes ``/Lang`` only on
   the document (Kozea/WeasyPrint#2482 groups its PDF/UA gaps).
2. A reproducible print-shop edition: WeasyPrint's PDF/X-4 metadata carries a
   random ``xmpMM:DocumentID`` (a ``uuid4()``, with a "TODO" to use something
   useful), which also changes the file identifier derived from the content.

No library fills either gap, so this module wraps two WeasyPrint internals.
They are private, which is why ``pyproject.toml`` pins WeasyPrint to one
version and tests/test_editions.py checks both effects on real builds: an
upgrade that changes them fails the tests instead of silently losing them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pydyf
from weasyprint.pdf import metadata as weasyprint_metadata
from weasyprint.pdf import tags as weasyprint_tags

_build_box_tree = weasyprint_tags._build_box_tree


def _build_box_tree_with_languages(box, parent, *args):
    """WeasyPrint's structure builder, plus ``/Lang`` on the structure
    elements of HTML elements that carry their own ``lang``. (WeasyPrint's
    builder calls itself through the module, so nested passages get theirs.)"""
    element = getattr(box, "element", None)
    language = None
    if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
        language = element.get("lang")
    for structure_element in _build_box_tree(box, parent, *args):
        if language:
            structure_element["Lang"] = pydyf.String(language)
        yield structure_element


def tag_passage_languages() -> None:
    """Make every tagged PDF this process writes carry passage languages."""
    weasyprint_tags._build_box_tree = _build_box_tree_with_languages


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
