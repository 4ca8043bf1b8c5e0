"""The public API (patientpacks.api), as a long-running caller (the server)
uses it: one process, many renders, files saved in between."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from patientpacks import api
from patientpacks.build import plan
from patientpacks.errors import PatientPacksError, UsageError

from .conftest import REPO, TODAY

CARD = {"pack": "aftercare-card", "brand": "harbour-lane-uk"}


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(pdf)
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def files_of(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def test_render_leaflet_returns_the_pdf_its_status_and_reasons_and_writes_nothing(project: Path) -> None:
    before = files_of(project)
    leaflet = api.render_leaflet(api.open_project(project), locale="es", **CARD)
    assert leaflet.pdf.startswith(b"%PDF-") and leaflet.pages == 2
    assert leaflet.label == "harbour-lane-uk/es/aftercare-card"
    assert leaflet.status == "draft" and any("not signed off" in reason for reason in leaflet.reasons)
    assert files_of(project) == before


def test_a_catalogue_saved_between_two_renders_shows_in_the_second(project: Path, tmp_path: Path) -> None:
    opened = api.open_project(project)
    assert "Registro de su tratamiento" in text_of(
        api.render_leaflet(opened, locale="es", **CARD).pdf, tmp_path
    )
    po = project / "locales/es/LC_MESSAGES/messages.po"
    po.write_text(po.read_text().replace('"Registro de su tratamiento"', '"Sus datos del tratamiento"'))
    assert "Sus datos del tratamiento" in text_of(
        api.render_leaflet(opened, locale="es", **CARD).pdf, tmp_path
    )


def test_a_template_and_a_stylesheet_saved_between_two_renders_show_in_the_second(
    project: Path, tmp_path: Path
) -> None:
    opened = api.open_project(project)
    api.render_leaflet(opened, locale="en", **CARD)
    template = project / "packs/aftercare-card/title.html"
    template.write_text(template.read_text().replace("After your", "Once you have had your"))
    stylesheet = project / "templates/leaflet.css"
    stylesheet.write_text(stylesheet.read_text() + "\n.layout-card h1 { font-size: 21pt; }\n")
    pdf = api.render_leaflet(opened, locale="en", **CARD).pdf
    assert "Once you have had your" in text_of(pdf, tmp_path)
    path = tmp_path / "styled.pdf"
    path.write_bytes(pdf)
    with pdfplumber.open(path) as document:
        sizes = {round(char["size"]) for char in document.pages[0].chars if char["text"] == "O"}
    assert 21 in sizes


def test_a_new_chinese_character_saved_between_two_renders_is_drawn(project: Path, tmp_path: Path) -> None:
    # The CJK font is cut down to the project's characters: a character
    # added since must make the renderer cut it again, or fontconfig draws it
    # from whichever system font has it (the Japanese face, for one).
    opened = api.open_project(project)
    api.render_leaflet(opened, locale="zh_Hans", **CARD)
    new_character = "龘"  # in no shipped catalogue
    po = project / "locales/zh_Hans/LC_MESSAGES/messages.po"
    text = po.read_text()
    heading = re.search(r'msgid "Your treatment record"\nmsgstr "(.*)"', text)[1]
    po.write_text(text.replace(f'msgstr "{heading}"', f'msgstr "{heading}{new_character}"', 1))
    pdf = api.render_leaflet(opened, locale="zh_Hans", **CARD).pdf
    assert new_character in text_of(pdf, tmp_path)
    path = tmp_path / "zh.pdf"
    path.write_bytes(pdf)
    with pdfplumber.open(path) as document:
        fonts = {
            char["fontname"]
            for page in document.pages
            for char in page.chars
            if char["text"] == new_character
        }
    assert fonts and all(font.endswith("Noto-Sans-CJK-SC-Subset-Bold") for font in fonts), fonts
    drawn = subprocess.run(
        ["mutool", "draw", "-q", "-o", str(tmp_path / "page-%d.png"), str(path), "1"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "FT_Load_Glyph" not in drawn.stderr and "cannot render glyph" not in drawn.stderr


def test_a_filled_in_treatment_record_prints_the_patients_values_in_the_locales_format(
    tmp_path: Path,
) -> None:
    record = api.TreatmentRecord(date_of_treatment=date(2026, 12, 3), areas_treated="frente y entrecejo")
    leaflet = api.render_leaflet(api.open_project(REPO), locale="es", record=record, **CARD)
    text = text_of(leaflet.pdf, tmp_path)
    assert "3 de diciembre de 2026" in text
    assert "frente y entrecejo" in text
    assert "17 de diciembre de 2026" in text  # the review: the brand's 14 days later
    blank = text_of(api.render_leaflet(api.open_project(REPO), locale="es", **CARD).pdf, tmp_path)
    assert "entrecejo" not in blank and "diciembre de 2026 Zonas" not in blank


def test_what_was_given_and_by_whom_prints_when_filled_in_and_is_left_to_write_in_otherwise(
    tmp_path: Path,
) -> None:
    record = api.TreatmentRecord(
        date_of_treatment=date(2026, 12, 3), product="Azzalure", batch_number="C4521-B",
        units=Decimal("12.5"), injector="Ana Ruiz", prescriber="Dr. Pérez",
    )  # fmt: skip
    filled = api.render_leaflet(api.open_project(REPO), locale="es", record=record, **CARD)
    assert filled.pages == 2  # a card, filled in, stays a card
    text = text_of(filled.pdf, tmp_path)
    for value in (
        "Producto: Azzalure",
        "Número de lote: C4521-B",
        "Unidades: 12,5",
        "Aplicado por: Ana Ruiz",
    ):
        assert value in text  # the units in the locale's number format
    assert "Prescrito por: Dr. Pérez" in text
    plain = text_of(
        api.render_leaflet(
            api.open_project(REPO), locale="es", record=api.TreatmentRecord(units=Decimal(20)), **CARD
        ).pdf,
        tmp_path,
    )
    # The fields not filled in are the blank leaflet's write-in lines: one
    # set of fields, the same on paper as from the front desk.
    assert "Unidades: 20" in plain and "Producto:" in plain and "Prescrito por:" in plain
    assert "Azzalure" not in plain and "Ana Ruiz" not in plain


#: Every detail of the record filled in, each as long as a clinic writes it:
#: two products' names, a doctor with a double-barrelled name and a number.
FULL_RECORD = api.TreatmentRecord(
    date_of_treatment=date(2026, 12, 3),
    areas_treated="Forehead, frown lines (glabella), crow's feet both sides",
    product="Bocouture (incobotulinumtoxinA) 50 units",
    batch_number="C4567A-2026-11",
    units=Decimal("64.5"),
    injector="Dr Alexandra Montgomery-Whitfield, Nurse Prescriber",
    prescriber="Dr Maximilian Schneider-Hohenberg, GMC 7654321",
)


@pytest.mark.parametrize(
    "locale",
    ["en", *sorted(path.parent.parent.name for path in REPO.glob("locales/*/LC_MESSAGES/messages.po"))],
)
def test_a_card_filled_in_with_every_detail_keeps_to_its_two_sides(locale: str) -> None:
    """The card is printed on both sides, the record on the front: a record
    that spilled over pushed the safety notes onto a third page (German)."""
    leaflet = api.render_leaflet(api.open_project(REPO), locale=locale, record=FULL_RECORD, **CARD)
    assert leaflet.pages == 2, f"{locale}: {leaflet.pages} pages"
    front = " ".join(PdfReader(io.BytesIO(leaflet.pdf)).pages[0].extract_text().split())
    assert "C4567A-2026-11" in front and "7654321" in front  # on the front, with the aftercare


@pytest.mark.parametrize("field", list(api.TreatmentRecord.TEXT_FIELDS))
@pytest.mark.parametrize("text", ["\u202eojecertne", "x" * 121, "forehead\nand neck", "a\u200bb"])
def test_a_treatment_record_takes_plain_text_of_a_line_only(field: str, text: str) -> None:
    with pytest.raises(UsageError, match=api.TreatmentRecord.TEXT_FIELDS[field]):
        api.TreatmentRecord(**{field: text})


@pytest.mark.parametrize("units", ["0", "-5", "1000.5", "NaN", "Infinity", "2.125"])
def test_units_are_a_number_of_units_a_vial_can_hold(units: str) -> None:
    with pytest.raises(UsageError, match="units"):
        api.TreatmentRecord(units=Decimal(units))


def test_a_leaflet_that_cannot_be_built_raises_why() -> None:
    with pytest.raises(PatientPacksError, match="unknown pack 'nothing'"):
        api.render_leaflet(api.open_project(REPO), pack="nothing", locale="es", brand="harbour-lane-uk")
    with pytest.raises(UsageError, match="has no packs/ folder"):
        api.open_project(REPO / "templates")


def test_plan_lists_every_leaflet_with_its_inputs_hash_and_builds_none(tmp_path: Path) -> None:
    options = api.BuildOptions(out_dir=tmp_path / "dist", locales=("es",), today=TODAY)
    planned = api.plan(api.open_project(REPO), options)
    assert len(planned.jobs) == 4 and not planned.failures
    assert len({job.inputs_sha256 for job in planned.jobs}) == 4
    assert not (tmp_path / "dist").exists()


def test_the_inputs_hash_covers_the_rendering_libraries_and_the_system_fonts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    options = api.BuildOptions(
        out_dir=tmp_path / "dist", locales=("zh_Hans",), packs=("aftercare-card",), today=TODAY
    )
    project = api.open_project(REPO)
    before = {job.label: job.inputs_sha256 for job in api.plan(project, options).jobs}
    software = plan.rendering_software()
    upgraded = [(name, "99.0" if name == "weasyprint" else version) for name, version in software]
    monkeypatch.setattr(plan, "rendering_software", lambda: upgraded)
    after_upgrade = {job.label: job.inputs_sha256 for job in api.plan(project, options).jobs}
    assert all(before[label] != after_upgrade[label] for label in before)
    assert {name for name, _ in software} >= {"weasyprint", "pydyf", "Babel", "Jinja2", "fonttools", "pango"}

    monkeypatch.undo()
    original_digest = plan._InputHasher._digest

    def other_cjk_font(self: plan._InputHasher, path: Path) -> str:
        return "0" * 64 if path.suffix == ".ttc" else original_digest(self, path)

    monkeypatch.setattr(plan._InputHasher, "_digest", other_cjk_font)
    after_font = {job.label: job.inputs_sha256 for job in api.plan(project, options).jobs}
    assert all(before[label] != after_font[label] for label in before)
