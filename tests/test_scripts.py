"""Every script prints right: the translated text is in the PDF, right-to-left
pages are laid out right-to-left, each script has its own font, digits follow
the locale, and the glyph check knows what the fonts can draw."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import jinja2
import pdfplumber
import pytest
from babel import Locale
from babel.messages.pofile import read_po
from pypdf import PdfReader

from patientpacks.build import render_html
from patientpacks.build.fonts import load_font_setup
from patientpacks.build.typography import locale_typography

from .conftest import REPO, pdf_text


def translation(locale: str, msgid: str, context: str | None = None) -> str:
    """The translation as it prints: set by the language's typography (a
    one-letter word kept with the next by a no-break space)."""
    catalog = read_po((REPO / f"locales/{locale}/LC_MESSAGES/messages.po").open("rb"))
    typeset = locale_typography(REPO / "templates", locale).apply(catalog.get(msgid, context=context).string)
    return without_invisibles(typeset)


def without_invisibles(text: str) -> str:
    """Text without format characters (Persian's zero-width non-joiner, bidi
    isolates): they draw no glyph, so a PDF's text layer does not keep them."""
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


@pytest.mark.parametrize("locale", ["ar", "fa", "zh_Hans", "ru", "vi", "pl", "de", "fr", "pt_BR"])
def test_text_layer_holds_the_translated_strings(example_dist: Path, locale: str) -> None:
    text = without_invisibles(pdf_text(example_dist / f"harbour-lane-uk/{locale}/neuromodulators.pdf"))
    for msgid, context in (
        ("Safety: when to get help", "safety"),
        ("Your treatment record", None),
        ("Questions to ask at your consultation", None),
    ):
        assert translation(locale, msgid, context) in text, msgid


def test_hindi_text_layer_holds_the_translated_strings(example_dist: Path) -> None:
    """Read through the glyph maps alone (pypdf honours no ActualText): each
    glyph maps to its letters, so र is not lost ("सुक्षा" for "सुरक्षा").
    Text in reading order, ActualText honoured: tests/test_text_layer.py."""
    text = pdf_text(example_dist / "harbour-lane-uk/hi/neuromodulators.pdf")
    assert translation("hi", "Safety: when to get help", "safety") in text


def test_hindi_leaflet_is_drawn_with_the_devanagari_font(example_dist: Path) -> None:
    reader = PdfReader(example_dist / "harbour-lane-uk/hi/neuromodulators.pdf")
    fonts = {
        font.get_object()["/BaseFont"].split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert "Noto-Sans-Devanagari" in fonts
    assert "मदद" in pdf_text(example_dist / "harbour-lane-uk/hi/neuromodulators.pdf")


def test_chinese_is_drawn_with_the_simplified_chinese_face(example_dist: Path) -> None:
    reader = PdfReader(example_dist / "maple-street-us/zh_Hans/neuromodulators.pdf")
    fonts = {
        font.get_object()["/BaseFont"].split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(name.startswith("Noto-Sans-CJK-SC") for name in fonts), fonts
    assert not any("CJK-JP" in name for name in fonts)


def line_edges(pdf_path: Path, page_number: int) -> tuple[list[float], list[float]]:
    """Left and right edges of the page's lines of running text (lines of 100 pt
    or more: not bullets, step numbers or the slanted draft mark's letters)."""
    with pdfplumber.open(pdf_path) as pdf:
        lines = [
            line for line in pdf.pages[page_number].extract_text_lines() if line["x1"] - line["x0"] >= 100
        ]
    return [line["x0"] for line in lines], [line["x1"] for line in lines]


def share_near(edges: list[float], edge: float, tolerance: float = 45) -> float:
    """The share of lines that start (or end) within ``tolerance`` points of
    ``edge``: list and step indents stay within it, ragged line ends do not."""
    return sum(abs(value - edge) <= tolerance for value in edges) / len(edges)


@pytest.mark.parametrize("locale", ["ar", "fa"])
def test_right_to_left_pages_align_lines_on_the_right(example_dist: Path, locale: str) -> None:
    lefts, rights = line_edges(example_dist / f"harbour-lane-uk/{locale}/neuromodulators.pdf", 1)
    assert share_near(rights, max(rights)) > 0.75
    assert share_near(lefts, min(lefts)) < 0.5


def test_left_to_right_pages_align_lines_on_the_left(example_dist: Path) -> None:
    lefts, rights = line_edges(example_dist / "harbour-lane-uk/en/neuromodulators.pdf", 1)
    assert share_near(lefts, min(lefts)) > 0.75
    assert share_near(rights, max(rights)) < 0.5


def test_phone_number_reads_left_to_right_inside_arabic(example_dist: Path) -> None:
    text = pdf_text(example_dist / "maple-street-us/ar/aftercare-card.pdf")
    assert "(555) 010-0142" in text


def test_persian_numbers_use_persian_digits(example_dist: Path) -> None:
    text = pdf_text(example_dist / "harbour-lane-uk/fa/neuromodulators.pdf")
    # The page numbers, in the footer: an artifact, which pypdf gives in visual order.
    assert "۵ از ۱" in text or "۱ از ۵" in text
    assert "۲۲" in text  # the publication date's day


def test_document_language_is_set_for_each_locale(example_dist: Path) -> None:
    for locale, tag in (("zh_Hans", "zh-Hans"), ("pt_BR", "pt-BR"), ("ar", "ar")):
        reader = PdfReader(example_dist / f"maple-street-us/{locale}/aftercare-card.pdf")
        assert reader.trailer["/Root"]["/Lang"] == tag


def test_glyph_check_knows_what_each_stack_can_draw() -> None:
    fonts = load_font_setup(REPO / "assets/fonts")
    assert fonts.missing_characters("Ça coûte 12 €, ✓", "fr") == []
    assert fonts.missing_characters("السلامة ۱۲", "fa") == []
    assert fonts.missing_characters("除皱注射", "zh_Hans") == []
    assert fonts.missing_characters("除皱注射", "fr") == ["除", "皱", "注", "射"]
    assert fonts.missing_characters("\U00013000", "hi") == ["\U00013000"]


@pytest.mark.parametrize(
    ("locale", "expected"), [("fa", "۱٬۲۳۴٫۵"), ("ar", "1,234.5"), ("de", "1.234,5"), ("hi", "1,234.5")]
)
def test_numbers_use_the_locales_own_digits_and_separators(locale: str, expected: str) -> None:
    environment = jinja2.Environment()
    environment.filters["format_number"] = render_html._format_number
    template = environment.from_string("{{ 1234.5|format_number }}")
    assert template.render(babel_locale=Locale.parse(locale)) == expected
