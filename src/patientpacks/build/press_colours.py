"""The press's colours: every sRGB colour WeasyPrint draws, converted to one
press's CMYK through its output profile (LittleCMS, in Pillow), while a
print-shop edition is written; greys as black ink alone (see PressColours)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files

from PIL import Image, ImageCms
from tinycss2.color5 import Color
from weasyprint.pdf.stream import Stream

#: The colour spaces WeasyPrint 70 writes without DeviceRGB: CIE Lab (from
#: lab(), lch(), oklab(), oklch() and xyz), DeviceCMYK, and named profiles
#: ("--name"). It draws every other colour (sRGB, hsl(), hwb(), and the RGB
#: spaces it does not support, as if they were sRGB) as DeviceRGB.
_SPACES_WITHOUT_RGB = {"lab", "lch", "oklab", "oklch", "xyz-d50", "xyz-d65", "device-cmyk"}
#: The sRGB profile WeasyPrint bundles: the space of every colour and image in
#: a leaflet, and the source of the conversions to the press's CMYK.
SRGB_PROFILE = files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes()


class PressColours:
    """sRGB colours as the CMYK of one press, through its output profile."""

    def __init__(self, profile: bytes) -> None:
        press = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        srgb = ImageCms.ImageCmsProfile(io.BytesIO(SRGB_PROFILE))
        lab = ImageCms.createProfile("LAB")  # CIELAB D50, the profiles' connection space
        intent = ImageCms.Intent.RELATIVE_COLORIMETRIC
        self._to_cmyk = ImageCms.buildTransform(srgb, press, "RGB", "CMYK", intent)
        self._srgb_to_lab = ImageCms.buildTransform(srgb, lab, "RGB", "LAB", intent)
        # The lightness of black ink alone, from none (0) to solid (255).
        black_ramp = Image.new("CMYK", (256, 1))
        black_ramp.putdata([(0, 0, 0, k) for k in range(256)])
        press_to_lab = ImageCms.buildTransform(press, lab, "CMYK", "LAB", intent)
        self._black_lightness = [
            lightness for lightness, _, _ in ImageCms.applyTransform(black_ramp, press_to_lab).getdata()
        ]
        self._cmyk: dict[tuple[int, int, int], tuple[float, float, float, float]] = {}

    def cmyk(self, red: int, green: int, blue: int) -> tuple[float, float, float, float]:
        """The press's CMYK (each 0-1) for an 8-bit sRGB colour.

        A grey is black ink alone, as light as the grey, or solid black for
        greys darker than solid black prints (on FOGRA39: #111 and #222 are
        solid black, #333 is 97%): grey text in four inks blurs wherever the
        plates are a little out of register. Other colours are converted
        relative colorimetric: the press's closest colour where it can print
        it, the nearest it can where it cannot."""
        rgb = (red, green, blue)
        if rgb not in self._cmyk:
            pixel = Image.new("RGB", (1, 1), rgb)
            if red == green == blue:
                lightness = ImageCms.applyTransform(pixel, self._srgb_to_lab).getpixel((0, 0))[0]
                black = min(range(256), key=lambda k: abs(self._black_lightness[k] - lightness))
                channels = (0, 0, 0, black)
            else:
                channels = ImageCms.applyTransform(pixel, self._to_cmyk).getpixel((0, 0))
            self._cmyk[rgb] = tuple(round(channel / 255, 4) for channel in channels)
        return self._cmyk[rgb]

    def device_cmyk(self, color: Color) -> Color:
        """``color`` (any space WeasyPrint draws as DeviceRGB) as ``device-cmyk``."""
        srgb = color.to("srgb") if color.space in ("hsl", "hwb") else color
        red, green, blue = (round(255 * min(1, max(0, channel or 0))) for channel in srgb.coordinates[:3])
        return Color("device-cmyk", self.cmyk(red, green, blue), color.alpha)


@contextmanager
def press_colours(colours: PressColours) -> Iterator[None]:
    """Within this block, every colour WeasyPrint draws in a DeviceRGB space
    is drawn as DeviceCMYK instead, converted by ``colours``."""
    set_color = Stream.set_color

    def set_press_color(stream: Stream, color: Color, stroke: bool = False) -> None:
        if color.space not in _SPACES_WITHOUT_RGB and not color.space.startswith("--"):
            color = colours.device_cmyk(color)
        set_color(stream, color, stroke)

    Stream.set_color = set_press_color
    try:
        yield
    finally:
        Stream.set_color = set_color
