"""Shared fixtures: the example project, built once, and copies of it to break."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from patientpacks import api
from patientpacks.build.translation_rules import load_translation_rules
from patientpacks.cli import main
from patientpacks.jobs import Leaflet, PageBoxes

#: The web server's fixtures (the render pool, the application), for its tests
#: here and in hostile/.
pytest_plugins = ["tests.serve_fixtures"]

REPO = Path(__file__).resolve().parents[1]
#: The day every test runs on (SOURCE_DATE_EPOCH, which the tool honours):
#: review dates are checked against it, so no test starts failing on a date.
TODAY = date(2026, 12, 1)
PROJECT_FOLDERS = ("packs", "templates", "brands", "locales", "assets", "jurisdictions")


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


def translated_draft_mark(locale: str) -> str:
    """The draft words a leaflet in ``locale`` prints (English for English)."""
    return load_translation_rules(REPO / "templates").draft_mark(locale)


def spanish_translation(msgid: str, context: str | None = None) -> str:
    with (REPO / "locales/es/LC_MESSAGES/messages.po").open("rb") as file:
        catalog = read_po(file)
    message = catalog.get(msgid, context=context)
    assert message is not None and message.string, f"no Spanish translation for {msgid!r}"
    return message.string[0] if isinstance(message.string, tuple) else message.string


#: Each example PDF's page boxes as the layout recorded them (for the
#: printable-area check), filled in by the builds of example_dist and
#: editions_dist: a PDF on disk keeps no record of them.
LAID_OUT_PAGES: dict[Path, tuple[PageBoxes, ...]] = {}


def build_examples(tmp_path_factory: pytest.TempPathFactory, name: str, **options: object) -> Path:
    """The example leaflets ``options`` select, built once for the whole test
    run into a folder of that ``name``: the processes of a parallel run
    (pytest-xdist) share it, the first to get there building it."""
    # Under pytest-xdist each worker's base folder is inside the run's own.
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out, boxes = shared / name, shared / f"{name}.page-boxes.pickle"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not boxes.exists():
            laid_out: dict[Path, tuple[PageBoxes, ...]] = {}

            def keep_page_boxes(result: object) -> None:
                assert isinstance(result, Leaflet), result
                laid_out[out / result.job.relative_pdf_path] = result.page_boxes

            options = api.BuildOptions(out_dir=out, jobs=2, write_html=True, **options)
            report = api.build(api.open_project(REPO), options, on_result=keep_page_boxes)
            assert not report.failures and not report.interrupted
            boxes.write_bytes(pickle.dumps(laid_out))
    LAID_OUT_PAGES.update(pickle.loads(boxes.read_bytes()))
    return out


@pytest.fixture(scope="session")
def example_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once, with two workers (each PDF with the
    HTML it was laid out from beside it)."""
    return build_examples(tmp_path_factory, "examples")


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
    Persian (the bilingual ones with English: Spanish-English, Persian-English):
    what the command line's EDITION_ARGS ask for (test_editions builds them
    again with the command line and compares the bytes)."""
    editions = (
        api.STANDARD_EDITION,
        api.LARGE_PRINT_EDITION,
        api.PRINT_SHOP_EDITION,
        api.Edition("bilingual", "en"),
    )
    return build_examples(tmp_path_factory, "editions", locales=("en", "es", "fa"), editions=editions)


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
