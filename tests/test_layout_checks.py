"""Pagination a patient stumbles on (layout_checks.py), found on small pages
made to break each check, and on none of the example leaflets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from weasyprint import HTML

from patientpacks.build import layout_checks
from patientpacks.build.layout_checks import LayoutFinding, find_layout_problems
from patientpacks.build.render_pdf import page_boxes
from patientpacks.jobs import LaidOutBlock, PageBoxes

from .conftest import LAID_OUT_PAGES, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "layout-checks"


def laid_out(name: str) -> tuple[PageBoxes, ...]:
    """A fixture laid out by WeasyPrint alone, its pages' blocks recorded."""
    numbers: dict[int, int] = {}
    return tuple(page_boxes(page, numbers) for page in HTML(filename=FIXTURES / name).render().pages)


def findings(name: str) -> list[tuple[int, str, str]]:
    return [(finding.page, finding.kind, finding.text) for finding in find_layout_problems(laid_out(name))]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        pytest.param(
            "heading-last.html",
            (1, layout_checks.HEADING_LAST, "Aftercare heading"),
            id="a heading last on its page",
        ),
        pytest.param(
            "almost-empty.html",
            (2, layout_checks.PAGE_ALMOST_EMPTY, "Stranded last words."),
            id="a last page holding one line",
        ),
        pytest.param(
            "list-item-split.html",
            (1, layout_checks.SPLIT, "A list item long enough to need"),
            id="a list item split over two pages",
        ),
        pytest.param(
            "short-paragraph-split.html",
            (
                1,
                layout_checks.SPLIT,
                "A short paragraph of three or four lines on this small page: split, i…",
            ),
            id="a paragraph of three lines split over two pages",
        ),
        pytest.param(
            "write-in-alone.html",
            (1, layout_checks.WRITE_IN_ALONE, "Date of the review appointment: \ufffc"),
            id="a write-in line below its label",
        ),
        pytest.param(
            "number-alone.html",
            (1, layout_checks.ALONE_ON_A_LINE, "Call the emergency number \u2068999\u2069"),
            id="the emergency number alone on a line",
        ),
        pytest.param(
            "text-outside.html",
            (1, layout_checks.OUTSIDE_ITS_BOX, "Averyveryverylongword that does not fit its box"),
            id="a line running out of its box",
        ),
    ],
)
def test_each_check_names_the_page_and_the_text_it_finds(fixture: str, expected: tuple) -> None:
    assert findings(fixture) == [expected]


def test_a_block_kept_whole_that_is_split_is_named_unless_taller_than_a_page() -> None:
    # WeasyPrint 70 moves a block kept whole (break-inside: avoid) to the
    # next page whenever it fits one, so only a block taller than a page is
    # split, from the top of a page: that one cannot be whole (the
    # large-print safety box). Pages built by hand show the check names any
    # other.
    assert findings("kept-whole-taller-than-a-page.html") == []
    first, _ = laid_out("kept-whole-taller-than-a-page.html")
    box = LaidOutBlock(
        element=1,
        tag="section",
        classes=("safety-box",),
        lines=("Safety",),
        top=60.0,
        bottom=138.0,
        keep_together=True,
    )
    pages = (
        PageBoxes(first.width, first.height, first.content_box, blocks=(box,)),
        PageBoxes(
            first.width, first.height, first.content_box, blocks=(replace(box, top=10.0, bottom=100.0),)
        ),
    )
    assert [(f.page, f.kind, f.detail) for f in find_layout_problems(pages)] == [
        (1, layout_checks.SPLIT, "a block kept whole, continued on page 2")
    ]


def test_a_page_laid_out_well_has_no_findings() -> None:
    assert findings("clean.html") == []


def test_a_finding_says_what_to_do() -> None:
    finding = LayoutFinding(
        3, layout_checks.HEADING_LAST, "Aftercare", "what it heads starts on the next page"
    )
    assert str(finding) == (
        "page 3: heading last on its page: what it heads starts on the next page: «Aftercare» — "
        "keep it with what follows (break-after: avoid, templates/leaflet.css) or shorten the page"
    )


def test_a_booklets_blank_padding_page_is_not_almost_empty() -> None:
    # The blank pages a folded booklet needs hold nothing: blank on purpose
    # (the stranded line after it still is found).
    first, last = laid_out("almost-empty.html")
    blank = PageBoxes(first.width, first.height, first.content_box)
    assert [(finding.page, finding.kind) for finding in find_layout_problems((first, blank, last))] == [
        (3, layout_checks.PAGE_ALMOST_EMPTY)
    ]


def test_no_example_leaflet_has_a_layout_finding(example_dist: Path) -> None:
    found = {
        str(path.relative_to(example_dist)): list(map(str, find_layout_problems(pages)))
        for path, pages in LAID_OUT_PAGES.items()
        if path.is_relative_to(example_dist)
    }
    assert len(found) == len(list(example_dist.rglob("*.pdf")))
    assert {leaflet: problems for leaflet, problems in found.items() if problems} == {}


def test_check_names_the_leaflet_page_and_text_of_a_layout_finding(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The card's write-in lines widened past what its column holds beside
    # the labels: each drops below its label.
    css = project / "templates" / "leaflet.css"
    css.write_text(css.read_text() + "\n.layout-card .record-item .write-in:not(.filled) { width: 75mm; }\n")
    assert run_cli(project, "check", "--locale", "pl") == 1
    output = capsys.readouterr()
    assert (
        "harbour-lane-uk/pl/aftercare-card page 1: write-in line below its label: its write-in line is on a "
        "line of its own, not beside the label: «Miejsca zabiegu: \ufffc» — shorten the label or narrow the "
        "write-in line" in output.out + output.err
    )
