"""English fallback is shown, never hidden: a passage printed in English in a
translated leaflet carries its own language (a screen reader switches
voice) and is marked on the page; the console names each draft reason and
each failure once."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pypdf import PdfReader

from patientpacks.build.translation_rules import NO_RULES

from ..conftest import run_cli
from .conftest import set_translation

CARD = "harbour-lane-uk/es/aftercare-card"


def struct_languages(pdf: Path) -> list[tuple[str, str]]:
    """Every structure element with a /Lang of its own: (its type, its language), read with pypdf."""
    found = []

    def walk(node) -> None:
        node = node.get_object()
        if node.get("/Lang"):
            found.append((str(node.get("/S")), str(node["/Lang"])))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if hasattr(kid, "get") and "/S" in kid:
                walk(kid)

    walk(PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return found


def test_an_untranslated_heading_prints_in_english_with_its_own_language_and_a_note(
    project: Path, tmp_path: Path
) -> None:
    set_translation(project, "What to avoid", "")
    out = tmp_path / "out"
    arguments = ["--out", str(out), "--brand", "harbour-lane-uk", "--pack", "aftercare-card", "--html"]
    assert run_cli(project, *arguments, "--locale", "es") == 0

    html = (out / f"{CARD}.html").read_text()
    assert (
        '<span class="untranslated" data-note="aún sin traducir"><span lang="en">What to avoid</span></span>'
        in html
    )
    # Through other lenses: the page text as poppler reads it, and the PDF's structure tree.
    text = subprocess.run(
        ["pdftotext", str(out / f"{CARD}.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "What to avoid [aún sin traducir]" in text
    assert ("/Span", "en") in struct_languages(out / f"{CARD}.pdf")


def test_the_note_is_english_for_a_language_the_rules_do_not_list() -> None:
    assert NO_RULES.untranslated_note("it") == "not yet translated"


def test_the_console_names_each_draft_reason_once_with_how_many_leaflets_it_drafts(
    project: Path, tmp_path: Path, capsys
) -> None:
    arguments = ["--out", str(tmp_path / "out"), "--pack", "aftercare-card", "--locale", "es"]
    assert run_cli(project, *arguments) == 0
    out = capsys.readouterr().out
    reviewed = [line for line in out.splitlines() if "translation not reviewed" in line]
    # Both clinics' Spanish comes from es; the US clinic's from es_US first.
    assert reviewed == [
        f"  2 leaflets: translation not reviewed ({project}/locales/es/LC_MESSAGES/review.toml does not exist: "
        "a qualified reviewer runs `patientpacks review es --by NAME`)",
        f"  1 leaflet: translation not reviewed ({project}/locales/es_US/LC_MESSAGES/review.toml does not exist: "
        "a qualified reviewer runs `patientpacks review es_US --by NAME`)",
    ]
    assert not re.search(r"(?m)^draft ", out)  # no line per leaflet without -v

    assert run_cli(project, *arguments, "--force", "-v") == 0
    out = capsys.readouterr().out
    assert len(re.findall(r"(?m)^draft +\S+/es/aftercare-card.pdf", out)) == 2
    assert len(re.findall(r"(?m)^ +- translation not reviewed", out)) == 3  # es twice, es_US once


def test_a_broken_brand_fails_its_leaflets_with_one_line_not_one_each(
    project: Path, tmp_path: Path, capsys
) -> None:
    brand = project / "brands/maple-street-us.toml"
    brand.write_text(brand.read_text() + "\nthis is not toml\n")
    arguments = [
        "--out",
        str(tmp_path / "out"),
        "--pack",
        "aftercare-card",
        "--locale",
        "es",
        "--locale",
        "fr",
    ]
    assert run_cli(project, *arguments) == 1
    err = capsys.readouterr().err
    assert (
        len(re.findall(r"(?m)^FAILED  maple-street-us/\w+/aftercare-card: \S*maple-street-us.toml", err)) == 1
    )
    assert "FAILED  the same error for 1 more leaflet(s): maple-street-us/" in err
