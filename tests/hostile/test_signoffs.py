"""A sign-off means what was signed: a translation review and a pack's
clinical sign-off cover the exact text approved, and any change after them,
by anyone, makes the leaflets drafts that list the change."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from ..conftest import run_cli
from .conftest import manifest_entry, set_translation

CARD = "harbour-lane-uk/es/aftercare-card"
REVIEW = "locales/es/LC_MESSAGES/review.toml"
BLADDER = "loss of bladder control"


def sign_everything_off(project: Path) -> None:
    """The clinician signs the card off and a reviewer the Spanish catalogue, with the commands;
    the clinic gives a number that rings (the example's is Ofcom's drama range)."""
    brand = project / "brands/harbour-lane-uk.toml"
    brand.write_text(brand.read_text().replace('phone = "020 7946 0321"', 'phone = "020 7123 4567"'))
    pack = project / "packs/aftercare-card/pack.toml"
    pack.write_text(pack.read_text().replace('label_revision = ""', 'label_revision = "Test label, 2024-01"'))
    assert run_cli(project, "signoff", "aftercare-card", "--by", "Dr A. Example", "--on", "2026-11-20") == 0
    assert run_cli(project, "review", "es", "--by", "R. Reviewer", "--on", "2026-11-21") == 0


def build_card(project: Path, out: Path, *locales: str) -> dict:
    """Build the card in these locales (Spanish by default); the Spanish card's manifest entry."""
    selection = [arg for locale in locales or ("es",) for arg in ("--locale", locale)]
    assert run_cli(project, *card_build(out), *selection) == 0
    return manifest_entry(out, CARD)


def card_build(out: Path) -> list[str]:
    return ["--out", str(out), "--brand", "harbour-lane-uk", "--pack", "aftercare-card"]


def pdf_text(path: Path) -> str:
    """The page text as poppler reads it (not the code that wrote the PDF)."""
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_safety_line_changed_after_review_drafts_the_leaflet_and_check_shows_old_and_new(
    project: Path, tmp_path: Path, capsys
) -> None:
    sign_everything_off(project)  # publishable as signed: tests/test_publishing.py
    set_translation(project, BLADDER, "pérdida leve del control de la vejiga", context="safety")

    entry = build_card(project, tmp_path / "changed")
    assert entry["status"] == "draft"
    assert [reason for reason in entry["reasons"] if reason.startswith("changed since review: 1 message(s)")]
    text = pdf_text(tmp_path / "changed" / f"{CARD}.pdf")
    assert "Traducción revisada por" not in re.sub(r"\s+", " ", text)

    capsys.readouterr()
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    out = capsys.readouterr().out
    change = next(line for line in out.splitlines() if "changed since review" in line)
    assert re.match(r"\S*locales/es/LC_MESSAGES/messages.po:\d+: ", change)
    assert "msgctxt 'safety' msgid 'loss of bladder control'" in change
    assert "was 'pérdida del control de la vejiga', now 'pérdida leve del control de la vejiga'" in change

    assert run_cli(project, "stats", "--json") == 0
    rows = json.loads(capsys.readouterr().out)["catalogues"]
    spanish = next(row for row in rows if row["locale"] == "es")
    assert spanish["reviewed"] is False
    assert any("pérdida leve" in change for change in spanish["changed_since_review"])


def test_english_aftercare_text_changed_after_clinical_signoff_drafts_every_leaflet_of_the_pack(
    project: Path, tmp_path: Path, capsys
) -> None:
    sign_everything_off(project)
    section = project / "packs/aftercare-card/sections/what-to-do.html"
    text = section.read_text()
    assert "{% trans %}What to do{% endtrans %}" in text
    section.write_text(
        text.replace("{% trans %}What to do{% endtrans %}", "{% trans %}What you may do{% endtrans %}")
    )
    pack = project / "packs/aftercare-card/pack.toml"
    pack.write_text(pack.read_text().replace("upright_hours = 4", "upright_hours = 1"))

    assert run_cli(project, *card_build(tmp_path / "out"), "--locale", "en") == 0
    english = manifest_entry(tmp_path / "out", "harbour-lane-uk/en/aftercare-card")
    assert english["status"] == "draft"
    reason = next(
        reason for reason in english["reasons"] if reason.startswith("changed since clinical sign-off")
    )
    assert reason.startswith("changed since clinical sign-off: 3 message(s) or setting(s)")

    capsys.readouterr()
    assert run_cli(project, "check", "--no-layout") == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "changed since the clinical sign-off" in line]
    assert any("parameters.upright_hours: was '4', now '1'" in line for line in lines)
    assert any(
        "msgid 'What to do': gone since the sign-off, which approved 'What to do'" in line for line in lines
    )
    assert any("msgid 'What you may do': new since the sign-off" in line for line in lines)


def test_a_reviewed_by_line_in_the_catalogue_header_is_not_a_signoff(
    project: Path, tmp_path: Path, capsys
) -> None:
    po = project / "locales/es/LC_MESSAGES/messages.po"
    po.write_text(
        po.read_text().replace(
            "(see TRANSLATING.md).\n",
            "(see TRANSLATING.md).\n# Reviewed-By: Me, myself\n# Reviewed-On: 2026-11-21\n",
        )
    )
    entry = build_card(project, tmp_path / "out")
    assert any(reason.startswith("translation not reviewed") for reason in entry["reasons"])
    capsys.readouterr()
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert re.search(
        r"messages.po:\d+: the header's Reviewed-By: line is not a sign-off", capsys.readouterr().out
    )


def test_a_date_typo_in_a_review_drafts_only_that_language_and_stats_still_runs(
    project: Path, tmp_path: Path, capsys
) -> None:
    sign_everything_off(project)
    assert run_cli(project, "review", "fr", "--by", "R. Relecteur", "--on", "2026-11-21") == 0
    review = project / REVIEW
    review.write_text(review.read_text().replace("on = 2026-11-21", "on = 2026-11-31"))

    spanish = build_card(project, tmp_path / "out", "es", "fr")
    french = manifest_entry(tmp_path / "out", "harbour-lane-uk/fr/aftercare-card")
    assert french["status"] == "publishable", french["reasons"]
    assert spanish["status"] == "draft"
    [reason] = spanish["reasons"]
    assert reason.startswith("translation sign-off cannot be used: ")
    assert re.search(r"review.toml:\d+: not valid TOML", reason)

    capsys.readouterr()
    assert run_cli(project, "stats") == 0
    table = capsys.readouterr().out
    assert re.search(r"(?m)^es +aftercare-card .* NO: the review file cannot be used$", table)
    assert re.search(r"(?m)^fr +aftercare-card .* yes$", table)


def test_a_review_file_edited_by_hand_is_not_trusted(project: Path, tmp_path: Path) -> None:
    sign_everything_off(project)
    set_translation(project, BLADDER, "pérdida leve del control de la vejiga", context="safety")
    review = project / REVIEW
    # Make the review "approve" the new text without the command: the digest no longer matches.
    review.write_text(review.read_text().replace('"pérdida del control', '"pérdida leve del control'))
    [reason] = build_card(project, tmp_path / "out")["reasons"]
    assert "its text does not match its digest, so the file was edited by hand" in reason


def test_a_signoff_typed_into_pack_toml_is_refused_with_the_command_to_use(
    project: Path, tmp_path: Path, capsys
) -> None:
    pack = project / "packs/aftercare-card/pack.toml"
    pack.write_text(pack.read_text() + '\n[signoff]\nby = "Dr A. Example"\non = 2026-11-20\n')
    capsys.readouterr()
    assert run_cli(project, *card_build(tmp_path / "out"), "--locale", "es") == 1
    failure = capsys.readouterr().err
    assert "pack.toml: signoff: a clinical sign-off is kept in signoff.toml" in failure
    assert "patientpacks signoff aftercare-card --by NAME" in failure


def test_a_reviewer_named_in_a_script_no_catalogue_uses_prints_in_the_small_print(
    project: Path, tmp_path: Path
) -> None:
    # 龘 is in no catalogue: the font subsets are made from the project's text, sign-offs included.
    assert run_cli(project, "review", "zh_Hans", "--by", "龘医生", "--on", "2026-11-21") == 0
    out = tmp_path / "out"
    assert run_cli(project, *card_build(out), "--locale", "zh_Hans") == 0
    entry = manifest_entry(out, "harbour-lane-uk/zh_Hans/aftercare-card")
    assert entry is not None and not [
        reason for reason in entry["reasons"] if reason.startswith("translation")
    ]
    assert "龘医生" in pdf_text(out / "harbour-lane-uk/zh_Hans/aftercare-card.pdf")
