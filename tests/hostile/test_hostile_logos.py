"""A logo comes from clinic staff, who may be careless or fooled. Whatever the
file holds, it is drawn completely or refused before the build starts: never
left blank or replaced by its alt text, never a file or address outside the
project, never text hidden in the PDF's text layer, never a build that hangs
or a worker that dies. A refused logo fails only its own brand's leaflets,
with one message naming the brand file, the line and ``logo.file``."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from patientpacks import api
from patientpacks.build import brands
from patientpacks.build.brands import load_brand

from ..conftest import TODAY, run_cli

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 64 64">'
)
RECT = '<rect width="64" height="64" fill="#203A72"/>'


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int) -> bytes:
    """A PNG's signature and header: all it takes to claim any size."""
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))


def real_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "#203A72").save(buffer, "PNG")
    return buffer.getvalue()


def use_bomb(levels: int) -> str:
    """Group aN holds 8 copies of group a(N-1): 8**levels rectangles."""
    groups = "".join(
        f'<g id="a{level}">' + f'<use href="#a{level - 1}"/>' * 8 + "</g>" for level in range(1, levels + 1)
    )
    return f'{SVG}<defs><rect id="a0" width="1" height="1"/>{groups}</defs><use href="#a{levels}"/></svg>'


def use_chain(links: int) -> str:
    """Each <use> shows the one before it: one rectangle, nested ``links`` deep."""
    groups = "".join(f'<g id="a{link}"><use href="#a{link - 1}"/></g>' for link in range(1, links + 1))
    return f'{SVG}<defs><rect id="a0" width="1" height="1"/>{groups}</defs><use href="#a{links}"/></svg>'


def billion_laughs() -> str:
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    return f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY l0 "lol">{entities}]>{SVG}<desc>&l9;</desc></svg>'


def truncated_png() -> bytes:
    data = real_png()
    return data[: len(data) // 2]


def corrupt_png() -> bytes:
    """Every chunk's checksum right, the compressed pixels garbage."""
    data = real_png()
    start = data.index(b"IDAT") - 4
    (length,) = struct.unpack(">I", data[start : start + 4])
    pixels = data[start + 8 : start + 8 + length][:2] + b"\x55" * (length - 2)
    return data[:start] + png_chunk(b"IDAT", pixels) + data[start + 12 + length :]


#: Each attack: the logo file's name, its content (None: a 600 MB sparse file
#: made on the spot), and what the message says.
ATTACKS = {
    "use-bomb": ("bomb.svg", use_bomb(7), "draws more than 10,000 elements, counting each <use>"),
    "use-chain-too-deep": (
        "chain.svg",
        use_chain(40),
        "nests more than 32 deep, counting what each <use> shows",
    ),
    "use-cycle": (
        "cycle.svg",
        f'{SVG}<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>',
        "has <g id='a'> drawing itself",
    ),
    "file-of-600-mb": ("huge.svg", None, "is 600 MB: a logo may be at most 5 MB"),
    "png-of-400-megapixels": (
        "wide.png",
        png_header(20_000, 20_000) + png_chunk(b"IEND", b""),
        "is 20,000 × 20,000 pixels: a logo may have at most 40 million pixels",
    ),
    "png-of-garbage": ("garbage.png", bytes(range(256)) * 8, "is not a PNG file"),
    "png-truncated": ("truncated.png", truncated_png(), "is not a readable PNG file"),
    "png-corrupt-pixels": ("corrupt.png", corrupt_png(), "is not a readable PNG file"),
    "png-empty": ("empty.png", b"", "is empty"),
    "svg-empty": ("empty.svg", b"", "is empty"),
    "svg-of-garbage": ("garbage.svg", bytes(range(256)) * 8, "is not a readable SVG file"),
    "svg-not-a-drawing": (
        "page.svg",
        "<html><body>logo</body></html>",
        "is not an SVG drawing: it holds <html>",
    ),
    "http-image": (
        "remote.svg",
        f'{SVG}<image href="http://127.0.0.1:1/logo.png" width="64" height="64"/></svg>',
        "holds <image>, which draws another file",
    ),
    "file-image": (
        "local.svg",
        f'{SVG}<image xlink:href="file:///etc/hostname" width="64" height="64"/></svg>',
        "holds <image>, which draws another file",
    ),
    "use-of-another-file": (
        "other.svg",
        f'{SVG}<use xlink:href="file:///etc/passwd#x"/></svg>',
        "refers to 'file:///etc/passwd#x' (href of <use>)",
    ),
    "import-in-style": (
        "import.svg",
        f"{SVG}<style>@import url(http://127.0.0.1:1/x.css);</style>{RECT}</svg>",
        "has @import in a <style>, which loads another file",
    ),
    "font-face-in-style": (
        "font.svg",
        f'{SVG}<style>@font-face {{ font-family: "Noto Sans"; src: url(x.ttf) }}</style>{RECT}</svg>',
        "has @font-face in a <style>",
    ),
    "url-in-style": (
        "styled.svg",
        f"{SVG}<style>rect {{ fill: u\\72l(http://127.0.0.1:1/x) }}</style>{RECT}</svg>",
        "refers to 'http://127.0.0.1:1/x' (in a url())",
    ),
    "url-in-attribute": (
        "filled.svg",
        f'{SVG}<rect width="64" height="64" style="fill: url(\'file:///etc/hostname\')"/></svg>',
        "refers to 'file:///etc/hostname' (in a url())",
    ),
    "foreign-object": (
        "foreign.svg",
        f'{SVG}<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject></svg>',
        "holds <foreignObject>",
    ),
    "script": ("script.svg", f"{SVG}<script>alert(1)</script>{RECT}</svg>", "holds <script>"),
    "xxe": (
        "xxe.svg",
        f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/hostname">]>{SVG}<desc>&x;</desc></svg>',
        "has a DOCTYPE",
    ),
    "billion-laughs": ("laughs.svg", billion_laughs(), "has a DOCTYPE"),
    "text-hidden-outside-the-box": (
        "words.svg",
        f'{SVG}{RECT}<text x="-5000" y="20">Hidden words for the text layer</text></svg>',
        "holds <text>, which is text: convert the text to outlines",
    ),
    "zero-size": (
        "flat.svg",
        SVG.replace('viewBox="0 0 64 64"', 'viewBox="0 0 64 0"') + RECT + "</svg>",
        'has viewBox="0 0 64 0": give four numbers, a positive width and height last',
    ),
}


def brand_with_logo(project: Path, name: str, content: str | bytes | None) -> Path:
    """A brand 'hostile', the UK example with the logo ``name`` holding ``content``."""
    logo = project / "brands/logos" / name
    if content is None:
        with logo.open("wb") as file:
            file.truncate(600 * 1024 * 1024)  # sparse: no disk space taken
    else:
        logo.write_bytes(content.encode() if isinstance(content, str) else content)
    brand = project / "brands/hostile.toml"
    text = (project / "brands/harbour-lane-uk.toml").read_text()
    brand.write_text(text.replace("logos/harbour-lane.svg", f"logos/{name}"))
    return brand


def logo_line(brand: Path) -> int:
    return next(
        number for number, line in enumerate(brand.read_text().splitlines(), 1) if line.startswith("file =")
    )


@pytest.mark.parametrize("name, content, message", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_hostile_logo_is_refused_up_front_failing_only_its_brand(
    project: Path, name: str, content: str | bytes | None, message: str
) -> None:
    brand = brand_with_logo(project, name, content)
    options = api.BuildOptions(
        out_dir=project / "dist", packs=("aftercare-card",), locales=("en",), today=TODAY
    )
    planned = api.plan(api.open_project(project), options)
    assert [failure.job_label for failure in planned.failures] == ["hostile/en/aftercare-card"]
    error = planned.failures[0].error
    assert f"hostile.toml:{logo_line(brand)}: logo.file: logos/{name} {message}" in error
    assert error.startswith(str(brand))
    assert {job.brand.id for job in planned.jobs} == {"harbour-lane-uk", "maple-street-us"}


ACCEPTED = {
    # As Illustrator saves a logo: classes in a <style>, a gradient and a
    # clip path by url(#id), a symbol shown by xlink:href.
    "drawing-program-svg": (
        "exported.svg",
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"{SVG}<defs><style>.cls-1{{fill:url(#grad);}}.cls-2{{clip-path:url(#clip);}}</style>"
        '<linearGradient id="grad"><stop offset="0" stop-color="#4A90D9"/><stop offset="1" stop-color="#203A72"/>'
        '</linearGradient><clipPath id="clip"><rect width="64" height="64" rx="12"/></clipPath>'
        '<symbol id="wave"><path d="M10 22 q5.5 -7 11 0 t11 0" stroke="#fff"/></symbol></defs>'
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="http://example.org/"/></rdf:RDF></metadata>'
        '<g class="cls-2"><rect class="cls-1" width="64" height="64" transform="rotate(0 32 32)"/>'
        '<use xlink:href="#wave"/><use href="#wave" y="11"/></g></svg>',
    ),
    "png": ("logo.png", real_png()),
}


@pytest.mark.parametrize("name, content", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_logos_as_drawing_programs_save_them_are_accepted(
    project: Path, name: str, content: str | bytes
) -> None:
    brand = load_brand(brand_with_logo(project, name, content))
    assert brand.logo.path.name == name


def test_a_logo_too_large_to_read_fails_only_its_brands_leaflets(
    project: Path, tmp_path: Path, capsys
) -> None:
    brand = brand_with_logo(project, "huge.png", None)
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), "--pack", "aftercare-card", "--locale", "en", "-q") == 1
    failed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("FAILED")]
    assert failed == [
        f"FAILED  hostile/en/aftercare-card: {brand}:{logo_line(brand)}: logo.file: logos/huge.png is 600 MB: "
        "a logo may be at most 5 MB (save it smaller, or as an SVG)"
    ]
    assert (out / "harbour-lane-uk/en/aftercare-card.pdf").is_file()
    assert (out / "maple-street-us/en/aftercare-card.pdf").is_file()


def test_a_logo_weasyprint_cannot_draw_fails_its_leaflet_instead_of_printing_blank(
    project: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the logo check (let through here), WeasyPrint catches the refused
    # fetch of the <image> while drawing the SVG and logs it: the leaflet
    # would print with no logo. What it logs as an error fails the leaflet.
    monkeypatch.setattr(brands, "check_logo", lambda path: None)
    brand_with_logo(project, "remote.svg", ATTACKS["http-image"][1])
    out = tmp_path / "out"
    arguments = ("--out", str(out), "--pack", "aftercare-card", "--locale", "en", "--brand", "hostile", "-q")
    assert run_cli(project, *arguments) == 1
    error = capsys.readouterr().err
    assert "WeasyPrint could not draw all of it: Failed to render SVG image" in error
    assert not (out / "hostile/en/aftercare-card.pdf").exists()
