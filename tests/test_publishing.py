"""When a leaflet is a draft, when it is publishable, and what --strict does."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader

from patientpacks.build.options import BuildOptions
from patientpacks.build.pipeline import build
from patientpacks.model import Project

from .conftest import TODAY, pdf_text, run_cli

PO = "locales/es/LC_MESSAGES/messages.po"
REVIEW = "locales/es/LC_MESSAGES/review.toml"


def sign_off(project: Path) -> None:
    """What a clinician and a translation reviewer do to make leaflets publishable."""
    for pack in ("neuromodulators", "aftercare-card"):
        toml = project / "packs" / pack / "pack.toml"
        text = re.sub(
            r'(?m)^label_revision = ""', 'label_revision = "Test label, revised 2024-01"', toml.read_text()
        )
        toml.write_text(text)
        assert run_cli(project, "signoff", pack, "--by", "Dr A. Example", "--on", "2026-11-20") == 0
    # And the clinic gives a number that rings (the example's is Ofcom's
    # drama range, which makes every leaflet a draft).
    brand = project / "brands/harbour-lane-uk.toml"
    brand.write_text(brand.read_text().replace('phone = "020 7946 0321"', 'phone = "020 7123 4567"'))
    review_spanish(project, date(2026, 11, 21))


def review_spanish(project: Path, reviewed_on: date, due: date | None = None) -> None:
    """The Spanish review on this date (and a due date)."""
    due_option = ["--due", due.isoformat()] if due else []
    by = "R. Reviewer, ITI-qualified medical translator"
    assert run_cli(project, "review", "es", "--by", by, "--on", reviewed_on.isoformat(), *due_option) == 0


def manifest_entries(out: Path) -> dict[str, dict]:
    return {entry["path"]: entry for entry in json.loads((out / "manifest.json").read_text())["leaflets"]}


def test_signed_off_and_reviewed_leaflet_is_publishable_without_mark(project: Path, tmp_path: Path) -> None:
    sign_off(project)
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "harbour-lane-uk",
            "--pack",
            "aftercare-card",
            "--locale",
            "en",
            "--locale",
            "es",
            "--strict",
        )
        == 0
    )
    for path in ("harbour-lane-uk/en/aftercare-card.pdf", "harbour-lane-uk/es/aftercare-card.pdf"):
        entry = manifest_entries(out)[path]
        assert entry["status"] == "publishable", entry["reasons"]
        assert "DRAFT" not in pdf_text(out / path)
        assert "Dr A. Example" in " ".join(pdf_text(out / path).split())


def test_fuzzy_entry_marks_leaflet_draft(project: Path, tmp_path: Path) -> None:
    sign_off(project)
    po = project / PO
    text = po.read_text()
    text = text.replace('msgid "Your treatment record"', '#, fuzzy\nmsgid "Your treatment record"', 1)
    po.write_text(text)
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "harbour-lane-uk",
            "--pack",
            "aftercare-card",
            "--locale",
            "es",
        )
        == 0
    )
    entry = manifest_entries(out)["harbour-lane-uk/es/aftercare-card.pdf"]
    assert entry["status"] == "draft"
    assert any("'Your treatment record'" in reason for reason in entry["reasons"])
    text = pdf_text(out / entry["path"])
    assert "DRAFT — not for patient use" in text


def test_strict_fails_when_any_leaflet_is_a_draft(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--pack",
            "aftercare-card",
            "--locale",
            "en",
            "--brand",
            "maple-street-us",
            "--strict",
        )
        == 1
    )
    assert (out / "maple-street-us/en/aftercare-card.pdf").is_file()


def test_past_review_date_makes_a_draft(project: Path, tmp_path: Path) -> None:
    sign_off(project)
    toml = project / "packs/aftercare-card/pack.toml"
    toml.write_text(
        toml.read_text()
        .replace("published = 2026-11-22", "published = 2025-11-01")
        .replace("review_due = 2027-11-22", "review_due = 2026-11-21")
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
            "en",
            "--brand",
            "maple-street-us",
        )
        == 0
    )
    entry = manifest_entries(out)["maple-street-us/en/aftercare-card.pdf"]
    assert any("past its review-due date 2026-11-21" in reason for reason in entry["reasons"])


def test_missing_safety_translation_fails_the_leaflet_and_keeps_the_others(
    project: Path, tmp_path: Path
) -> None:
    po = project / PO
    text = po.read_text()
    # Empty the translation of one safety message.
    text = re.sub(r'(msgctxt "safety"\nmsgid "loss of bladder control"\nmsgstr )".*"', r'\1""', text)
    po.write_text(text)
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "maple-street-us",
            "--pack",
            "aftercare-card",
            "--locale",
            "en",
            "--locale",
            "es",
        )
        == 1
    )
    assert not (out / "maple-street-us/es/aftercare-card.pdf").exists()
    assert (out / "maple-street-us/en/aftercare-card.pdf").is_file()
    # Nor is it shown as the second language of a bilingual edition.
    bilingual = tmp_path / "bilingual"
    assert (
        run_cli(
            project,
            "--out",
            str(bilingual),
            "--brand",
            "maple-street-us",
            "--pack",
            "aftercare-card",
            "--locale",
            "fr",
            "--bilingual",
            "es",
        )
        == 1
    )
    assert not (bilingual / "maple-street-us/fr/aftercare-card.bilingual-es.pdf").exists()
    assert (bilingual / "maple-street-us/fr/aftercare-card.pdf").is_file()


def test_plural_forms_follow_the_brands_number(project: Path, tmp_path: Path) -> None:
    brand = project / "brands/maple-street-us.toml"
    brand.write_text(brand.read_text().replace("[parameters]\n", "[parameters]\nupright_hours = 1\n"))
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "maple-street-us",
            "--pack",
            "aftercare-card",
            "--locale",
            "en",
            "--locale",
            "es",
        )
        == 0
    )
    english = " ".join(pdf_text(out / "maple-street-us/en/aftercare-card.pdf").split())
    assert "Stay upright for 1 hour after treatment." in english
    spanish = " ".join(pdf_text(out / "maple-street-us/es/aftercare-card.pdf").split())
    assert "1 hora" in spanish and "1 horas" not in spanish


def test_brand_values_print_as_text_not_markup(project: Path, tmp_path: Path) -> None:
    brand = project / "brands/maple-street-us.toml"
    brand.write_text(
        brand.read_text().replace('name = "Maple Street Skin Clinic"', 'name = "Smith & Jones <Aesthetics>"')
    )
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "maple-street-us",
            "--pack",
            "aftercare-card",
            "--locale",
            "en",
        )
        == 0
    )
    pdf = out / "maple-street-us/en/aftercare-card.pdf"
    assert "Smith & Jones <Aesthetics>" in pdf_text(pdf)
    assert PdfReader(pdf).metadata.author == "Smith & Jones <Aesthetics>"


def test_opening_hours_without_the_leaflets_language_make_a_draft(project: Path, tmp_path: Path) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    brand.write_text(re.sub(r'(?m)^es = "de lunes.*\n', "", brand.read_text()))
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "harbour-lane-uk",
            "--pack",
            "aftercare-card",
            "--locale",
            "es",
        )
        == 0
    )
    entry = manifest_entries(out)["harbour-lane-uk/es/aftercare-card.pdf"]
    assert any("opening hours have no 'es' version" in reason for reason in entry["reasons"])


def sign_off_with_spanish_review(project: Path, reviewed_on: date, due: date | None = None) -> None:
    """Sign everything off, with the Spanish review on this date (and a due date)."""
    sign_off(project)
    review_spanish(project, reviewed_on, due)


def build_spanish_card(project: Path, out: Path) -> dict:
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "harbour-lane-uk",
            "--pack",
            "aftercare-card",
            "--locale",
            "es",
        )
        == 0
    )
    return manifest_entries(out)["harbour-lane-uk/es/aftercare-card.pdf"]


def test_translation_past_its_review_due_line_makes_a_draft(project: Path, tmp_path: Path) -> None:
    yesterday = TODAY - timedelta(days=1)
    sign_off_with_spanish_review(project, reviewed_on=TODAY - timedelta(days=30), due=yesterday)
    entry = build_spanish_card(project, tmp_path / "out")
    reason = (
        f"translation past its review-due date {yesterday.isoformat()} ({project / REVIEW}: its due date)"
    )
    assert entry["reasons"] == [reason]


def test_translation_review_lasts_365_days_without_a_review_due_line(project: Path, tmp_path: Path) -> None:
    reviewed_on = TODAY - timedelta(days=366)
    sign_off_with_spanish_review(project, reviewed_on=reviewed_on)
    entry = build_spanish_card(project, tmp_path / "out")
    due = (reviewed_on + timedelta(days=365)).isoformat()
    assert entry["reasons"] == [
        f"translation past its review-due date {due} ({project / REVIEW}: 365 days after it was reviewed on {reviewed_on})"
    ]


def test_a_later_review_due_line_keeps_an_old_review_valid(project: Path, tmp_path: Path) -> None:
    sign_off_with_spanish_review(project, reviewed_on=TODAY - timedelta(days=400), due=TODAY)
    entry = build_spanish_card(project, tmp_path / "out")
    assert entry["status"] == "publishable", entry["reasons"]


def test_a_leaflet_is_rebuilt_as_a_draft_on_the_day_after_its_translation_review_lapses(
    project: Path, tmp_path: Path
) -> None:
    due = date(2027, 3, 1)
    sign_off_with_spanish_review(project, reviewed_on=date(2026, 11, 21), due=due)
    selection = {
        "out_dir": tmp_path / "out",
        "packs": ("aftercare-card",),
        "locales": ("es",),
        "brands": ("harbour-lane-uk",),
    }
    on_due_day = build(Project(project), BuildOptions(**selection, today=due))
    assert [entry["status"] for entry in on_due_day.built] == ["publishable"]
    assert len(build(Project(project), BuildOptions(**selection, today=due)).unchanged) == 1
    day_after = build(Project(project), BuildOptions(**selection, today=due + timedelta(days=1)))
    assert [entry["status"] for entry in day_after.built] == ["draft"]
