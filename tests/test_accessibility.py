"""PDF/UA-1, checked through lenses other than the code that wrote the PDFs.

Two lenses: the independent validator ``page`` (PyPI ``page-validation``),
over every example PDF; and the structure read back with pypdf: the structure
tree, the parent tree, the marked content of the page content streams, the
outline and the metadata.
"""

from __future__ import annotations

import collections
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import page
import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from patientpacks.build.brands import load_brand
from patientpacks.build.catalogues import parse_locale
from patientpacks.build.packs import load_pack
from patientpacks.build.render_html import native_digits
from patientpacks.build.render_pdf import LeafletRenderer
from patientpacks.errors import RenderError
from patientpacks.jobs import Job
from patientpacks.model import Brand, Project

from .conftest import REPO, run_cli, translated_draft_mark
from .test_publishing import sign_off


def leaflet_name(path: Path) -> str:
    """``<brand>/<locale>/<file name>``, as in the manifest."""
    return "/".join(path.parts[-3:])


# ---------------------------------------------------------------------------
# The validator


@cache
def validator_failures(path: Path) -> tuple[tuple[str, str], ...]:
    report = page.validate_pdf(path, profile="ua1")
    return tuple((failure.rule_id, failure.message) for failure in report.failures)


def test_every_example_pdf_passes_the_independent_pdf_ua_1_validator(every_example_pdf: list[Path]) -> None:
    assert len(every_example_pdf) == 80
    unexpected = [
        f"{leaflet_name(path)}: {rule}: {message}"
        for path in every_example_pdf
        for rule, message in validator_failures(path)
    ]
    assert not unexpected, f"page (PDF/UA-1) found {len(unexpected)} failures:\n" + "\n".join(unexpected)


# ---------------------------------------------------------------------------
# The structure tree and the parent tree, read with pypdf


def structure_elements_in_file(reader: PdfReader) -> dict[int, DictionaryObject]:
    """Every structure element the file holds, reachable or not, by object number."""
    found = {}
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/StructElem":
            found[number] = obj
    return found


def kids(node: DictionaryObject) -> list:
    k = node.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, ArrayObject) else [k]


def reachable_structure_elements(reader: PdfReader) -> dict[int, DictionaryObject]:
    """The structure elements a screen reader reaches walking down from the
    StructTreeRoot, by object number."""
    reached: dict[int, DictionaryObject] = {}

    def walk(node: DictionaryObject) -> None:
        for kid in kids(node):
            if isinstance(kid, IndirectObject):
                element = kid.get_object()
                if element.get("/Type") == "/StructElem" and kid.idnum not in reached:
                    reached[kid.idnum] = element
                    walk(element)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return reached


def kid_numbers(node: DictionaryObject) -> set[int]:
    return {kid.idnum for kid in kids(node) if isinstance(kid, IndirectObject)}


def kid_mcids(node: DictionaryObject) -> set[int]:
    """The marked-content IDs an element owns: integers, or marked-content references."""
    mcids = set()
    for kid in kids(node):
        if isinstance(kid, int):
            mcids.add(int(kid))
        elif isinstance(kid, (DictionaryObject, IndirectObject)):
            kid = kid.get_object()
            if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
                mcids.add(int(kid["/MCID"]))
    return mcids


def number_tree(node: DictionaryObject) -> dict[int, object]:
    """A number tree (the ParentTree) as a dict."""
    entries = {}
    nums = node.get("/Nums", [])
    for index in range(0, len(nums), 2):
        entries[int(nums[index])] = nums[index + 1]
    for kid in node.get("/Kids", []):
        entries.update(number_tree(kid.get_object()))
    return entries


def test_every_structure_element_is_reachable_and_listed_by_its_parent(every_example_pdf: list[Path]) -> None:
    for path in every_example_pdf:
        reader = PdfReader(path)
        in_file = structure_elements_in_file(reader)
        reachable = reachable_structure_elements(reader)
        unreachable = sorted(
            (str(element["/S"]), number) for number, element in in_file.items() if number not in reachable
        )
        assert not unreachable, (
            f"{leaflet_name(path)}: structure elements no reader reaches: {unreachable[:10]}"
        )
        for number, element in in_file.items():
            parent = element["/P"].get_object()
            assert number in kid_numbers(parent), (
                f"{leaflet_name(path)}: {element['/S']} (object {number}) names a parent that does not list it"
            )


def test_every_marked_content_id_maps_to_a_reachable_element_that_owns_it(
    every_example_pdf: list[Path],
) -> None:
    for path in every_example_pdf:
        reader = PdfReader(path)
        reachable = reachable_structure_elements(reader)
        parent_tree = number_tree(reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object())
        for page_index, pdf_page in enumerate(reader.pages):
            where = f"{leaflet_name(path)} page {page_index + 1}"
            mcids = [
                section.mcid for section in sections_of_pdf(path)[page_index] if section.mcid is not None
            ]
            assert len(mcids) == len(set(mcids)), f"{where}: a marked-content ID used twice"
            mapping = parent_tree[int(pdf_page["/StructParents"])].get_object()
            assert len(mapping) == len(mcids), (
                f"{where}: {len(mcids)} marked-content IDs, {len(mapping)} mapped"
            )
            for mcid in mcids:
                reference = mapping[mcid]
                assert isinstance(reference, IndirectObject) and reference.idnum in reachable, (
                    f"{where}: MCID {mcid} maps to an element no reader reaches"
                )
                assert mcid in kid_mcids(reachable[reference.idnum]), (
                    f"{where}: MCID {mcid}'s element lacks it"
                )
        for key, value in parent_tree.items():
            # A page's entry is an array of elements, by MCID; an annotation's is one element.
            resolved = value.get_object()
            for reference in resolved if isinstance(resolved, ArrayObject) else [value]:
                assert isinstance(reference, IndirectObject) and reference.idnum in reachable, (
                    f"{leaflet_name(path)}: ParentTree entry {key} names an element no reader reaches"
                )


# ---------------------------------------------------------------------------
# Marked content in the page content streams

#: Operators that show text.
TEXT_OPERATORS = {b"Tj", b"TJ", b"'", b'"'}


@dataclass
class MarkedSection:
    """One marked-content sequence (BDC/BMC ... EMC) of a page."""

    tag: str
    properties: dict
    mcid: int | None
    inside: tuple[str, ...]  # the kinds of the sections around it, outermost first
    shows_text: bool = False
    text: str = ""

    @property
    def kind(self) -> str:
        """ "artifact"; "content" (tagged: it has an MCID); or "properties" (a
        span that only gives its content properties, such as /ActualText)."""
        if self.tag == "/Artifact":
            return "artifact"
        return "properties" if self.mcid is None else "content"


def marked_sections(pdf_page) -> list[MarkedSection]:
    """The page's marked-content sequences, with the text each shows (as
    pypdf extracts it). Fails on unbalanced BDC/BMC/EMC."""
    sections: list[MarkedSection] = []
    open_sections: list[MarkedSection] = []
    text_outside: list[bytes] = []

    def before(operator: bytes, operands: list, *_: object) -> None:
        if operator in (b"BDC", b"BMC"):
            properties = operands[1] if operator == b"BDC" else {}
            properties = (
                dict(properties.get_object())
                if isinstance(properties, (DictionaryObject, IndirectObject))
                else {}
            )
            mcid = properties.get("/MCID")
            section = MarkedSection(
                tag=str(operands[0]),
                properties={key: str(value) for key, value in properties.items()},
                mcid=None if mcid is None else int(mcid),
                inside=tuple(open_one.kind for open_one in open_sections),
            )
            sections.append(section)
            open_sections.append(section)
        elif operator == b"EMC":
            assert open_sections, "EMC without BDC/BMC"
            open_sections.pop()
        elif operator in TEXT_OPERATORS:
            for open_one in open_sections:
                open_one.shows_text = True
            if not any(open_one.kind in ("artifact", "content") for open_one in open_sections):
                text_outside.append(operator)

    def collect_text(text: str, *_: object) -> None:
        for open_one in open_sections:
            open_one.text += text

    pdf_page.extract_text(visitor_operand_before=before, visitor_text=collect_text)
    assert not open_sections, "BDC/BMC without EMC"
    assert not text_outside, f"text neither tagged nor an artifact: {len(text_outside)} operators"
    return sections


@cache
def sections_of_pdf(path: Path) -> tuple[tuple[MarkedSection, ...], ...]:
    """Every page's marked-content sequences, parsed once per file for all
    the tests that read them (parsing content streams is most of their time)."""
    return tuple(tuple(marked_sections(pdf_page)) for pdf_page in PdfReader(path).pages)


def test_real_content_and_artifacts_never_nest_and_all_text_is_one_or_the_other(
    every_example_pdf: list[Path],
) -> None:
    for path in every_example_pdf:
        for page_index, page_sections in enumerate(sections_of_pdf(path)):
            for section in page_sections:
                where = f"{leaflet_name(path)} page {page_index + 1}"
                if section.kind == "artifact":
                    assert "content" not in section.inside, f"{where}: an artifact inside tagged content"
                elif section.kind == "content":
                    assert "artifact" not in section.inside, f"{where}: tagged content inside an artifact"
                else:
                    assert section.inside, f"{where}: {section.tag} with neither MCID nor artifact around it"


@cache
def catalogue_message(locale: str, msgid: str) -> str:
    """The translation of ``msgid`` (the source text for English)."""
    if locale == "en":
        return msgid
    with (REPO / "locales" / locale / "LC_MESSAGES/messages.po").open("rb") as file:
        message = read_po(file).get(msgid)
    assert message is not None and message.string and not message.fuzzy, (locale, msgid)
    return message.string


DRAFT_WORDS = "DRAFT — not for patient use"
PAGE_LABEL = "Page %(page)s of %(pages)s"


@cache
def brand(brand_id: str) -> Brand:
    return load_brand(REPO / "brands" / f"{brand_id}.toml")


def leaflet_of(path: Path) -> tuple[Brand, str, str | None]:
    """The brand, locale and second locale (bilingual editions) of an example PDF."""
    brand_id, locale, name = path.parts[-3:]
    edition = name.split(".")[1] if name.count(".") == 2 else ""
    return (
        brand(brand_id),
        locale,
        edition.removeprefix("bilingual-") if edition.startswith("bilingual-") else None,
    )


def letters(text: str) -> collections.Counter:
    """The characters of ``text`` that a reader reads, counted: order left
    out (right-to-left text comes out of the PDF in visual order), spaces,
    joiners and bidi controls left out, compatibility forms folded."""
    return collections.Counter(reading_text(text))


def reading_text(text: str) -> str:
    """``text`` in order without spaces, joiners and bidi controls, compatibility
    forms folded: to find a phrase in extracted text (a right-to-left phrase
    may come out reversed: look for its reverse too)."""
    return "".join(
        char
        for char in unicodedata.normalize("NFKC", text)
        if not char.isspace() and unicodedata.category(char) != "Cf"
    )


def artifacts_of(sections: list[MarkedSection], subtype: str) -> list[MarkedSection]:
    return [
        section
        for section in sections
        if section.tag == "/Artifact"
        and section.properties.get("/Type") == "/Pagination"
        and section.properties.get("/Subtype") == subtype
    ]


def assert_artifact_shows(artifact: MarkedSection, expected: str, where: str) -> None:
    """The artifact shows the letters of ``expected`` and nothing else."""
    assert letters(artifact.text) == letters(expected), (where, artifact.text, expected)


def draft_mark_words(locale: str, second_locale: str | None) -> list[str]:
    """The draft mark's lines: the leaflet's language, the second language, English; each once."""
    languages = [locale, second_locale] if second_locale else [locale]
    return list(dict.fromkeys([*map(translated_draft_mark, languages), DRAFT_WORDS]))


def test_footer_and_draft_mark_are_pagination_artifacts_on_every_page(every_example_pdf: list[Path]) -> None:
    """The footer's clinic, phone and "Page n of m", and the draft mark's
    words (every example is a draft), are drawn as /Pagination artifacts
    (/Footer, /Watermark) on every page that has content, and none of it is
    tagged content."""
    for path in every_example_pdf:
        clinic, locale, second_locale = leaflet_of(path)
        draft_words = draft_mark_words(locale, second_locale)
        pages = [list(sections) for sections in sections_of_pdf(path)]
        # Blank pages (a folded booklet's padding) carry neither; the others
        # are numbered 1 to n.
        content_pages = [sections for sections in pages if any(section.shows_text for section in sections)]
        babel_locale = parse_locale(locale)
        for number, sections in enumerate(content_pages, start=1):
            where = f"{leaflet_name(path)} page {number}"
            page_label = catalogue_message(locale, PAGE_LABEL) % {
                "page": native_digits(str(number), babel_locale),
                "pages": native_digits(str(len(content_pages)), babel_locale),
            }
            footers, watermarks = artifacts_of(sections, "/Footer"), artifacts_of(sections, "/Watermark")
            assert (len(footers), len(watermarks)) == (1, 1), (
                f"{where}: {len(footers)} footers, {len(watermarks)} marks"
            )
            assert_artifact_shows(footers[0], f"{clinic.name} · {clinic.contact.phone}{page_label}", where)
            assert_artifact_shows(watermarks[0], "".join(draft_words), where)
            assert reading_text(DRAFT_WORDS) in reading_text(watermarks[0].text), where
            # In stream order; a right-to-left phrase may come out reversed.
            tagged = reading_text("".join(section.text for section in sections if section.mcid is not None))
            for words in map(reading_text, (page_label, *draft_words)):
                assert words not in tagged and words[::-1] not in tagged, (
                    f"{where}: {words!r} is tagged content"
                )


# ---------------------------------------------------------------------------
# Languages: the logo's and the QR code's alt text


def effective_language(reader: PdfReader, element: DictionaryObject) -> str:
    """The language of an element's content: its /Lang, else its nearest ancestor's, else the document's."""
    node = element
    while node.get("/Type") == "/StructElem":
        if "/Lang" in node:
            return str(node["/Lang"])
        node = node["/P"].get_object()
    return str(reader.trailer["/Root"]["/Lang"])


def figures(reader: PdfReader) -> list[DictionaryObject]:
    return [
        element for element in reachable_structure_elements(reader).values() if element["/S"] == "/Figure"
    ]


def test_logo_alt_text_is_tagged_with_the_brands_language(every_example_pdf: list[Path]) -> None:
    for path in every_example_pdf:
        clinic, locale, _ = leaflet_of(path)
        reader = PdfReader(path)
        (logo,) = [figure for figure in figures(reader) if figure.get("/Alt") == clinic.logo.alt]
        assert effective_language(reader, logo) == clinic.language.replace("_", "-"), leaflet_name(path)
        if clinic.language != locale:
            assert logo["/Lang"] == clinic.language.replace("_", "-"), leaflet_name(path)


def test_translated_qr_alt_text_is_in_the_leaflets_language(every_example_pdf: list[Path]) -> None:
    with_qr = [path for path in every_example_pdf if leaflet_of(path)[0].qr_url]
    assert len(with_qr) == 40
    for path in with_qr:
        clinic, locale, _ = leaflet_of(path)
        url = clinic.qr_url.replace("{pack}", path.name.split(".")[0]).replace("{locale}", locale)
        reader = PdfReader(path)
        (qr,) = [figure for figure in figures(reader) if url in figure.get("/Alt", "")]
        assert effective_language(reader, qr) == str(reader.trailer["/Root"]["/Lang"]), leaflet_name(path)


def test_qr_alt_text_that_fell_back_to_english_is_tagged_english(project: Path, tmp_path: Path) -> None:
    po = project / "locales/es/LC_MESSAGES/messages.po"
    po.write_text(po.read_text().replace('msgstr "Código QR que enlaza a %(url)s"', 'msgstr ""'))
    args = ("--brand", "harbour-lane-uk", "--pack", "aftercare-card", "--locale", "es", "-q")
    assert run_cli(project, "--out", str(tmp_path / "out"), *args) == 0
    reader = PdfReader(tmp_path / "out/harbour-lane-uk/es/aftercare-card.pdf")
    (qr,) = [
        figure for figure in figures(reader) if str(figure.get("/Alt", "")).startswith("QR code linking to")
    ]
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert effective_language(reader, qr) == "en"


# ---------------------------------------------------------------------------
# Outline and metadata

#: Unicode's bidi controls: LRM, RLM, ALM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
BIDI_CONTROLS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def outline_titles(outline: list) -> Iterator[str]:
    for item in outline:
        if isinstance(item, list):
            yield from outline_titles(item)
        else:
            yield str(item.title)


def xmp_texts(reader: PdfReader, name: str) -> list[str]:
    """The texts of a Dublin Core property (``dc:title``, ``dc:description``) in the XMP metadata."""
    xmp = reader.xmp_metadata
    assert xmp is not None
    values = getattr(xmp, name)
    return list(values.values()) if isinstance(values, dict) else [values]


def test_outline_titles_and_metadata_carry_no_bidi_controls(every_example_pdf: list[Path]) -> None:
    for path in every_example_pdf:
        reader = PdfReader(path)
        texts = [
            *outline_titles(reader.outline),
            reader.metadata.title,
            reader.metadata.subject,
            *xmp_texts(reader, "dc_title"),
            *xmp_texts(reader, "dc_description"),
        ]
        assert len(texts) > 6
        for text in texts:
            assert not BIDI_CONTROLS & set(text), f"{leaflet_name(path)}: {text!r}"


def test_a_drafts_title_and_subject_start_with_the_draft_words_in_its_language(
    every_example_pdf: list[Path],
) -> None:
    for path in every_example_pdf:
        _, locale, _ = leaflet_of(path)
        reader = PdfReader(path)
        draft_words = translated_draft_mark(locale)
        heading = next(outline_titles(reader.outline))
        for title in (reader.metadata.title, *xmp_texts(reader, "dc_title")):
            assert title.startswith(draft_words) and title.endswith(heading), (leaflet_name(path), title)
        for subject in (reader.metadata.subject, *xmp_texts(reader, "dc_description")):
            assert subject.startswith(draft_words), (leaflet_name(path), subject)


def test_a_publishable_leaflets_title_is_its_heading_alone(project: Path, tmp_path: Path) -> None:
    sign_off(project)
    args = ("--brand", "harbour-lane-uk", "--pack", "aftercare-card", "--locale", "es", "--strict", "-q")
    assert run_cli(project, "--out", str(tmp_path / "out"), *args) == 0
    reader = PdfReader(tmp_path / "out/harbour-lane-uk/es/aftercare-card.pdf")
    heading = next(outline_titles(reader.outline))
    assert reader.metadata.title == heading == "Después de sus inyecciones antiarrugas"
    assert xmp_texts(reader, "dc_title") == [heading]
    assert translated_draft_mark("es") not in reader.metadata.subject
    for pdf_page in reader.pages:
        assert not artifacts_of(marked_sections(pdf_page), "/Watermark")
        assert len(artifacts_of(marked_sections(pdf_page), "/Footer")) == 1


# ---------------------------------------------------------------------------
# Artifacts in any HTML the renderer is given


@pytest.fixture(scope="module")
def renderer_and_job() -> tuple[LeafletRenderer, Job]:
    job = Job(
        pack=load_pack(REPO / "packs/aftercare-card"),
        brand=load_brand(REPO / "brands/harbour-lane-uk.toml"),
        locale="en",
        catalogue_path=None,
        inputs_sha256="0" * 64,
    )
    return LeafletRenderer(Project(REPO)), job


def rendered_pages(renderer_and_job: tuple[LeafletRenderer, Job], html: str) -> list[list[MarkedSection]]:
    renderer, job = renderer_and_job
    pdf, _ = renderer.render(html, job)
    return [marked_sections(pdf_page) for pdf_page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_margin_box_is_an_artifact_named_by_its_side(
    renderer_and_job: tuple[LeafletRenderer, Job],
) -> None:
    html = """<html lang="en"><style>
      @page { @top-left { content: "Clinic" } @bottom-right { content: counter(page) } @left-middle { content: "L" } }
      </style><body><p>Body text.</p></body></html>"""
    (sections,) = rendered_pages(renderer_and_job, html)
    artifacts = {
        (section.properties.get("/Subtype"), reading_text(section.text))
        for section in sections
        if section.tag == "/Artifact" and section.shows_text
    }
    assert artifacts == {("/Header", "Clinic"), ("/Footer", "1"), (None, "L")}
    assert [reading_text(section.text) for section in sections if section.mcid is not None] == ["Bodytext."]


def test_an_artifact_element_drawn_with_the_page_content_fails_naming_the_fix(
    renderer_and_job: tuple[LeafletRenderer, Job],
) -> None:
    html = '<html lang="en"><body><div data-pdf-artifact="watermark">DRAFT</div><p>Body.</p></body></html>'
    with pytest.raises(RenderError, match="give it a stacking context of its own"):
        rendered_pages(renderer_and_job, html)


def test_an_unknown_artifact_kind_fails_naming_the_kinds(
    renderer_and_job: tuple[LeafletRenderer, Job],
) -> None:
    html = """<html lang="en"><body><div data-pdf-artifact="stamp" style="position: fixed; z-index: 1">X</div>
      <p>Body.</p></body></html>"""
    with pytest.raises(RenderError, match="use one of header, footer, watermark"):
        rendered_pages(renderer_and_job, html)
