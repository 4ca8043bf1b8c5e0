"""Shared fixtures: the example project, built once, and copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from patientpacks.cli import main

REPO = Path(__file__).resolve().parents[1]
PROJECT_FOLDERS = ("packs", "templates", "brands", "locales", "assets")


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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the example project that a test may edit."""
    root = tmp_path / "project"
    for folder in PROJECT_FOLDERS:
        shutil.copytree(REPO / folder, root / folder)
    return root
