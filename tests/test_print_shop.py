"""The print-shop edition, read back from real builds through tools other than
the code that wrote it: pypdf for the PDF's objects and operators,
Ghostscript's separations for what each printing plate carries, pdfplumber
for where text is, and the ``page`` validator for PDF/UA-1."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import page as pdf_ua_validator
import pdfplumber
import pytest
from PIL import Image, ImageCms
from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, NameObject

from patientpacks.build.brands import load_brand
from patientpacks.errors import ConfigError

from .conftest import REPO, run_cli

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
BLEED = 3 * MM
FIXTURES = Path(__file__).parent / "fixtures" / "print-shop"
DEFAULT_PROFILE = REPO / "assets/colour/FOGRA39-patientpacks.icc"
#: Ghostscript's separations at this resolution: about 4 pixels to a millimetre.
DPI = 100
INKS = ("Cyan", "Magenta", "Yellow", "Black")


def print_shop_pdfs(dist: Path) -> list[Path]:
    pdfs = sorted(dist.rglob("*.print-shop.pdf"))
    assert pdfs
    return pdfs


def manifest(out: Path) -> dict[str, dict]:
    return {entry["path"]: entry for entry in json.loads((out / "manifest.json").read_text())["leaflets"]}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def box(page_box) -> tuple[float, float, float, float]:
    return tuple(float(value) for value in (page_box.left, page_box.bottom, page_box.right, page_box.top))


def output_profile(reader: PdfReader) -> bytes:
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    return intent.get_object()["/DestOutputProfile"].get_object().get_data()


# --- Objects and operators ---------------------------------------------------


def every_object(reader: PdfReader) -> list[object]:
    """Every indirect object in the file, whether in the cross-reference
    table or in an object stream."""
    numbers = {*reader.xref.get(0, {}), *reader.xref_objStm}
    return [reader.get_object(number) for number in sorted(numbers)]


def names_in(value: object) -> set[str]:
    """Every PDF name in ``value``, its dictionaries and arrays (not
    following references: every object is looked at on its own)."""
    if isinstance(value, NameObject):
        return {str(value)}
    if isinstance(value, DictionaryObject):
        return {str(key) for key in value} | {name for item in value.values() for name in names_in(item)}
    if isinstance(value, ArrayObject):
        return {name for item in value for name in names_in(item)}
    return set()


def content_streams(reader: PdfReader) -> list[ContentStream]:
    """The content of every page and of every form XObject and tiling
    pattern, the streams that hold drawing operators."""
    streams = [page.get_contents() for page in reader.pages]
    for item in every_object(reader):
        if isinstance(item, DictionaryObject) and (
            item.get("/Subtype") == "/Form" or item.get("/PatternType") == 1
        ):
            streams.append(ContentStream(item, reader))
    return [stream for stream in streams if stream is not None]


def test_print_shop_pdfs_have_no_device_rgb_anywhere(editions_dist: Path) -> None:
    for path in print_shop_pdfs(editions_dist):
        reader = PdfReader(path)
        for item in every_object(reader):
            assert "/DeviceRGB" not in names_in(item), (path, item)
        operators = set()
        for stream in content_streams(reader):
            for operands, operator in stream.operations:
                operators.add(operator)
                assert NameObject("/DeviceRGB") not in operands, (path, operator)
        # No RGB colour operators; CMYK (DeviceCMYK's scn and the marks'
        # separation) instead.
        assert not operators & {b"rg", b"RG"}, path
        assert {b"scn", b"SCN"} <= operators, path


def test_print_shop_output_intent_is_a_cmyk_press_profile(editions_dist: Path) -> None:
    for path in print_shop_pdfs(editions_dist):
        reader = PdfReader(path)
        (intent,) = reader.trailer["/Root"]["/OutputIntents"]
        intent = intent.get_object()
        assert intent["/S"] == "/GTS_PDFX"
        profile = intent["/DestOutputProfile"].get_object()
        header = profile.get_data()[:128]
        # The ICC header: device class at byte 12, data colour space at 16,
        # connection space at 20, the signature "acsp" at 36.
        assert (header[12:16], header[16:20], header[36:40]) == (b"prtr", b"CMYK", b"acsp"), path
        assert profile["/N"] == 4
        assert profile.get_data() == DEFAULT_PROFILE.read_bytes()
        assert (intent["/OutputConditionIdentifier"], intent["/RegistryName"]) == (
            "FOGRA39",
            "http://www.color.org",
        )


def test_default_output_profile_is_an_output_profile_for_cmyk_with_its_provenance() -> None:
    profile = ImageCms.getOpenProfile(str(DEFAULT_PROFILE)).profile
    assert (profile.device_class, profile.xcolor_space.strip(), profile.connection_space.strip()) == (
        "prtr",
        "CMYK",
        "Lab",
    )
    assert "FOGRA39" in profile.profile_description
    assert "FOGRA39L.ti3" in profile.copyright and "zlib" in profile.copyright
    script = (REPO / "scripts/build_output_profile.sh").read_text()
    assert "assets/colour/FOGRA39-patientpacks.icc" in script and "--check" in script


def crop_marks(reader: PdfReader, page_number: int) -> list[tuple[float, float, float, float]]:
    """The lines a page strokes in registration colour (a Separation of
    "All" inks), as (x0, y0, x1, y1)."""
    page = reader.pages[page_number]
    colour_spaces = page["/Resources"]["/ColorSpace"].get_object()
    lines, path, stroke_space = [], [], None
    for operands, operator in page.get_contents().operations:
        if operator == b"CS":
            stroke_space = colour_spaces.get(operands[0])
        elif operator == b"m":
            start = tuple(float(value) for value in operands)
        elif operator == b"l":
            path.append((*start, *(float(value) for value in operands)))
        elif operator == b"S":
            space = stroke_space.get_object() if stroke_space is not None else None
            if isinstance(space, ArrayObject) and list(space[:2]) == ["/Separation", "/All"]:
                lines += path
            path = []
        elif operator in (b"f", b"F", b"f*", b"B", b"b", b"n"):
            path = []
    return lines


def test_crop_marks_are_in_registration_colour_outside_the_bleed(editions_dist: Path) -> None:
    for path in print_shop_pdfs(editions_dist):
        reader = PdfReader(path)
        for number, page in enumerate(reader.pages):
            media, bleed, trim = box(page.mediabox), box(page.bleedbox), box(page.trimbox)
            marks = crop_marks(reader, number)
            assert len(marks) == 8, (path, number, marks)
            corners = set()
            for x0, y0, x1, y1 in marks:
                horizontal = y0 == y1
                axis = 0 if horizontal else 1  # the axis the mark runs along
                start, end = sorted((x0, x1) if horizontal else (y0, y1))
                assert end - start == pytest.approx(5 * MM, abs=0.01)
                # On the line of one of the trim's edges...
                across = y0 if horizontal else x0
                edges = (trim[1], trim[3]) if horizontal else (trim[0], trim[2])
                (edge,) = [index for index, line in enumerate(edges) if across == pytest.approx(line)]
                # ...beyond the trim by at least the bleed, outside the
                # BleedBox, inside the MediaBox.
                before = end <= trim[axis]
                if before:
                    assert trim[axis] - end >= BLEED and end <= bleed[axis] and start >= media[axis]
                else:
                    assert start - trim[axis + 2] >= BLEED and start >= bleed[axis + 2]
                    assert end <= media[axis + 2]
                corners.add((horizontal, before, edge))
            assert len(corners) == 8, (path, number)  # at each corner, one mark each way


def test_print_shop_boxes_nest_media_bleed_trim(editions_dist: Path) -> None:
    for path in print_shop_pdfs(editions_dist):
        for page in PdfReader(path).pages:
            media, bleed, trim = box(page.mediabox), box(page.bleedbox), box(page.trimbox)
            for outer, inner in ((media, bleed), (bleed, trim)):
                assert outer[0] < inner[0] and outer[1] < inner[1], path
                assert outer[2] > inner[2] and outer[3] > inner[3], path
            assert [b - t for b, t in zip(bleed[:2], trim[:2], strict=True)] == pytest.approx([-BLEED] * 2)
            assert [b - t for b, t in zip(bleed[2:], trim[2:], strict=True)] == pytest.approx([BLEED] * 2)
            # Room for the marks: the bleed, a gap, 5 mm of mark, a margin.
            assert bleed[0] - media[0] >= 7 * MM and media[2] - bleed[2] >= 7 * MM


def test_print_shop_edition_is_pdf_x4_on_the_trimmed_page_size(editions_dist: Path) -> None:
    path = editions_dist / "harbour-lane-uk/en/neuromodulators.print-shop.pdf"
    reader = PdfReader(path)
    for page in reader.pages:
        assert (float(page.trimbox.width), float(page.trimbox.height)) == pytest.approx(A4, abs=0.5)
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in metadata


def test_print_shop_pdf_is_declared_pdf_ua_1_beside_pdf_x4_and_passes_the_validator(
    editions_dist: Path,
) -> None:
    for path in print_shop_pdfs(editions_dist):
        metadata = PdfReader(path).trailer["/Root"]["/Metadata"].get_object().get_data()
        assert b'pdfuaid:part="1"' in metadata and b"PDF/X-4" in metadata, path
        report = pdf_ua_validator.validate_pdf(str(path), profile="ua1")
        assert [failure.rule_id for failure in report.failures] == [], (path, str(report))


# --- What each plate carries (Ghostscript's separations) --------------------


def separations(path: Path, page: int, out: Path) -> dict[str, Image.Image]:
    """The page's four printing plates, as Ghostscript separates them for
    the PDF's output intent: 0 where a plate carries no ink, 255 at full ink."""
    stem = out / f"{path.stem}-{page}"
    subprocess.run(
        [
            "gs",
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-sDEVICE=tiffsep",
            f"-r{DPI}",
            f"-dFirstPage={page}",
            f"-dLastPage={page}",
            f"-sOutputFile={stem}.tif",
            str(path),
        ],
        check=True,
    )
    # tiffsep writes 255 for no ink.
    return {ink: Image.eval(Image.open(f"{stem}({ink}).tif"), lambda value: 255 - value) for ink in INKS}


class PageGrid:
    """Maps PDF points on a page to the pixels of its rendering (Ghostscript
    renders the MediaBox)."""

    def __init__(self, page) -> None:
        self.left, _, _, self.top = box(page.mediabox)
        self.scale = DPI / 72

    def pixel(self, x: float, y: float) -> tuple[int, int]:
        return round((x - self.left) * self.scale), round((self.top - y) * self.scale)

    def area(self, x0: float, y0: float, x1: float, y1: float, margin: int = 0) -> tuple[int, int, int, int]:
        """The pixels of a PDF box, as (left, top, right, bottom) for PIL's
        crop(), with ``margin`` more pixels on every side."""
        left, top = self.pixel(min(x0, x1), max(y0, y1))
        right, bottom = self.pixel(max(x0, x1), min(y0, y1))
        return left - margin, top - margin, right + 1 + margin, bottom + 1 + margin


def ink(plate: Image.Image, area: tuple[int, int, int, int]) -> int:
    """The most ink a plate carries in an area (0-255)."""
    return plate.crop(area).getextrema()[1]


@pytest.mark.parametrize(
    "leaflet",
    [
        "harbour-lane-uk/en/aftercare-card",
        "harbour-lane-uk/fa/aftercare-card",
        "maple-street-us/es/neuromodulators",
        "maple-street-us/fa/neuromodulators",
    ],
)
def test_marks_print_on_every_plate_and_nothing_else_reaches_past_the_bleed(
    editions_dist: Path, tmp_path: Path, leaflet: str
) -> None:
    path = editions_dist / f"{leaflet}.print-shop.pdf"
    reader = PdfReader(path)
    for number in (1, len(reader.pages)):
        page = reader.pages[number - 1]
        grid = PageGrid(page)
        plates = separations(path, number, tmp_path)
        marks = crop_marks(reader, number - 1)
        assert len(marks) == 8
        # A hairline (0.25 pt) is a pixel wide at this resolution, in the
        # pixel row or column on either side of the line's centre.
        mark_areas = [grid.area(*mark, margin=1) for mark in marks]
        for area in mark_areas:
            for name, plate in plates.items():
                assert ink(plate, area) >= 128, (leaflet, number, name, area)
        # Beyond the BleedBox, only the marks: blank paper on every plate
        # once the marks (and a pixel around them) are painted out.
        left, bottom, right, top = box(page.bleedbox)
        bleed_area = grid.area(left, bottom, right, top)
        for name, plate in plates.items():
            slug = plate.copy()
            slug.paste(0, (bleed_area[0] - 1, bleed_area[1] - 1, bleed_area[2] + 1, bleed_area[3] + 1))
            for x0, y0, x1, y1 in mark_areas:
                slug.paste(0, (x0 - 2, y0 - 2, x1 + 2, y1 + 2))
            assert slug.getextrema()[1] == 0, (leaflet, number, name)


def test_brand_band_runs_to_the_edge_of_the_bleed_and_stops_there(
    editions_dist: Path, tmp_path: Path
) -> None:
    path = editions_dist / "harbour-lane-uk/en/aftercare-card.print-shop.pdf"
    page = PdfReader(path).pages[0]
    grid = PageGrid(page)
    plates = separations(path, 1, tmp_path)
    middle = float(page.trimbox.width) / 2
    trim_top, bleed_top = float(page.trimbox.top), float(page.bleedbox.top)
    inside_the_trim = grid.pixel(middle, trim_top - 2 * MM)
    edge_of_the_bleed = grid.pixel(middle, bleed_top - 0.5 * MM)
    past_the_bleed = grid.pixel(middle, bleed_top + 0.5 * MM)
    # Past the bleed is paper too (the MediaBox holds the marks beyond it).
    assert past_the_bleed[1] >= 0, past_the_bleed
    band = [plates[name].getpixel(inside_the_trim) for name in INKS]
    assert band[0] > 200 and band[3] > 0  # the brand's dark blue: mostly cyan, some black
    assert [plates[name].getpixel(edge_of_the_bleed) for name in INKS] == band
    assert [plates[name].getpixel(past_the_bleed) for name in INKS] == [0, 0, 0, 0]


def text_areas(path: Path, page_number: int, text: str) -> list[tuple[float, float, float, float]]:
    """Where ``text`` is on a page, as PDF boxes (x0, y0, x1, y1)."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_number - 1]
        # pdfplumber measures "top" down from the top of the MediaBox.
        height = page.bbox[3] - page.bbox[1]
        return [
            (hit["x0"], height - hit["bottom"], hit["x1"], height - hit["top"]) for hit in page.search(text)
        ]


@pytest.mark.parametrize("locale", ["en", "es", "fa"])
def test_black_and_grey_text_prints_on_the_black_plate_alone(
    editions_dist: Path, tmp_path: Path, locale: str
) -> None:
    path = editions_dist / f"harbour-lane-uk/{locale}/aftercare-card.print-shop.pdf"
    # The phone number in the header (#111) and in the footer (#333); the
    # end of the English list of sources in the small print (#222), on the
    # back, clear of the draft mark.
    for number, text, count in ((1, "020 7946 0321", 2), (2, "(MHRA)", 1)):
        areas = text_areas(path, number, text)
        assert len(areas) == count, (locale, text, areas)
        grid = PageGrid(PdfReader(path).pages[number - 1])
        plates = separations(path, number, tmp_path)
        for area in areas:
            pixels = grid.area(*area)
            assert ink(plates["Black"], pixels) >= 200, (locale, text)
            assert [ink(plates[name], pixels) for name in INKS[:3]] == [0, 0, 0], (locale, text)


# --- A brand's own press -----------------------------------------------------


def fill_colours(reader: PdfReader) -> set[tuple[float, ...]]:
    """Every four-component colour the pages set (DeviceCMYK's scn)."""
    return {
        tuple(round(float(value), 3) for value in operands)
        for page in reader.pages
        for operands, operator in page.get_contents().operations
        if operator in (b"scn", b"sc", b"k") and len(operands) == 4
    }


def relative_colorimetric_cmyk(profile: Path, rgb: tuple[int, int, int]) -> tuple[float, ...]:
    """LittleCMS's conversion of an sRGB colour into a press profile's CMYK."""
    srgb = ImageCms.ImageCmsProfile(str(files("weasyprint.pdf").joinpath("sRGB2014.icc")))
    transform = ImageCms.buildTransform(
        srgb, ImageCms.getOpenProfile(str(profile)), "RGB", "CMYK", ImageCms.Intent.RELATIVE_COLORIMETRIC
    )
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), transform).getpixel((0, 0))
    return tuple(round(channel / 255, 3) for channel in pixel)


def test_brand_output_profile_is_the_output_intent_and_the_colours_are_its_cmyk(
    project: Path, tmp_path: Path
) -> None:
    shutil.copy(FIXTURES / "FOGRA29-test.icc", project / "brands/shop-press.icc")
    edit(
        project / "brands/harbour-lane-uk.toml",
        'paper = "A4"\n',
        'paper = "A4"\noutput_profile = "shop-press.icc"\n',
    )
    out = tmp_path / "out"
    args = ("--print-shop", "--locale", "en", "--pack", "aftercare-card", "-q")
    assert run_cli(project, "--out", str(out), *args) == 0
    shop = PdfReader(out / "harbour-lane-uk/en/aftercare-card.print-shop.pdf")
    assert output_profile(shop) == (FIXTURES / "FOGRA29-test.icc").read_bytes()
    (intent,) = shop.trailer["/Root"]["/OutputIntents"]
    assert intent.get_object()["/OutputConditionIdentifier"] == "Custom"
    assert "FOGRA29" in intent.get_object()["/OutputCondition"]
    # The brand's primary colour (the band, the headings) in the shop's CMYK,
    # not in FOGRA39's.
    harbour_blue = (0x20, 0x3A, 0x72)
    colours = fill_colours(shop)
    assert relative_colorimetric_cmyk(project / "brands/shop-press.icc", harbour_blue) in colours
    assert relative_colorimetric_cmyk(DEFAULT_PROFILE, harbour_blue) not in colours
    # The other brand still prints for FOGRA39.
    default = PdfReader(out / "maple-street-us/en/aftercare-card.print-shop.pdf")
    assert output_profile(default) == DEFAULT_PROFILE.read_bytes()


def test_changing_a_brands_output_profile_rebuilds_only_its_print_shop_leaflets(
    project: Path, tmp_path: Path
) -> None:
    shutil.copy(FIXTURES / "FOGRA29-test.icc", project / "brands/shop-press.icc")
    edit(
        project / "brands/harbour-lane-uk.toml",
        'paper = "A4"\n',
        'paper = "A4"\noutput_profile = "shop-press.icc"\n',
    )
    out = tmp_path / "out"
    args = ("--out", str(out), "--print-shop", "--locale", "en", "--pack", "aftercare-card", "-q")
    assert run_cli(project, *args) == 0
    before = manifest(out)
    shutil.copy(DEFAULT_PROFILE, project / "brands/shop-press.icc")
    assert run_cli(project, *args) == 0
    changed = {path for path, entry in manifest(out).items() if entry["sha256"] != before[path]["sha256"]}
    assert changed == {"harbour-lane-uk/en/aftercare-card.print-shop.pdf"}


def _display_profile(brands: Path) -> str:
    shutil.copy(files("weasyprint.pdf").joinpath("sRGB2014.icc"), brands / "screen.icc")
    return "screen.icc"


def _rgb_printer_profile(brands: Path) -> str:
    # An RGB profile that calls itself a printer's: the class bytes changed.
    data = bytearray(files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes())
    data[12:16] = b"prtr"
    (brands / "rgb-printer.icc").write_bytes(bytes(data))
    return "rgb-printer.icc"


def _not_a_profile(brands: Path) -> str:
    (brands / "press.icc").write_text("this is not an ICC profile\n")
    return "press.icc"


@pytest.mark.parametrize(
    ("make_profile", "message"),
    [
        (
            _display_profile,
            "screen.icc is a display profile, not an output (printer) profile: ask the print shop",
        ),
        (_rgb_printer_profile, "rgb-printer.icc is a profile for RGB, not CMYK: ask the print shop"),
        (_not_a_profile, "press.icc is not a readable ICC profile"),
        (lambda brands: "missing.icc", "profile file not found"),
        (
            lambda brands: "../assets/colour/FOGRA39-patientpacks.icc",
            "must be a file inside the brands folder",
        ),
    ],
)
def test_unusable_output_profile_names_the_brand_file_line_and_key(
    project: Path, make_profile, message: str
) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    name = make_profile(project / "brands")
    edit(brand, 'paper = "A4"\n', f'paper = "A4"\noutput_profile = "{name}"\n')
    line = brand.read_text().splitlines().index(f'output_profile = "{name}"') + 1
    with pytest.raises(ConfigError) as error:
        load_brand(brand)
    assert str(error.value).startswith(f"{brand}:{line}: output_profile: {message}"), str(error.value)


def test_brand_with_a_display_profile_fails_only_its_own_leaflets(
    project: Path, tmp_path: Path, capsys
) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    edit(
        brand, 'paper = "A4"\n', f'paper = "A4"\noutput_profile = "{_display_profile(project / "brands")}"\n'
    )
    out = tmp_path / "out"
    args = ("--print-shop", "--locale", "en", "--pack", "aftercare-card", "-q")
    assert run_cli(project, "--out", str(out), *args) == 1
    line = brand.read_text().splitlines().index('output_profile = "screen.icc"') + 1
    assert (
        f"harbour-lane-uk.toml:{line}: output_profile: screen.icc is a display profile"
        in capsys.readouterr().err
    )
    assert not (out / "harbour-lane-uk").exists()
    assert (out / "maple-street-us/en/aftercare-card.print-shop.pdf").is_file()


# --- Logos -----------------------------------------------------------------


def test_png_and_gradient_logos_print_in_the_presss_colours(project: Path, tmp_path: Path) -> None:
    for name in ("leaf-logo.png", "gradient-logo.svg"):
        shutil.copy(FIXTURES / name, project / "brands/logos" / name)
    edit(project / "brands/maple-street-us.toml", "logos/maple-street.svg", "logos/leaf-logo.png")
    edit(project / "brands/harbour-lane-uk.toml", "logos/harbour-lane.svg", "logos/gradient-logo.svg")
    out = tmp_path / "out"
    args = ("--print-shop", "--locale", "en", "--pack", "aftercare-card", "-q")
    assert run_cli(project, "--out", str(out), *args) == 0

    # The PNG keeps its pixels, tagged as the sRGB they are.
    png = PdfReader(out / "maple-street-us/en/aftercare-card.print-shop.pdf")
    images = [
        item
        for item in every_object(png)
        if isinstance(item, DictionaryObject) and item.get("/Subtype") == "/Image"
    ]
    colour_spaces = [image["/ColorSpace"] for image in images if "/SMask" in image]
    assert len(colour_spaces) == 1 and colour_spaces[0][0] == "/ICCBased"
    srgb = colour_spaces[0][1].get_object()
    assert srgb["/N"] == 3 and srgb.get_data()[12:20] == b"mntrRGB "

    # The gradient's colour stops are the press's CMYK: four numbers each.
    gradient_path = out / "harbour-lane-uk/en/aftercare-card.print-shop.pdf"
    gradient = PdfReader(gradient_path)
    shadings = [
        item
        for item in every_object(gradient)
        if isinstance(item, DictionaryObject) and "/ShadingType" in item
    ]
    stops = [
        part
        for shading in shadings
        if shading["/ColorSpace"] != "/DeviceGray"
        for part in shading["/Function"].get_object()["/Functions"]
    ]
    assert stops and all(len(part["/C0"]) == len(part["/C1"]) == 4 for part in stops)
    for reader in (png, gradient):
        for item in every_object(reader):
            assert "/DeviceRGB" not in names_in(item)
    # Both logos are drawn: ink on the plates where each logo is, in the
    # header's top left corner (the card's margins are 7 mm at the top and
    # 10 mm at the sides; the logo is 12 mm square).
    for path in (out / "maple-street-us/en/aftercare-card.print-shop.pdf", gradient_path):
        page = PdfReader(path).pages[0]
        left, _, _, top = box(page.trimbox)
        logo = PageGrid(page).area(left + 12 * MM, top - 9 * MM, left + 20 * MM, top - 17 * MM)
        assert ink(separations(path, 1, tmp_path)["Cyan"], logo) > 100, path


# --- Folded booklets ---------------------------------------------------------


def test_folded_pack_print_shop_edition_is_a_multiple_of_four_pages(editions_dist: Path) -> None:
    entries = manifest(editions_dist)
    folded = [entry for path, entry in entries.items() if path.endswith("neuromodulators.print-shop.pdf")]
    assert folded and all(entry["pages"] % 4 == 0 for entry in folded)
    standard = entries["maple-street-us/es/neuromodulators.pdf"]
    booklet = entries["maple-street-us/es/neuromodulators.print-shop.pdf"]
    assert (standard["pages"], booklet["pages"]) == (6, 8)
    # The back page stays at the back.
    assert "Página 6 de 6" in PdfReader(editions_dist / booklet["path"]).pages[-1].extract_text()
