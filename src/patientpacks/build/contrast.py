"""WCAG 2.x contrast between the brand colours and what is drawn with them.

The maths is the ten lines of WCAG 2.2's definitions of relative luminance and
contrast ratio, written here rather than imported: the one small library for
it on PyPI (wcag-contrast-ratio) has had no release since 2015 and builds with
distutils, which Python 3.12 removed; the well-kept colour libraries
(coloraide) are whole colour-science toolkits for these ten lines.
"""

from __future__ import annotations

from dataclasses import dataclass

#: WCAG 2.x level AA for normal-size text (1.4.3 Contrast (Minimum)).
MINIMUM_CONTRAST = 4.5
#: The fixed colours templates/leaflet.css draws with the brand colours: body
#: text (`html { color }`) and the step numbers (`ol.steps > li::before`).
#: Keep in step with the stylesheet (a test checks they are still there).
BODY_TEXT = "#111111"
WHITE = "#FFFFFF"


def relative_luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour written ``#RRGGBB`` (WCAG 2.2)."""
    channels = (int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5))
    # WCAG's text says 0.03928, the sRGB standard 0.04045; no 8-bit value lies between.
    linear = [value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (no contrast) to 21 (black on white); the order does not matter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class ColourPair:
    """Text of one colour on a background of another, as the stylesheet draws it.

    ``text`` and ``background`` are a brand colour key (``primary``,
    ``accent``) or a fixed ``#RRGGBB`` colour; ``fix`` is the brand colour to
    change when the pair fails, and ``advice`` how."""

    text: str
    background: str
    used_for: str
    fix: str
    advice: str


#: Every pair of colours templates/leaflet.css puts text in. Contrast is
#: symmetric, so primary on white also covers the white step numbers on
#: primary discs. Primary on accent cannot pass where primary on white fails
#: (no accent is lighter than white), so the list reports the simpler fix first.
BRAND_COLOUR_PAIRS = (
    ColourPair(
        "primary",
        WHITE,
        "headings, the clinic name and the white step numbers on primary discs",
        "primary",
        "use a darker primary colour",
    ),
    ColourPair(BODY_TEXT, "accent", "body text in the summary box", "accent", "use a lighter accent colour"),
    ColourPair(
        "primary",
        "accent",
        "the summary box's heading",
        "accent",
        "use a lighter accent colour or a darker primary colour",
    ),
)


@dataclass(frozen=True)
class ContrastFailure:
    pair: ColourPair
    text: str
    background: str
    ratio: float

    def describe(self) -> str:
        # Shown rounded down, so that a failing ratio never reads as "4.5:1".
        shown = int(self.ratio * 10) / 10
        return (
            f"{self.text} on {self.background} ({self.pair.used_for}) is too hard to read: "
            f"{self.pair.advice}; needs {MINIMUM_CONTRAST}:1, has {shown}:1"
        )


def contrast_failures(colours: dict[str, str]) -> list[ContrastFailure]:
    """The pairs in :data:`BRAND_COLOUR_PAIRS` under the WCAG minimum, given
    the brand's colours by key."""
    failures = []
    for pair in BRAND_COLOUR_PAIRS:
        text, background = colours.get(pair.text, pair.text), colours.get(pair.background, pair.background)
        ratio = contrast_ratio(text, background)
        if ratio < MINIMUM_CONTRAST:
            failures.append(ContrastFailure(pair, text.upper(), background.upper(), ratio))
    return failures
