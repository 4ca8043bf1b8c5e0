"""The HTML written beside each PDF (--html) stands on its own: it links the
stylesheets and fonts it was laid out with, so WeasyPrint alone lays it out
to the same pages and a browser shows it styled."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pypdfium2 as pdfium
import pytest
from weasyprint import HTML

from patientpacks import api
from patientpacks.build.render_pdf import ProjectAssetFetcher

from .conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures" / "weasyprint-bugs"

#: Right-to-left and left-to-right leaflets, with system (CJK) fonts among them.
LEAFLETS = [
    "harbour-lane-uk/ar/aftercare-card",
    "maple-street-us/fa/neuromodulators",
    "harbour-lane-uk/zh_Hans/aftercare-card",
]


def page_images(pdf: bytes) -> list[bytes]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=30 / 72).to_pil().convert("L").tobytes() for page in document]
    finally:
        document.close()


def linked_files(html: str) -> list[Path]:
    urls = re.findall(r'(?:href|src)="([^"]+)"|url\("([^"]+)"\)', html)
    return [
        Path(url2pathname(urlsplit(url).path)) for pair in urls for url in pair if url.startswith("file:")
    ]


def asset_roots(html: str) -> tuple[Path, ...]:
    """The folders the renderer's fetcher serves, for the build that wrote
    ``html``: the project's asset folders, and the font cache of the test
    process that built it (each keeps its own, conftest.py)."""
    caches = {path.parent for path in linked_files(html) if path.parent.match("*/patientpacks/fonts")}
    project = api.open_project(REPO)
    return (*(root for root in project.asset_roots if root != project.font_cache_dir.resolve()), *caches)


@pytest.mark.parametrize("leaflet", LEAFLETS)
def test_weasyprint_alone_lays_the_written_html_out_to_the_built_pages(
    example_dist: Path, leaflet: str
) -> None:
    # As `weasyprint x.html x.pdf` does: the file and nothing else, with the
    # project's fetcher, which serves only the project's own files.
    html = example_dist / f"{leaflet}.html"
    fetcher = ProjectAssetFetcher(asset_roots(html.read_text(encoding="utf-8")))
    alone = HTML(filename=html, url_fetcher=fetcher).write_pdf()
    built = (example_dist / f"{leaflet}.pdf").read_bytes()
    assert page_images(alone) == page_images(built)


def test_the_written_html_links_only_project_files(example_dist: Path) -> None:
    html = (example_dist / "harbour-lane-uk/zh_Hans/aftercare-card.html").read_text(encoding="utf-8")
    assert re.search(r'<link rel="stylesheet" href="file:///[^"]+/templates/leaflet\.css">\n</head>', html)
    files = linked_files(html)
    assert {path.suffix for path in files} >= {".css", ".svg", ".ttf", ".otf"}
    roots = asset_roots(html)
    assert [path for path in files if not any(path.resolve().is_relative_to(root) for root in roots)] == []


def test_weasyprint_70_fails_on_a_right_to_left_image_sized_only_by_its_ratio() -> None:
    # The upstream bug the unstyled Arabic card ran into: an inline SVG with
    # a viewBox and no width or height, in right-to-left text. WeasyPrint
    # sizes it as a block (CSS 2.1 10.3.2, point 3), which moves its x in
    # right-to-left text before the line has given it one. When this test
    # fails, WeasyPrint is fixed.
    with pytest.raises(AttributeError, match="'InlineReplacedBox' object has no attribute 'position_x'"):
        HTML(filename=FIXTURES / "rtl-inline-image-sized-by-ratio.html").render()


def test_every_image_in_a_leaflet_has_its_size_set_so_that_bug_is_never_met(example_dist: Path) -> None:
    # The stylesheet gives each of them a width and a height in every layout
    # and edition, and the written HTML links the stylesheet.
    css = (REPO / "templates/leaflet.css").read_text()
    sized = {
        name
        for name, rule in re.findall(r"\.([\w-]+) \{([^}]*)\}", css)
        if re.search(r"(?<![\w-])width:", rule) and re.search(r"(?<![\w-])height:", rule)
    }
    for html_file in example_dist.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        images = re.findall(r"<(?:img|svg)\b[^>]*>", html)
        assert images, html_file
        for image in images:
            classes = set(re.search(r'class="([^"]*)"', image).group(1).split())
            assert classes & sized, f"{html_file}: {image}"
