"""The renderer reads only the project's own files."""

from __future__ import annotations

from pathlib import Path

import pytest

from patientpacks.build.brands import load_brand
from patientpacks.build.packs import load_pack
from patientpacks.build.render_pdf import LeafletRenderer, ProjectAssetFetcher, RefusedFetch
from patientpacks.errors import RenderError
from patientpacks.jobs import Job
from patientpacks.model import Project

from .conftest import REPO


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "http://127.0.0.1:1/",
        "https://example.com/x.png",
        "data:text/plain,hi",
        (REPO / "templates/../pyproject.toml").as_uri(),
    ],
)
def test_fetcher_refuses_anything_outside_the_asset_folders(url: str) -> None:
    fetcher = ProjectAssetFetcher(Project(REPO).asset_roots)
    with pytest.raises(RefusedFetch):
        fetcher.fetch(url)


def test_fetcher_serves_a_project_font() -> None:
    fetcher = ProjectAssetFetcher(Project(REPO).asset_roots)
    response = fetcher.fetch((REPO / "assets/fonts/NotoSans-Regular.ttf").as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"


def test_html_that_asks_for_a_foreign_file_fails_with_the_leaflets_name() -> None:
    renderer = LeafletRenderer(Project(REPO))
    job = Job(
        pack=load_pack(REPO / "packs/aftercare-card"),
        brand=load_brand(REPO / "brands/harbour-lane-uk.toml"),
        locale="en",
        catalogue_path=None,
        inputs_sha256="0" * 64,
    )
    html = '<html lang="en"><body><img src="file:///etc/hostname" alt=""><p>x</p></body></html>'
    with pytest.raises(
        RenderError, match="harbour-lane-uk/en/aftercare-card: refused to fetch 'file:///etc/hostname'"
    ):
        renderer.lay_out(html, job)


def test_parallel_and_serial_builds_write_identical_pdfs(tmp_path: Path, example_dist: Path) -> None:
    from .conftest import run_cli

    serial = tmp_path / "serial"
    scripts = ("--locale", "en", "--locale", "ar", "--locale", "hi", "--locale", "zh_Hans")
    assert (
        run_cli(REPO, "--out", str(serial), "--jobs", "1", "--quiet", "--brand", "harbour-lane-uk", *scripts)
        == 0
    )
    assert len(list(serial.rglob("*.pdf"))) == 8
    for pdf in serial.rglob("*.pdf"):
        assert pdf.read_bytes() == (example_dist / pdf.relative_to(serial)).read_bytes(), pdf
