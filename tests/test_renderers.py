"""Every printer and every reader draws the same leaflet.

Each example PDF, in every edition, is drawn by poppler, MuPDF, Ghostscript
and PDFium, and the pages are compared. This is how the Chinese leaflets
were found to print as boxes (Ghostscript) or blank (MuPDF) while poppler,
which the other tests read with, drew them right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from patientpacks.build import fonts

from .conftest import REPO, run_cli
from .renderers import PageComparison, compare_renderings, render_everywhere

#: Most of a page's ink may be off by a pixel between two renderers, never more.
MAX_MISMATCH = 0.15
#: How much darker or lighter one renderer may draw a page than poppler (in
#: shades of grey: renderers anti-alias and darken text differently).
INK_RATIO_RANGE = (0.9, 1.1)
#: What a renderer may print that is not about the file: Debian's MuPDF is
#: built without colour management and says so for every file.
HARMLESS_WARNINGS = {"warning: ICC support is not available"}


def prints_in_cmyk(pdf: Path) -> bool:
    """Whether the PDF is made for a CMYK press (its output intent's profile
    has four components): the print-shop edition."""
    intents = PdfReader(pdf).trailer["/Root"].get("/OutputIntents", [])
    return any(intent.get_object()["/DestOutputProfile"].get_object().get("/N") == 4 for intent in intents)


def disagreements(pdf: Path) -> list[str]:
    """Everything on which the four renderers disagree about ``pdf``."""
    renderings = render_everywhere(pdf)
    # Each renderer turns a press's CMYK into screen colours its own way
    # (Debian's MuPDF without colour management; Ghostscript and PDFium with
    # their own CMYK profiles): the same black ink comes out 10-25% lighter
    # or darker. What must agree there is where the ink is, not its shade.
    compare_shades = not prints_in_cmyk(pdf)
    problems = [
        f"{rendering.renderer}: {line}"
        for rendering in renderings
        for line in rendering.warnings.splitlines()
        if line.strip() and line.strip() not in HARMLESS_WARNINGS
    ]
    for comparison in compare_renderings(renderings):
        problems += _page_problems(comparison, compare_shades)
    return problems


def _page_problems(comparison: PageComparison, compare_shades: bool) -> list[str]:
    where = f"{comparison.renderer}, page {comparison.page}"
    problems = []
    if comparison.mismatch > MAX_MISMATCH:
        problems.append(f"{where}: {comparison.mismatch:.0%} of the ink differs from poppler's page")
    low, high = INK_RATIO_RANGE
    if compare_shades and not low <= comparison.ink_ratio <= high:
        problems.append(f"{where}: {comparison.ink_ratio:.2f} times poppler's ink")
    return problems


#: How many example PDFs there are, in every edition: 48 standard, 12 large
#: print, 12 print shop, 8 bilingual (conftest's every_example_pdf). One test
#: each, so that a parallel run shares them out.
EXAMPLE_PDFS = 80


def test_there_are_as_many_example_pdfs_as_tests_that_draw_them(every_example_pdf: list[Path]) -> None:
    assert len(every_example_pdf) == EXAMPLE_PDFS


@pytest.mark.parametrize("number", range(EXAMPLE_PDFS))
def test_the_example_pdf_is_drawn_alike_by_poppler_mupdf_ghostscript_and_pdfium(
    every_example_pdf: list[Path], number: int
) -> None:
    pdf = every_example_pdf[number]
    assert disagreements(pdf) == [], "/".join(pdf.parts[-3:])


def test_a_chinese_font_whose_cids_are_not_its_glyph_numbers_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The font subset as it was made before the fix: HarfBuzz's, CIDs kept
    # from the full font. Workers are forked, so they inherit the change.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(fonts, "cids_numbered_as_glyphs", lambda font_data: font_data)
    out = tmp_path / "out"
    assert run_cli(REPO, "--out", str(out), "--locale", "zh_Hans", "--brand", "harbour-lane-uk",
                   "--pack", "aftercare-card", "--jobs", "1", "-q") == 0  # fmt: skip
    problems = disagreements(out / "harbour-lane-uk/zh_Hans/aftercare-card.pdf")
    assert any(problem.startswith("MuPDF: warning: FT_Load_Glyph") for problem in problems), problems
    assert any(problem.startswith("Ghostscript, page 1:") for problem in problems), problems
