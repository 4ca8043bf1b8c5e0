"""Check a brand's logo before anything draws it.

WeasyPrint draws a logo it cannot use as nothing, or as its alt text, and
says why only in a log; while it draws an SVG it catches every exception,
so a logo that never finishes drawing ignores any limit set inside the
process. So the logo is checked when its brand is read, in the build
process, before it is hashed or drawn: a logo that fails fails its brand's
leaflets only, with one message naming the brand file's ``logo.file``.

Its size: at most MAX_LOGO_BYTES on disk (checked before it is read); a PNG
at most MAX_LOGO_PIXELS by its header (checked before it is decoded), then
decoded in full by Pillow: a truncated or corrupt one is refused. An SVG's
content is checked by ``logo_svg``.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

from ..errors import LogoError
from .logo_svg import check_svg

#: The largest logo file: a logo prints at most 24 mm wide, so even a PNG
#: at 600 dpi needs no more than a few hundred kilobytes.
MAX_LOGO_BYTES = 5 * 1024 * 1024
#: The most pixels a PNG logo may have (decoded, it takes 4 to 8 bytes
#: each, in the build process and in every worker that draws it).
MAX_LOGO_PIXELS = 40_000_000

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check_logo(path: Path) -> None:
    """Raise LogoError if the logo at ``path`` (an existing .svg or .png
    file) cannot be drawn safely and completely."""
    with path.open("rb") as file:
        data = file.read(MAX_LOGO_BYTES + 1)  # never more: the file may be any size
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(
            f"is {path.stat().st_size / 1024 / 1024:,.0f} MB: a logo may be at most "
            f"{MAX_LOGO_BYTES // 1024 // 1024} MB (save it smaller, or as an SVG)"
        )
    if not data.strip():
        raise LogoError("is empty")
    if path.suffix.lower() == ".png":
        _check_png(data)
    else:
        check_svg(data)


def _check_png(data: bytes) -> None:
    # The header is read by hand: Pillow would open a JPEG or GIF named
    # .png just as well, and read the size only by parsing the file.
    if not data.startswith(_PNG_SIGNATURE):
        raise LogoError("is not a PNG file (it does not start as one): save it as PNG, or use an SVG")
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise LogoError("is not a readable PNG file: its header (IHDR) is missing")
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        raise LogoError(f"is {width} × {height} pixels: it has no picture")
    if width * height > MAX_LOGO_PIXELS:
        raise LogoError(
            f"is {width:,} × {height:,} pixels: a logo may have at most {MAX_LOGO_PIXELS // 1_000_000} million "
            "pixels (24 mm at 600 dpi is under 600 pixels across): save it smaller"
        )
    _decode_png(data)


def _decode_png(data: bytes) -> None:
    """Decode the whole PNG: WeasyPrint draws a corrupt or truncated one as
    far as it decodes, or not at all."""
    # Imported here: the build process imports no imaging library unless a
    # brand has a PNG logo (a no-op rebuild stays quick).
    from PIL import Image, ImageFile

    # WeasyPrint, once imported (the API renders in this process), lets
    # Pillow decode truncated images for the whole process; not here.
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.verify()  # every chunk's checksum, to the end of the file
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.load()  # every pixel
    except (OSError, SyntaxError, ValueError, struct.error) as error:
        raise LogoError(f"is not a readable PNG file ({error}): save it again as PNG") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
