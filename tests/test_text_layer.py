"""The text layer reads as the page does (src/patientpacks/build/pdf_text_layer.py),
checked with readers that are not WeasyPrint: a small structure-order reader
on pypdf (below), PDFium (pypdfium2) and the PDF/UA validator page.

What a screen reader gets is the text of the structure tree, in its order,
with each element's and each marked-content sequence's ActualText in place of
the glyphs it covers. The reader below reads exactly that.
"""

from __future__ import annotations

import functools
import html.parser
import re
import unicodedata
from pathlib import Path

import page
import pypdfium2
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from patientpacks.build.glyph_text import glyph_texts
from patientpacks.build.typography import locale_typography

from .conftest import REPO, translated_draft_mark

# --- A structure-order reader that honours ActualText ------------------------

#: Structure types a reader ends a line after (a paragraph, a heading, a cell...).
BLOCK_TYPES = {
    *("/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/LI", "/Lbl", "/LBody", "/L", "/Caption"),
    *("/Table", "/TR", "/TH", "/TD", "/Figure", "/Div", "/Sect", "/Art", "/Part", "/BlockQuote"),
    *("/Document", "/NonStruct"),
}


def to_unicode_map(font: DictionaryObject) -> dict[bytes, str]:
    """A font's ToUnicode CMap (bfchar and bfrange entries), code -> text."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            mapping[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for low, high, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = int(text, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                destination = (first + offset).to_bytes(len(text) // 2, "big")
                mapping[code.to_bytes(len(low) // 2, "big")] = destination.decode("utf-16-be")
    return mapping


def marked_content_text(reader: PdfReader, pdf_page) -> dict[int, str]:
    """The text of each marked-content sequence (by MCID) of a page, glyphs
    read through their fonts' ToUnicode maps, and ActualText in place of
    the glyphs it covers."""
    texts: dict[int, list[str]] = {}
    maps: dict[int, dict[bytes, str]] = {}

    def walk(content, resources) -> None:
        # Marked content open at this point: (its MCID, covered by an ActualText).
        open_sequences: list[tuple[int | None, bool]] = []
        font_map: dict[bytes, str] = {}
        code_length = 2

        def add(text: str) -> None:
            mcid = next((mcid for mcid, _ in reversed(open_sequences) if mcid is not None), None)
            if mcid is not None:
                texts.setdefault(mcid, []).append(text)

        for operands, operator in ContentStream(content, reader).operations:
            replaced = any(covered for _, covered in open_sequences)
            if operator == b"BDC":
                properties = operands[1]
                if not isinstance(properties, DictionaryObject):
                    properties = resources["/Properties"][properties].get_object()
                mcid = properties.get("/MCID")
                has_actual_text = "/ActualText" in properties
                open_sequences.append((None if mcid is None else int(mcid), replaced or has_actual_text))
                if has_actual_text and not replaced:
                    add(str(properties["/ActualText"]))
            elif operator == b"BMC":
                open_sequences.append((None, replaced))
            elif operator == b"EMC":
                open_sequences.pop()
            elif operator == b"Tf":
                font = resources["/Font"][operands[0]].get_object()
                key = font.indirect_reference.idnum
                if key not in maps:
                    maps[key] = to_unicode_map(font)
                font_map = maps[key]
                code_length = 2 if font["/Subtype"] == "/Type0" else 1
            elif operator in (b"Tj", b"TJ", b"'", b'"') and not replaced:
                strings = operands[0] if operator == b"TJ" else [operands[-1]]
                for string in strings:
                    if isinstance(string, (int, float)):
                        continue  # a positioning adjustment
                    codes = string.original_bytes
                    add(
                        "".join(
                            font_map.get(codes[index : index + code_length], "\ufffd")
                            for index in range(0, len(codes), code_length)
                        )
                    )
            elif operator == b"Do":
                xobject = resources["/XObject"][operands[0]].get_object()
                if xobject.get("/Subtype") == "/Form":
                    walk(xobject, xobject.get("/Resources", resources))

    walk(pdf_page.get_contents(), pdf_page["/Resources"])
    return {mcid: "".join(parts) for mcid, parts in texts.items()}


@functools.cache
def structure_text(path: Path) -> str:
    """The text a screen reader gets: the structure tree in order, each
    element's ActualText in place of its content, a line break after each
    block. Content outside the tree (artifacts) is not read."""
    reader = PdfReader(path)
    page_numbers = {pdf_page.indirect_reference.idnum: number for number, pdf_page in enumerate(reader.pages)}
    marked = [marked_content_text(reader, pdf_page) for pdf_page in reader.pages]
    parts: list[str] = []

    def visit(node, page_number: int) -> None:
        node = node.get_object()
        if not isinstance(node, DictionaryObject):  # an MCID on the element's page
            parts.append(marked[page_number].get(int(node), ""))
            return
        if node.get("/Type") == "/MCR":
            if "/Pg" in node:
                page_number = page_numbers[node.raw_get("/Pg").idnum]
            parts.append(marked[page_number].get(int(node["/MCID"]), ""))
            return
        if node.get("/Type") == "/OBJR":
            return
        if "/Pg" in node:
            page_number = page_numbers[node.raw_get("/Pg").idnum]
        if "/ActualText" in node:
            parts.append(str(node["/ActualText"]))
        elif "/K" in node:
            kids = node["/K"].get_object()
            for kid in kids if isinstance(kids, list) else [kids]:
                visit(kid, page_number)
        if node.get("/S") in BLOCK_TYPES:
            parts.append("\n")

    visit(reader.trailer["/Root"]["/StructTreeRoot"], 0)
    return "".join(parts)


def pdfium_text(path: Path) -> str:
    """What copying every page in a PDFium viewer (Chrome, Edge) gives."""
    document = pypdfium2.PdfDocument(path)
    try:
        # PDFium gives a hyphen it finds at the end of a line as U+FFFE
        # (a viewer copies it as the hyphen it is: "जानकारी-पर्चे").
        text = "\n".join(pdf_page.get_textpage().get_text_range() for pdf_page in document)
        return text.replace("\ufffe", "-")
    finally:
        document.close()


# --- What each leaflet prints -------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
#: Printed on every page, outside the flow of the text: the running footer
#: and the draft mark (which the tags are to leave out, as artifacts).
PAGE_FURNITURE = {"running-footer", "draft-mark"}
#: Elements whose text is not printed (an SVG's title is its alt text).
NOT_PRINTED = {"head", "style", "script", "title", "desc"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class LeafletText(html.parser.HTMLParser):
    """The text of a leaflet's HTML body, without its page furniture."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0  # depth inside page furniture or unprinted elements

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            return
        classes = set((dict(attributes).get("class") or "").split())
        if self.skipping or tag in NOT_PRINTED or classes & PAGE_FURNITURE:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag not in VOID_ELEMENTS:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def collapsed(text: str) -> str:
    return " ".join(text.split())


def leaflet_text(html_path: Path) -> str:
    parser = LeafletText()
    parser.feed(html_path.read_text())
    return collapsed(" ".join(parser.parts))


@functools.cache
def catalogue(locale: str) -> Catalog | None:
    """The locale's catalogue; None for the source locale."""
    path = REPO / f"locales/{locale}/LC_MESSAGES/messages.po"
    if not path.exists():
        return None
    with path.open("rb") as file:
        return read_po(file)


def translated(locale: str, message: str, context: str | None = None) -> str:
    messages = catalogue(locale)
    return message if messages is None else messages.get(message, context=context).string


def catalogue_fragments(locale: str) -> list[str]:
    """Every translation of the locale's catalogue (each plural form), cut
    at its placeholders and stripped of inline markup: the runs of text a
    leaflet prints as they are."""
    fragments = []
    for message in catalogue(locale):
        if not message.id or not message.string:
            continue
        for form in message.string if isinstance(message.string, tuple) else (message.string,):
            fragments += [collapsed(part) for part in PLACEHOLDER.split(re.sub(r"<[^>]+>", "", form))]
    return [fragment for fragment in dict.fromkeys(fragments) if fragment]


def text_in_the_flow(pdf: Path, locale: str) -> str:
    """The PDF's text in structure order, without the draft mark: until the
    mark is an artifact it sits in the tree on every page, between the two
    halves of a paragraph that runs onto the next page."""
    text = structure_text(pdf)
    for mark in (translated_draft_mark(locale), "DRAFT — not for patient use"):
        text = text.replace(mark, "")
    return text


# --- The leaflets, with the HTML they were made from -------------------------

SCRIPT_LOCALES = ("hi", "ar", "fa")


@pytest.fixture(scope="module")
def leaflets_with_html(every_example_pdf: list[Path]) -> list[Path]:
    """The Hindi, Arabic, Persian and English example leaflets, in every
    edition built, each PDF with the HTML it was laid out from beside it."""
    return [path for path in every_example_pdf if path.parts[-2] in (*SCRIPT_LOCALES, "en")]


def in_locale(pdfs: list[Path], locale: str) -> list[Path]:
    return [path for path in pdfs if path.parts[-2] == locale]


def name_of(pdf: Path) -> str:
    return "/".join(pdf.parts[-3:])


@pytest.mark.parametrize("locale", SCRIPT_LOCALES)
def test_every_string_a_leaflet_prints_reads_verbatim_in_structure_order(
    leaflets_with_html: list[Path], locale: str
) -> None:
    fragments = catalogue_fragments(locale)
    checked = 0
    for pdf in in_locale(leaflets_with_html, locale):
        printed = leaflet_text(pdf.with_suffix(".html"))
        read = collapsed(text_in_the_flow(pdf, locale))
        expected = [fragment for fragment in fragments if fragment in printed]
        missing = [fragment for fragment in expected if fragment not in read]
        assert not missing, f"{name_of(pdf)}: {len(missing)} of {len(expected)}: {missing[:3]}"
        checked += len(expected)
    assert checked > 300  # the check reads real text (each leaflet prints 40 to 100 strings)


def test_pdfium_copies_the_hindi_strings_as_printed(leaflets_with_html: list[Path]) -> None:
    """PDFium honours ActualText in the content: copying from a Hindi
    leaflet gives the letters in reading order, vowel signs after their
    consonants, as printed."""
    fragments = catalogue_fragments("hi")
    for pdf in in_locale(leaflets_with_html, "hi"):
        printed = leaflet_text(pdf.with_suffix(".html"))
        copied = collapsed(pdfium_text(pdf))
        missing = [fragment for fragment in fragments if fragment in printed and fragment not in copied]
        assert not missing, f"{name_of(pdf)}: {missing[:3]}"


def test_right_to_left_lines_carry_their_text_on_the_structure_element(
    leaflets_with_html: list[Path],
) -> None:
    """Not as ActualText in the content: PDFium and poppler reorder the
    right-to-left text they copy as if it were in visual order, ActualText
    included, so logical-order ActualText in the content would reach them
    reversed. Screen readers take it from the structure element."""
    for pdf in sorted(path for locale in ("ar", "fa") for path in in_locale(leaflets_with_html, locale)):
        reader = PdfReader(pdf)
        in_content = [
            text
            for pdf_page in reader.pages
            for text in content_actual_texts(pdf_page.get_contents().get_data())
            if ARABIC_LETTER.search(text)
        ]
        assert not in_content, f"{pdf}: {in_content[:3]}"
        on_elements = [text for text in structure_actual_texts(reader) if ARABIC_LETTER.search(text)]
        assert len(on_elements) > 20, pdf


ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3]")


def content_actual_texts(content: bytes) -> list[str]:
    """The ActualText of every marked-content sequence in a content stream."""
    texts = []
    for value in re.findall(rb"/ActualText\s*(<[0-9a-fA-F]*>|\((?:[^()\\]|\\.)*\))", content):
        if value[:1] == b"<":
            texts.append(bytes.fromhex(value[1:-1].decode())[2:].decode("utf-16-be"))
        else:
            texts.append(value[1:-1].decode("latin-1"))
    return texts


def structure_actual_texts(reader: PdfReader) -> list[str]:
    """The ActualText of every structure element that holds marked content."""
    numbers = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    elements = [element.get_object() for page_elements in numbers[1::2] for element in page_elements]
    return [str(element["/ActualText"]) for element in elements if "/ActualText" in element]


def without_invisibles(text: str) -> str:
    """Without format characters (bidi isolates, zero-width non-joiners):
    glyph maps cannot spell them, so only some lines carry them."""
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


@pytest.mark.parametrize(
    ("brand", "phone"), [("harbour-lane-uk", "020 7946 0321"), ("maple-street-us", "(555) 010-0142")]
)
def test_the_clinic_phone_number_reads_in_its_own_order(every_example_pdf, brand: str, phone: str) -> None:
    """In every example PDF, in structure order, the phone number is read
    with its label as written ("الهاتف: 020 7946 0321"), not "020 7946 0321
    :فتاهلا" or "0321 7946 020"."""
    pdfs = [path for path in every_example_pdf if path.parts[-3] == brand]
    assert len(pdfs) == 40
    for pdf in pdfs:
        locale = pdf.parts[-2]
        read = without_invisibles(text_in_the_flow(pdf, locale))
        # English in the brand's variety: "Call the clinic on" (GB), "at" (US).
        variety = (
            {"harbour-lane-uk": "en_GB", "maple-street-us": "en_US"}[brand] if locale == "en" else locale
        )
        for message, context in (("Phone: %(phone)s", None), ("Call the clinic: %(phone)s", "safety")):
            found = catalogue(variety).get(message, context=context) if variety != locale else None
            text = found.string if found else translated(locale, message, context)
            # As it prints: the number isolated, set by the language's typography.
            typography = locale_typography(REPO / "templates", locale)
            expected = without_invisibles(typography.apply(text % {"phone": f"\u2068{phone}\u2069"}))
            assert expected in read, f"{pdf}: {expected!r}"


WORD = re.compile(r"\w+(?:[’'-]\w+)*")


@pytest.mark.parametrize("brand", ["harbour-lane-uk", "maple-street-us"])
@pytest.mark.parametrize("pack", ["neuromodulators", "aftercare-card"])
def test_english_lines_that_wrap_keep_their_space(example_dist: Path, brand: str, pack: str) -> None:
    """Every word read in structure order is a word of the leaflet's text:
    none is two words glued where a line wrapped ("linesmade")."""
    pdf = example_dist / brand / "en" / f"{pack}.pdf"
    source_words = set(WORD.findall(leaflet_text(pdf.with_suffix(".html"))))
    read_words = [word for word in WORD.findall(text_in_the_flow(pdf, "en")) if not word.isdigit()]
    assert len(read_words) > 150
    glued = [word for word in read_words if word not in source_words]
    assert not glued


def test_no_example_pdf_has_a_malformed_tounicode_map(every_example_pdf) -> None:
    """The independent PDF/UA-1 validator finds no font whose ToUnicode map
    is malformed (it was, for the empty entries of र and the vowel sign ि)."""
    failures = {}
    for pdf in every_example_pdf:
        report = page.validate_pdf(str(pdf), profile="ua1")
        unicode_failures = [failure.message for failure in report.failures if "UNICODE" in failure.rule_id]
        if unicode_failures:
            failures[str(pdf)] = unicode_failures
    assert not failures


# --- Which characters each glyph stands for ---------------------------------

#: A Devanagari font's cmap, in part: the glyphs of द, र and ल, and of ि
#: alone (the font draws ि with other glyphs, chosen by the consonant's width).
NOMINAL = {"द": 42, "र": 52, "ल": 54, "ि": 67}.get


def test_a_glyph_the_cmap_gives_for_a_letter_stands_for_that_letter() -> None:
    # दि is drawn as a wide variant of ि (not in the cmap), then द.
    assert glyph_texts("दि", [606, 42], NOMINAL) == ["ि", "द"]
    # रि: the letter keeps its own glyph's text whatever comes first.
    assert glyph_texts("रि", [605, 52], NOMINAL) == ["ि", "र"]


def test_glyphs_outside_the_cmap_share_the_rest_by_their_first_characters() -> None:
    # र्रि: variant of ि (shaped from character 3), र (character 2), reph
    # (characters 0 and 1, र and the virama).
    assert glyph_texts("र्रि", [629, 52, 652], NOMINAL, starts=[3, 2, 0]) == ["ि", "र", "र्"]
    # क्लि: ि variant, half form of क (क and the virama), ल.
    assert glyph_texts("क्लि", [604, 183, 54], NOMINAL, starts=[3, 0, 2]) == ["ि", "क्", "ल"]
    # र्जी: ज, then ी with the reph on it, which gets the reph's characters too.
    assert glyph_texts("र्जी", [32, 441], {"ज": 32}.get, starts=[2, 3]) == ["ज", "र्ी"]


def test_no_glyph_is_left_without_text() -> None:
    # Without character-level clusters, the first glyph outside the cmap
    # takes what is left; one that completes another's shape repeats the
    # cluster's text: an empty ToUnicode entry is malformed.
    assert glyph_texts("क्लि", [604, 183, 54], NOMINAL) == ["क्ि", "क्लि", "ल"]
    assert glyph_texts("ب", [900, 901], {}.get, starts=[0, 0]) == ["ب", "ب"]
    assert glyph_texts("क्ष", [179], NOMINAL) == ["क्ष"]
