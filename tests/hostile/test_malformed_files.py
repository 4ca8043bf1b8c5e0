"""Malformed catalogues and brand files: one readable message naming the file
(and line or key), only the leaflets that use the file fail, the exit code is
non-zero, and the last good PDFs of those leaflets stay as they were."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..conftest import run_cli

PO = "locales/es/LC_MESSAGES/messages.po"


def break_catalogue(project: Path, how: str) -> None:
    path = project / PO
    text = path.read_text(encoding="utf-8")
    if how == "syntax":
        text = text.replace('msgid "What to do"', 'msgid What to do"', 1)
    elif how == "encoding":
        path.write_bytes(text.encode("utf-8").replace("Qué hacer".encode(), "Qué hacer".encode("latin-1")))
        return
    elif how == "plural-forms":
        text = text.replace("plural=(n != 1);", "plural=(n !=== 1;")
    elif how == "duplicate":
        text += '\nmsgid "What to do"\nmsgstr "Otra cosa"\n'
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("syntax", r"messages.po:\d+: not a valid catalogue"),
        ("encoding", r"messages.po:\d+: is not valid UTF-8 \(byte 0xE9\); save the file as UTF-8"),
        ("plural-forms", r"messages.po:\d+: Plural-Forms expression '\(n !=== 1' cannot be used"),
        ("duplicate", r"messages.po:\d+: message 'What to do' is defined twice \(first on line \d+\)"),
    ],
)
def test_a_malformed_catalogue_fails_only_its_leaflets_and_keeps_the_last_good_pdf(
    project: Path, tmp_path: Path, capsys, how: str, message: str
) -> None:
    out = tmp_path / "out"
    arguments = (
        "--out",
        str(out),
        "--pack",
        "aftercare-card",
        "--brand",
        "harbour-lane-uk",
        "--locale",
        "es",
        "--locale",
        "fr",
        "--quiet",
    )
    assert run_cli(project, *arguments) == 0
    good = (out / "harbour-lane-uk/es/aftercare-card.pdf").read_bytes()
    capsys.readouterr()
    break_catalogue(project, how)
    assert run_cli(project, *arguments) == 1
    error = capsys.readouterr().err
    assert len([line for line in error.splitlines() if line.startswith("FAILED")]) == 1
    import re

    assert re.search(message, error), error
    assert "Traceback" not in error
    assert (out / "harbour-lane-uk/es/aftercare-card.pdf").read_bytes() == good
    assert (out / "harbour-lane-uk/fr/aftercare-card.pdf").is_file()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'file = "logos/harbour-lane.svg"',
            'file = "logos/gone.svg"',
            "harbour-lane-uk.toml: logo.file: logo file not found",
        ),
        ('paper = "A4"', 'paper = "Tabloid"', "harbour-lane-uk.toml: paper: unknown paper size 'Tabloid'"),
        ('primary = "#203A72"', 'primary = "#20"', "harbour-lane-uk.toml: colours.primary: must be a colour"),
        (
            'primary = "#203A72"',
            'primary = "red; } body { background: url(http://127.0.0.1:1/)"',
            "harbour-lane-uk.toml: colours.primary: must be a colour",
        ),
    ],
)
def test_a_malformed_brand_fails_only_its_leaflets(
    project: Path, tmp_path: Path, capsys, old: str, new: str, message: str
) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    brand.write_text(brand.read_text().replace(old, new))
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), "--pack", "aftercare-card", "--locale", "en", "--quiet") == 1
    error = capsys.readouterr().err
    assert message in error
    assert (out / "maple-street-us/en/aftercare-card.pdf").is_file()
    assert not (out / "harbour-lane-uk/en/aftercare-card.pdf").exists()


def test_a_clinic_name_with_markup_characters_prints_as_written(project: Path, tmp_path: Path) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    brand.write_text(
        brand.read_text().replace('name = "Harbour Lane Aesthetics"', 'name = "Smith & Jones <Aesthetics>"')
    )
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--pack",
            "aftercare-card",
            "--locale",
            "ar",
            "--brand",
            "harbour-lane-uk",
            "--quiet",
            "--html",
        )
        == 0
    )
    html = (out / "harbour-lane-uk/ar/aftercare-card.html").read_text()
    assert "Smith &amp; Jones &lt;Aesthetics&gt;" in html
    assert "<Aesthetics>" not in html


def test_a_named_pipe_among_the_templates_fails_nothing(project: Path, tmp_path: Path) -> None:
    # The third attack: a pipe named like a template, in another pack, made
    # every leaflet of every pack fail (the font subsetter read it) or hung
    # the build (the clinical sign-off's list of templates).
    os.mkfifo(project / "packs/neuromodulators/notes.html")
    os.mkfifo(project / "templates/stray.html")
    run_cli(project, "signoff", "aftercare-card", "--by", "Dr Test")
    out = tmp_path / "out"
    status = run_cli(
        project,
        "build",
        "--out",
        str(out),
        "--brand",
        "harbour-lane-uk",
        "--locale",
        "es",
        "--pack",
        "aftercare-card",
    )
    assert status == 0
    assert (out / "harbour-lane-uk/es/aftercare-card.pdf").exists()
