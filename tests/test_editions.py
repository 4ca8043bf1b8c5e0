"""Accessible, print-shop, large-print and traceable leaflets, read back from real builds."""

from __future__ import annotations

import collections
import hashlib
import json
import subprocess
from pathlib import Path

import pdfplumber
import zxingcpp
from markupsafe import Markup
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from patientpacks.build.render_html import qr_code

from .conftest import EDITION_ARGS, REPO, pdf_text, run_cli


def manifest(out: Path) -> dict[str, dict]:
    return {entry["path"]: entry for entry in json.loads((out / "manifest.json").read_text())["leaflets"]}


def structure_elements(reader: PdfReader) -> list[DictionaryObject]:
    """Every element of the PDF's structure tree, in reading order."""
    found = []

    def walk(node: object) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject) and node.get("/Type") in ("/StructElem", "/StructTreeRoot"):
            if node.get("/Type") == "/StructElem":
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def font_is_embedded(font: DictionaryObject) -> bool:
    font = font.get_object()
    descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    return any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def outline_titles(outline: list) -> list[str]:
    return [
        title
        for item in outline
        for title in (outline_titles(item) if isinstance(item, list) else [item.title])
    ]


def test_every_example_pdf_is_tagged_pdf_ua_with_language_title_outline_and_embedded_fonts(
    example_dist: Path,
) -> None:
    # The language tag of the variety the brand's country prints (en-GB for
    # the UK clinic's English, es-US for the US clinic's Spanish).
    varieties = {
        ("harbour-lane-uk", "en"): "en_GB",
        ("maple-street-us", "en"): "en_US",
        ("maple-street-us", "es"): "es_US",
    }
    for path in sorted(example_dist.rglob("*.pdf")):
        locale = varieties.get((path.parent.parent.name, path.parent.name), path.parent.name)
        reader = PdfReader(path)
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == locale.replace("_", "-"), path
        assert catalog["/MarkInfo"]["/Marked"], path
        assert catalog["/ViewerPreferences"]["/DisplayDocTitle"], path
        assert b"pdfuaid:part>1<" in catalog["/Metadata"].get_object().get_data() or (
            b'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data()
        ), path
        elements = structure_elements(reader)
        kinds = {element["/S"] for element in elements}
        assert {"/H1", "/H2", "/P", "/L", "/LI", "/Figure"} <= kinds, (path, kinds)
        title = reader.metadata.title
        # The title ends with the first bookmark, the heading (a draft's starts with the draft words).
        assert title and title.endswith(outline_titles(reader.outline)[0]), path
        assert len(outline_titles(reader.outline)) >= 5, path
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                assert font_is_embedded(font), (path, font.get_object()["/BaseFont"])


def test_logo_and_qr_code_are_figures_with_alt_text(example_dist: Path) -> None:
    reader = PdfReader(example_dist / "harbour-lane-uk/es/neuromodulators.pdf")
    alts = [
        str(element.get("/Alt", "")) for element in structure_elements(reader) if element["/S"] == "/Figure"
    ]
    assert "Harbour Lane Aesthetics logo: three blue waves" in alts[0]
    assert alts[1] == "Código QR que enlaza a https://harbourlane.example/l/neuromodulators/es"


def test_english_passage_in_a_persian_leaflet_is_tagged_english(example_dist: Path) -> None:
    reader = PdfReader(example_dist / "maple-street-us/fa/neuromodulators.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "fa"
    elements = list(structure_elements(reader))
    lists = [element for element in elements if element["/S"] == "/L"]
    # Every list is Persian, the sources too (translated around their
    # titles); only the title they quote, “MedWatch”, is tagged English.
    assert len(lists) > 5 and not [element for element in lists if element.get("/Lang") == "en"]
    assert [element for element in elements if element.get("/Lang") == "en"]


def test_large_print_edition_body_text_is_16_pt_and_nothing_is_under_13(editions_dist: Path) -> None:
    for path in editions_dist.rglob("*.large-print.pdf"):
        with pdfplumber.open(path) as pdf:
            sizes = collections.Counter(
                round(char["size"], 1) for page in pdf.pages for char in page.chars if char["upright"]
            )
        body_size = sizes.most_common(1)[0][0]
        assert body_size >= 16, (path, sizes)
        assert min(sizes) >= 13, (path, sizes)


def heading_sizes(path: Path) -> dict[str, set[float]]:
    """The font sizes of each heading (H1-H6 in the structure tree) of a
    PDF, by its text."""
    sizes: dict[str, set[float]] = collections.defaultdict(set)
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            headings, pending = [], list(page.structure_tree)
            while pending:
                element = pending.pop()
                if element["type"] in ("H1", "H2", "H3", "H4", "H5", "H6"):
                    headings.append(element)
                else:
                    pending += element.get("children", [])
            for heading in headings:
                mcids, parts = set(), [heading]
                while parts:
                    part = parts.pop()
                    mcids.update(part.get("mcids", []))
                    parts += part.get("children", [])
                chars = [char for char in page.chars if char.get("mcid") in mcids]
                text = "".join(char["text"] for char in chars)
                sizes[text] |= {round(char["size"], 1) for char in chars}
    return sizes


def test_large_print_headings_are_19_to_28_pt_the_small_prints_included_within_the_page_budget(
    editions_dist: Path,
) -> None:
    for path in editions_dist.rglob("*.large-print.pdf"):
        sizes = heading_sizes(path)
        assert len(sizes) >= 8, path
        for text, sizes_of_heading in sizes.items():
            assert all(19 <= size <= 28 for size in sizes_of_heading), (path, text, sizes_of_heading)
    about = heading_sizes(editions_dist / "harbour-lane-uk/en/aftercare-card.large-print.pdf")[
        "About this leaflet"
    ]
    assert about == {19}
    for path, entry in manifest(editions_dist).items():
        if entry["edition"] == "large-print":
            assert not [reason for reason in entry["reasons"] if "over the limit" in reason], (path, entry)


def test_standard_edition_body_is_12_pt_and_nothing_under_9(editions_dist: Path) -> None:
    for path in editions_dist.glob("*/*/*[!tn].pdf"):  # not .large-print / .print-shop / .bilingual-en
        with pdfplumber.open(path) as pdf:
            sizes = collections.Counter(
                round(char["size"], 1) for page in pdf.pages for char in page.chars if char["upright"]
            )
        assert sizes.most_common(1)[0][0] >= 12 and min(sizes) >= 9, (path, sizes)


def test_manifest_lists_every_edition_with_its_code_and_inputs(editions_dist: Path) -> None:
    entries = manifest(editions_dist)
    editions = collections.Counter(entry["edition"] for entry in entries.values())
    assert editions == {"standard": 12, "large-print": 12, "print-shop": 12, "bilingual-en": 8}
    codes = [entry["edition_code"] for entry in entries.values()]
    assert len(set(codes)) == len(codes)
    entry = entries["harbour-lane-uk/es/aftercare-card.large-print.pdf"]
    assert entry["inputs"]["pack_version"] == "1.0.0"
    assert entry["inputs"]["catalogue"]["file"] == "locales/es/LC_MESSAGES/messages.po"
    assert entry["inputs"]["brand"]["file"] == "brands/harbour-lane-uk.toml"
    assert entry["inputs"]["pack"]["file"] == "packs/aftercare-card/pack.toml"
    for role in ("pack", "brand", "catalogue"):
        described = entry["inputs"][role]
        assert described["sha256"] == hashlib.sha256((REPO / described["file"]).read_bytes()).hexdigest(), (
            role
        )
    assert entry["inputs"]["second_catalogue"] is None


def test_edition_code_printed_in_the_small_print_is_the_manifests(editions_dist: Path) -> None:
    for path, entry in manifest(editions_dist).items():
        if "/fa/" not in path:  # Persian text extraction reorders the isolated code
            text = "".join(pdf_text(editions_dist / path).split()).replace("\u2068", "").replace("\u2069", "")
            assert entry["edition_code"] in text, path


def test_building_twice_gives_byte_identical_pdfs_in_every_edition(
    editions_dist: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again"
    assert run_cli(REPO, "--out", str(again), *EDITION_ARGS, "--jobs", "2", "-q") == 0
    pdfs = sorted(path.relative_to(editions_dist) for path in editions_dist.rglob("*.pdf"))
    assert len(pdfs) == 44
    for pdf in pdfs:
        assert (again / pdf).read_bytes() == (editions_dist / pdf).read_bytes(), pdf


def test_qr_code_reads_back_as_the_brands_url_printed_beneath_it(editions_dist: Path, tmp_path: Path) -> None:
    path = editions_dist / "harbour-lane-uk/fa/aftercare-card.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "page")], check=True)
    codes = [
        code.text
        for page in sorted(tmp_path.glob("page*.png"))
        for code in zxingcpp.read_barcodes(Image.open(page))
    ]
    url = "https://harbourlane.example/l/aftercare-card/fa"
    assert codes == [url]
    assert url in "".join(pdf_text(path).split())


def test_brand_without_a_qr_url_prints_no_qr_code(editions_dist: Path) -> None:
    reader = PdfReader(editions_dist / "maple-street-us/en/aftercare-card.pdf")
    assert [element for element in structure_elements(reader) if element["/S"] == "/Figure"][1:] == []


def test_bilingual_edition_follows_each_section_with_its_second_language(editions_dist: Path) -> None:
    text = " ".join(pdf_text(editions_dist / "harbour-lane-uk/es/aftercare-card.bilingual-en.pdf").split())
    order = [
        "Qué hacer",
        "What to do",
        "Qué evitar",
        "What to avoid",
        "Su cita de revisión",
        "Your review appointment",
        "Seguridad: cuándo pedir ayuda",
        "Safety: when to get help",
    ]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_bilingual_right_to_left_leaflet_tags_its_left_to_right_language(editions_dist: Path) -> None:
    reader = PdfReader(editions_dist / "maple-street-us/fa/neuromodulators.bilingual-en.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "fa"
    english = [element for element in structure_elements(reader) if element.get("/Lang") == "en-US"]
    # The US clinic's English: the English title, each English section, the English safety box, the sources.
    assert len([element for element in english if element["/S"] == "/Div"]) >= 9
    text = pdf_text(editions_dist / "maple-street-us/fa/neuromodulators.bilingual-en.pdf")
    assert "Safety: when to get help" in text and "Who should not have it" in text


def test_bilingual_edition_is_a_draft_while_its_second_language_is_unreviewed(tmp_path: Path) -> None:
    args = (
        "--locale",
        "en",
        "--bilingual",
        "es",
        "--pack",
        "aftercare-card",
        "--brand",
        "harbour-lane-uk",
        "-q",
    )
    assert run_cli(REPO, "--out", str(tmp_path), *args) == 0
    reasons = manifest(tmp_path)["harbour-lane-uk/en/aftercare-card.bilingual-es.pdf"]["reasons"]
    assert any(reason.startswith("translation not reviewed (locales/es/") for reason in reasons), reasons
    assert "Seguridad: cuándo pedir ayuda" in pdf_text(
        tmp_path / "harbour-lane-uk/en/aftercare-card.bilingual-es.pdf"
    )


def test_bilingual_edition_with_an_unknown_language_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli(REPO, "--out", str(tmp_path), "--bilingual", "xx", "-q") == 2


def test_qr_alt_text_is_escaped_once(tmp_path: Path) -> None:
    svg = qr_code(
        "https://clinic.example/?a=1&b=2", Markup("QR code linking to %s") % "https://clinic.example/?a=1&b=2"
    )
    assert "<title>QR code linking to https://clinic.example/?a=1&amp;b=2</title>" in svg
