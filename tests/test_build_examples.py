"""The example leaflets, built end to end and read back from the PDFs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import pdf_text, spanish_translation, translated_draft_mark

MM = 72 / 25.4
LETTER = (612, 792)
A4 = (round(210 * MM), round(297 * MM))
A5 = (round(148 * MM), round(210 * MM))
HALF_LETTER = (396, 612)  # 5.5 x 8.5 in, in points

BRANDS = {
    "maple-street-us": ("(555) 010-0142", "911", LETTER, HALF_LETTER),
    "harbour-lane-uk": ("020 7946 0321", "999", A4, A5),
}
PACKS = ("aftercare-card", "neuromodulators")
LOCALES = ("en", "es", "fr", "de", "pt_BR", "pl", "ru", "vi", "ar", "fa", "zh_Hans", "hi")


def page_size(path: Path) -> tuple[int, int]:
    box = PdfReader(path).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_every_pack_locale_and_brand_is_built(example_dist: Path) -> None:
    built = sorted(str(path.relative_to(example_dist)) for path in example_dist.rglob("*.pdf"))
    expected = sorted(
        f"{brand}/{locale}/{pack}.pdf" for brand in BRANDS for locale in LOCALES for pack in PACKS
    )
    assert built == expected


@pytest.mark.parametrize("brand", BRANDS)
@pytest.mark.parametrize("pack", PACKS)
def test_spanish_leaflet_is_in_spanish_with_the_brands_phone(
    example_dist: Path, brand: str, pack: str
) -> None:
    text = pdf_text(example_dist / brand / "es" / f"{pack}.pdf")
    phone, emergency, _, _ = BRANDS[brand]
    assert phone in text
    assert emergency in text
    assert spanish_translation("Safety: when to get help", context="safety") in text
    assert spanish_translation("Your treatment record") in text
    assert "Safety: when to get help" not in text


def test_english_guide_has_every_section(example_dist: Path) -> None:
    text = pdf_text(example_dist / "harbour-lane-uk/en/neuromodulators.pdf")
    for heading in (
        "In short",
        "Questions to ask at your consultation",
        "Safety: when to get help",
        "Your treatment record",
        "About this leaflet",
        "Call 999 for emergency help",
    ):
        assert heading in " ".join(text.split()), heading


@pytest.mark.parametrize("brand", BRANDS)
def test_guide_follows_the_brand_paper_and_card_is_half_of_it(example_dist: Path, brand: str) -> None:
    # A card is half the clinic's sheet: A5 from A4, half-letter from Letter.
    assert page_size(example_dist / brand / "en/neuromodulators.pdf") == BRANDS[brand][2]
    assert page_size(example_dist / brand / "es/aftercare-card.pdf") == BRANDS[brand][3]


def test_page_numbers_are_in_the_leaflets_language(example_dist: Path) -> None:
    reader = PdfReader(example_dist / "maple-street-us/es/neuromodulators.pdf")
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        expected = spanish_translation("Page %(page)s of %(pages)s") % {"page": number, "pages": total}
        assert expected in page.extract_text()


def test_example_leaflets_are_drafts_with_the_mark_on_every_page(example_dist: Path) -> None:
    manifest = json.loads((example_dist / "manifest.json").read_text())
    assert {entry["status"] for entry in manifest["leaflets"]} == {"draft"}
    for entry in manifest["leaflets"]:
        assert any("not signed off" in reason for reason in entry["reasons"])
        for page in PdfReader(example_dist / entry["path"]).pages:
            assert "DRAFT — not for patient use" in page.extract_text()
        if entry["locale"] != "en":
            assert any("translation not reviewed" in reason for reason in entry["reasons"])


def test_manifest_matches_the_files_on_disk(example_dist: Path) -> None:
    manifest = json.loads((example_dist / "manifest.json").read_text())
    assert len(manifest["leaflets"]) == len(BRANDS) * len(LOCALES) * len(PACKS)
    for entry in manifest["leaflets"]:
        pdf = example_dist / entry["path"]
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == entry["sha256"]
        assert len(PdfReader(pdf).pages) == entry["pages"]
        assert entry["path"] == f"{entry['brand']}/{entry['locale']}/{entry['pack']}.pdf"
        assert len(entry["inputs_sha256"]) == 64


def test_pdf_metadata_names_title_language_clinic_and_subject(example_dist: Path) -> None:
    reader = PdfReader(example_dist / "harbour-lane-uk/es/neuromodulators.pdf")
    # Every example leaflet is a draft, and its title says so first.
    assert reader.metadata.title == (
        f"{translated_draft_mark('es')} · "
        f"{spanish_translation('Anti-wrinkle injections: your treatment guide')}"
    )
    assert reader.metadata.author == "Harbour Lane Aesthetics"
    assert reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_fonts_are_embedded(example_dist: Path) -> None:
    reader = PdfReader(example_dist / "maple-street-us/en/aftercare-card.pdf")
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            descriptor = descriptor.get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font


def test_card_fits_its_page_budget_in_every_built_locale(example_dist: Path) -> None:
    manifest = json.loads((example_dist / "manifest.json").read_text())
    for entry in manifest["leaflets"]:
        assert not any("over the limit of" in reason for reason in entry["reasons"]), entry["path"]


def test_brand_parameters_reach_the_text(example_dist: Path) -> None:
    # The US brand offers three products; the guide lists them in the locale's words.
    text = " ".join(pdf_text(example_dist / "maple-street-us/en/neuromodulators.pdf").split())
    assert "Botox Cosmetic, Daxxify, and Jeuveau" in text
    spanish = " ".join(pdf_text(example_dist / "maple-street-us/es/neuromodulators.pdf").split())
    assert "Botox Cosmetic, Daxxify y Jeuveau" in spanish
