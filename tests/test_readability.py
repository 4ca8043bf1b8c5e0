"""Readability in `check`: each section of each pack scored as rendered, English
judged against grade 8, Spanish and German reported with their own formulas."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from patientpacks.model import Project
from patientpacks.translate.check import check_readability

from .conftest import REPO, run_cli

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def dense_project(project: Path) -> Path:
    """The example project with a pack whose second section is hard to read."""
    shutil.copytree(FIXTURES / "dense-pack", project / "packs/dense-pack")
    return project


def test_a_section_of_long_polysyllabic_sentences_is_a_warning_naming_its_longest_sentences(
    dense_project: Path, capsys
) -> None:
    assert run_cli(dense_project, "check", "--locale", "es", "--no-layout") == 0
    out, err = capsys.readouterr()
    template = dense_project / "packs/dense-pack/sections/pharmacology.html"
    line = (
        template.read_text()
        .splitlines()
        .index("  <h2>{% trans %}Pharmacological considerations{% endtrans %}</h2>")
        + 1
    )
    warnings = [text for text in out.splitlines() if "warning:" in text and "dense-pack" in text]
    assert len(warnings) == 1, out
    assert re.fullmatch(
        rf"{template}:{line}: warning: section 'Pharmacological considerations' of dense-pack reads at grade "
        r"\d\d\.\d \(Flesch-Kincaid\), above the target of 8: shorten these sentences or use shorter words: "
        r'"Concomitant administration of aminoglycoside antibiotics .* considerably\." \(19 words\); '
        r'"Individuals with pre-existing neuromuscular disorders, .* following administration\." \(18 words\)',
        warnings[0],
    )
    assert "0 problem(s)" in err


def test_strict_check_fails_on_a_readability_warning(dense_project: Path, capsys) -> None:
    assert run_cli(dense_project, "check", "--locale", "es", "--no-layout", "--strict") == 1


def test_check_prints_each_sections_score_in_english_spanish_and_german(capsys) -> None:
    assert run_cli(REPO, "check", "--locale", "es", "--locale", "de", "--locale", "fr", "--no-layout") == 0
    out = capsys.readouterr().out
    table = out[out.index("Readability of neuromodulators") :]
    assert (
        "en: Flesch-Kincaid grade" in table
        and "es: Fernández-Huerta" in table
        and "de: Wiener Sachtextformel" in table
    )
    assert "fr:" not in table  # no French formula in textstat
    assert re.search(r"\n  Side effects +\d+ +\d+\.\d +\d+\.\d +\d+\.\d\n", table)
    assert re.search(r"\n  Your treatment record +\d+  not scored: no sentences \(a form\)\n", table)
    assert "About this leaflet" not in table  # the small print is not a section of <main>


@pytest.mark.parametrize("pack", ["neuromodulators", "aftercare-card"])
def test_every_section_of_the_shipped_english_packs_reads_at_grade_8_or_lower(pack: str) -> None:
    reports, _ = check_readability(Project(REPO), [])
    sections = next(report.sections for report in reports if report.pack.id == pack)
    assert [(section.heading, section.scores) for section in sections if section.above_target] == []
    assert sum(bool(section.scores) for section in sections) >= 5
