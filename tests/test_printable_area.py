"""Every glyph inside its page's margins (printable_area.py), read back from the PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from weasyprint import CSS, HTML

from patientpacks.build.brands import load_brand
from patientpacks.build.packs import load_pack
from patientpacks.build.printable_area import (
    CONTENT_BOX,
    PAPER_EDGE,
    PRINTER_MARGIN_MM,
    TextOutside,
    find_text_outside,
)
from patientpacks.build.render_pdf import LeafletRenderer, page_boxes
from patientpacks.jobs import (
    Job,
    PageBoxes,
)
from patientpacks.model import Project

from .conftest import LAID_OUT_PAGES, REPO, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "printable-area"


def render_fixture(name: str, *stylesheets: CSS) -> tuple[bytes, tuple[PageBoxes, ...]]:
    """A fixture laid out by WeasyPrint alone (its own @page rules and fonts)."""
    document = HTML(filename=FIXTURES / name).render(stylesheets=stylesheets)
    return document.write_pdf(), tuple(page_boxes(page) for page in document.pages)


@pytest.fixture(scope="module")
def text_in_the_margins() -> list[TextOutside]:
    return find_text_outside(*render_fixture("text-in-the-margins.html"))


def test_a_word_in_the_margin_is_named_with_its_page_side_and_distance(
    text_in_the_margins: list[TextOutside],
) -> None:
    # The fixture sets the word 6 mm into the left margin; its ink starts
    # a little inside its pen position.
    finding = text_in_the_margins[0]
    assert (finding.page, finding.text, finding.side, finding.box) == (1, "نیاورید", "left", CONTENT_BOX)
    assert finding.distance_mm == pytest.approx(6.0, abs=0.5)
    assert (finding.off_paper_mm, finding.angle_degrees) == (0, 0)
    assert str(finding) == f"page 1: {finding.distance_mm:.1f} mm past the left margin: «نیاورید»"


def test_only_the_text_outside_the_margins_is_found(text_in_the_margins: list[TextOutside]) -> None:
    # Not the paragraphs inside the content box, nor the running footer in
    # its margin box; two words out one after the other are one finding.
    assert [(finding.page, finding.text) for finding in text_in_the_margins] == [
        (1, "نیاورید"),
        (2, "No sun"),
        (2, "Call 999"),
        (3, "DRAFT"),
    ]


def test_text_off_the_paper_says_how_far_off(text_in_the_margins: list[TextOutside]) -> None:
    finding = text_in_the_margins[2]  # set 12 mm past a 10 mm margin
    assert (finding.side, finding.distance_mm) == ("right", pytest.approx(12.0, abs=0.5))
    assert finding.off_paper_mm == pytest.approx(finding.distance_mm - 10.0, abs=0.01)
    assert f"({finding.off_paper_mm:.1f} mm off the paper)" in str(finding)


def test_text_set_at_an_angle_carries_its_angle(text_in_the_margins: list[TextOutside]) -> None:
    finding = text_in_the_margins[3]  # rotate(-32deg), like the draft mark
    assert (finding.text, finding.side, finding.angle_degrees) == ("DRAFT", "left", 328)
    assert "set at 328°" in str(finding)


def test_a_print_shop_bleed_around_the_page_moves_nothing(text_in_the_margins: list[TextOutside]) -> None:
    # With a bleed the PDF's media box grows around the page: the check
    # measures from the trim box, where the page box is.
    bleed = CSS(string="@page { bleed: 3mm; marks: crop; }")
    with_bleed = find_text_outside(*render_fixture("text-in-the-margins.html", bleed))
    assert [(f.page, f.text, f.side) for f in with_bleed] == [
        (f.page, f.text, f.side) for f in text_in_the_margins
    ]
    for moved, unmoved in zip(with_bleed, text_in_the_margins, strict=True):
        assert moved.distance_mm == pytest.approx(unmoved.distance_mm, abs=0.01)


def test_a_footer_in_its_box_but_near_the_papers_edge_is_found() -> None:
    (finding,) = find_text_outside(*render_fixture("footer-near-the-edge.html"))
    assert (finding.page, finding.side, finding.box) == (1, "bottom", PAPER_EDGE)
    assert finding.text == "Clinic · 020 7946 0321 · Page 1 of 1"
    edge = PRINTER_MARGIN_MM - finding.distance_mm  # how far from the edge its lowest ink is
    assert edge == pytest.approx(2.5, abs=0.7)
    assert str(finding) == (
        f"page 1: {edge:.1f} mm from the bottom edge of the paper, where office printers print nothing "
        f"(the outer 5 mm): «{finding.text}»"
    )


def test_page_boxes_that_are_not_the_pdfs_are_refused() -> None:
    pdf, boxes = render_fixture("text-in-the-margins.html")
    with pytest.raises(ValueError, match="the PDF has 3 pages, its layout 2"):
        find_text_outside(pdf, boxes[:2])
    letter = PageBoxes(215.9, 279.4, boxes[0].content_box, boxes[0].margin_boxes)
    with pytest.raises(ValueError, match=r"the PDF's page is 148.0 x 210.0 mm, its layout 215.9 x 279.4 mm"):
        find_text_outside(pdf, (letter, *boxes[1:]))


def test_symbol_lists_hang_inside_the_margins_in_both_directions() -> None:
    # The ✓, ✗ and ? lists of a Persian card, laid out by the project's own
    # stylesheet: a hanging indent applied on the left whatever the direction
    # pushed each full first line 1.4em (6 mm) into the left margin.
    renderer = LeafletRenderer(Project(REPO))
    job = Job(
        pack=load_pack(REPO / "packs/aftercare-card"),
        brand=load_brand(REPO / "brands/harbour-lane-uk.toml"),
        locale="fa",
        catalogue_path=None,
        inputs_sha256="0" * 64,
    )
    document = renderer.lay_out((FIXTURES / "symbol-lists.html").read_text(encoding="utf-8"), job)
    pdf, boxes = renderer.write(document, job, ()), tuple(page_boxes(page) for page in document.pages)
    assert [str(finding) for finding in find_text_outside(pdf, boxes)] == []


# --- Every example leaflet -----------------------------------------------------


@pytest.fixture(scope="module")
def example_findings(every_example_pdf: list[Path]) -> list[tuple[str, TextOutside]]:
    """The check's findings on every example PDF, against the page boxes the
    renderer recorded for it while conftest built it."""
    return [
        ("/".join(path.parts[-3:]), finding)
        for path in every_example_pdf
        for finding in find_text_outside(path.read_bytes(), LAID_OUT_PAGES[path])
    ]


def test_every_example_pdf_has_its_text_inside_the_margins_and_clear_of_the_papers_edge(
    every_example_pdf: list[Path], example_findings: list[tuple[Path, TextOutside]]
) -> None:
    # The draft mark included: it is on every page of every example.
    assert len(every_example_pdf) == 80
    assert [f"{path}: {finding}" for path, finding in example_findings] == []


# --- The translator's check ----------------------------------------------------------


def test_check_reports_a_list_pushed_into_the_margin_and_exits_1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A small copy: one brand; its stylesheet moves the card's ✗ list 6 mm
    # to the left, 1 mm from the paper's edge (the card's margin is 7 mm).
    (project / "brands/maple-street-us.toml").unlink()
    stylesheet = project / "templates/leaflet.css"
    stylesheet.write_text(stylesheet.read_text() + "\nul.dont { margin-left: -6mm; }\n")
    assert run_cli(project, "check", "--locale", "es") == 1
    out = capsys.readouterr().out
    # The file is shown as a path from the current folder: the copy's is absolute.
    found = re.findall(
        r"/packs/aftercare-card/pack\.toml: harbour-lane-uk/es/aftercare-card pages? 1[, 1]*: "
        r"(\d+\.\d) mm past the left margin: «([^»\s]+)",
        out,
    )
    assert found, out
    # Every line of the list begins 6 mm into the margin; the ✗ is furthest out.
    assert {text for _, text in found} >= {"✗"}
    assert max(float(distance) for distance, _ in found) == pytest.approx(6.0, abs=0.5)
