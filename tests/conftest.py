"""Shared fixtures: the example project, built once, and copies of it to break."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from patientpacks.cli import main

REPO = Path(__file__).resolve().parents[1]
#: The day every test runs on (SOURCE_DATE_EPOCH, which the tool honours):
#: review dates are checked against it, so no test starts failing on a date.
TODAY = date(2026, 12, 1)
PROJECT_FOLDERS = ("packs", "templates", "brands", "locales", "assets")


@pytest.fixture(scope="session", autouse=True)
def fixed_day_and_private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test, and every process a test starts, builds as of TODAY and
    keeps its font subsets in a cache of its own, never in ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        midnight = datetime.combine(TODAY, datetime.min.time(), UTC)
        patch.setenv("SOURCE_DATE_EPOCH", str(int(midnight.timestamp())))
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


def run_cli(project: Path, *args: str) -> int:
    return main(list(args), project_root=project)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def spanish_translation(msgid: str, context: str | None = None) -> str:
    with (REPO / "locales/es/LC_MESSAGES/messages.po").open("rb") as file:
        catalog = read_po(file)
    message = catalog.get(msgid, context=context)
    assert message is not None and message.string, f"no Spanish translation for {msgid!r}"
    return message.string[0] if isinstance(message.string, tuple) else message.string


@pytest.fixture(scope="session")
def example_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once, with two workers, into a fresh folder."""
    out = tmp_path_factory.mktemp("dist")
    assert run_cli(REPO, "--out", str(out), "--jobs", "2", "--quiet") == 0
    return out


#: The editions beyond the standard one, in a left-to-right language, a
#: right-to-left one and the source (bilingual ones with English).
EDITION_ARGS = (
    "--large-print",
    "--print-shop",
    "--bilingual",
    "en",
    "--locale",
    "en",
    "--locale",
    "es",
    "--locale",
    "fa",
)


@pytest.fixture(scope="session")
def editions_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every edition of every pack, for both brands, in English, Spanish and
    Persian (the bilingual ones with English: Spanish-English, Persian-English)."""
    out = tmp_path_factory.mktemp("editions")
    assert run_cli(REPO, "--out", str(out), *EDITION_ARGS, "--jobs", "2", "-q") == 0
    return out


@pytest.fixture(scope="session")
def every_example_pdf(example_dist: Path, editions_dist: Path) -> list[Path]:
    """Every example leaflet in every edition, once: the standard ones of
    every locale, and the large-print, print-shop and bilingual ones."""
    standard = sorted(example_dist.rglob("*.pdf"))
    others = sorted(path for path in editions_dist.rglob("*.pdf") if path.name.count(".") == 2)
    return standard + others


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the example project that a test may edit."""
    root = tmp_path / "project"
    for folder in PROJECT_FOLDERS:
        shutil.copytree(REPO / folder, root / folder)
    return root
