"""The cached subset of the system CJK font draws exactly what the full font draws."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import uharfbuzz as hb

from patientpacks.build.fonts import load_font_setup, project_text, subset_system_faces
from patientpacks.errors import ConfigError
from patientpacks.model import Project

from .conftest import REPO

#: Chinese from the catalogue, and Latin with kerning pairs (AV, Te, f.) that
#: a subset without its GPOS features would set wider.
SAMPLE = "治疗后4小时内请保持身体直立 AVAWATe office. 020 7946 0321 harbourlane.example"


def _shaped(path: Path, index: int, text: str) -> list[tuple[int, int, int]]:
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path)), index))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    return [(glyph.x_advance, glyph.x_offset, glyph.y_offset) for glyph in buffer.glyph_positions]


def test_cjk_subset_shapes_text_exactly_like_the_full_font(tmp_path: Path) -> None:
    project = Project(REPO)
    setup = load_font_setup(project.fonts_dir)
    subsets = subset_system_faces(setup, project_text(project.text_input_files()), tmp_path)
    full_faces = [face for face in setup.faces if face.family in setup.system_families]
    assert len(subsets) == len(full_faces) == 2
    for full, subset in zip(full_faces, subsets, strict=True):
        assert subset.path.stat().st_size < full.path.stat().st_size / 20
        assert _shaped(subset.path, 0, SAMPLE) == _shaped(full.path, full.index, SAMPLE), full.face


def test_cjk_subset_is_made_once_and_reused_from_the_cache(tmp_path: Path) -> None:
    project = Project(REPO)
    setup = load_font_setup(project.fonts_dir)
    text = project_text(project.text_input_files())
    first = subset_system_faces(setup, text, tmp_path)
    written = {face.path: face.path.stat().st_mtime_ns for face in first}
    again = subset_system_faces(setup, text, tmp_path)
    assert {face.path: face.path.stat().st_mtime_ns for face in again} == written
    assert subset_system_faces(setup, text + "鹦", tmp_path)[0].path not in written


def test_a_system_font_harfbuzz_cannot_read_is_an_error_naming_the_file(tmp_path: Path) -> None:
    setup = load_font_setup(Project(REPO).fonts_dir)
    broken = tmp_path / "NotoSansCJK-Regular.ttc"
    broken.write_bytes(b"not a font at all")
    faces = tuple(
        replace(face, path=broken) if face.family in setup.system_families else face for face in setup.faces
    )
    with pytest.raises(ConfigError, match=r"NotoSansCJK-Regular\.ttc: HarfBuzz could not subset face 2"):
        subset_system_faces(replace(setup, faces=faces), "治疗", tmp_path / "cache")


def test_cjk_subset_numbers_each_glyph_with_its_own_cid(tmp_path: Path) -> None:
    # A PDF reader looks a CID-keyed font's glyphs up by CID (MuPDF,
    # Ghostscript) or by glyph number (poppler, PDFium): only CID = glyph
    # number makes every reader draw the same Chinese character.
    from fontTools.ttLib import TTFont

    project = Project(REPO)
    setup = load_font_setup(project.fonts_dir)
    for subset in subset_system_faces(setup, project_text(project.text_input_files()), tmp_path):
        top_dict = TTFont(subset.path)["CFF "].cff.topDictIndex[0]
        assert hasattr(top_dict, "ROS"), "the CJK subset is expected to stay CID-keyed"
        cids = [0 if name == ".notdef" else int(name.removeprefix("cid")) for name in top_dict.charset]
        assert cids == list(range(len(cids))), subset.path
