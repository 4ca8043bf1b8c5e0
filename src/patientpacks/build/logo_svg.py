"""Check an SVG logo: self-contained, bounded, no text.

- Read with defusedxml, refusing any DOCTYPE, so no entity is ever declared
  (no XXE, no billion laughs). Self-contained: no ``href`` but a
  ``#fragment`` of the file itself, no ``<image>``, ``<foreignObject>`` or
  ``<script>``, no ``@import`` or ``@font-face``, no ``url()`` but
  ``url(#id)``.
- Its drawing bounded: at most MAX_SVG_ELEMENTS elements drawn and
  MAX_SVG_DEPTH levels deep, counting each ``<use>`` (and each ``url(#id)``
  of anything but a gradient, its stylesheet's matched as WeasyPrint
  matches them) as a copy of what it refers to: a few hundred bytes of
  nested ``<use>`` otherwise draw millions of shapes.
- No text (``<text>``, ``<tspan>``, ``<textPath>``, ``<a>``): WeasyPrint puts
  it in the PDF's text layer, outside the structure tree, where words drawn
  off the logo's box are hidden on the page yet copied, searched and read
  aloud; and it draws it with whatever system font fontconfig finds, which
  ``check`` never saw. A logo's words belong in ``logo.alt``.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import Element, ParseError

import cssselect2
import tinycss2
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from ..errors import LogoError

#: The most elements an SVG logo may draw, each ``<use>`` counted as a copy
#: of what it shows. The shipped logos draw 5 and 3; 10,000 add about 1.5 s
#: to every leaflet of the brand (measured: 3.0 s for one card, 1.5 s with
#: the shipped logo).
MAX_SVG_ELEMENTS = 10_000
#: How deep an SVG logo's elements may nest, counting what a ``<use>``
#: shows as nested inside it (WeasyPrint draws by recursion).
MAX_SVG_DEPTH = 32

_SVG = "{http://www.w3.org/2000/svg}"
_SELF_CONTAINED = "a logo must be one self-contained file"
_NO_TEXT = "convert the text to outlines (paths) in the drawing program, and put the words in logo.alt"
_REFUSED_ELEMENTS = {
    "image": f"which draws another file: {_SELF_CONTAINED}",
    "feImage": f"which draws another file: {_SELF_CONTAINED}",
    "foreignObject": f"which holds a web page: {_SELF_CONTAINED}",
    "script": "which is a program: a logo is a drawing",
    "text": f"which is text: {_NO_TEXT}",
    "tspan": f"which is text: {_NO_TEXT}",
    "textPath": f"which is text: {_NO_TEXT}",
    "a": f"which is a link drawn as text: {_NO_TEXT}",
}
#: CSS functions that load an image from a string or URL.
_IMAGE_FUNCTIONS = {"image", "image-set", "-webkit-image-set", "cross-fade", "src"}
#: Elements whose references cost nothing to draw: a gradient's stops are
#: colours, not shapes.
_PAINT_ONLY = {"linearGradient", "radialGradient"}
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_LENGTH = re.compile(rf"\s*({_NUMBER})\s*(?:px|pt|pc|mm|cm|in|em|ex|%)?\s*")


def check_svg(data: bytes) -> None:
    """Raise LogoError unless the SVG ``data`` can be drawn safely and completely."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise LogoError(
            "has a DOCTYPE (its entities could read other files or grow without end): "
            "remove the <!DOCTYPE ...> and the entities it declares"
        ) from None
    except ParseError as error:
        raise LogoError(f"is not a readable SVG file ({error})") from None
    if root.tag != f"{_SVG}svg":
        raise LogoError(
            f"is not an SVG drawing: it holds <{_local(root.tag)}>, not "
            '<svg xmlns="http://www.w3.org/2000/svg">'
        )
    _check_declared_size(root)
    elements = _elements(root)
    ids = {element.get("id"): element for element in elements if element.get("id")}
    references: dict[Element, list[Element]] = {}
    for element in elements:
        name = _local(element.tag)
        if name in _REFUSED_ELEMENTS:
            raise LogoError(f"holds <{name}>, {_REFUSED_ELEMENTS[name]}")
        targets = []
        for attribute, value in element.attrib.items():
            if _local(attribute) == "href":
                if not value.startswith("#"):
                    raise LogoError(
                        f"refers to {value[:100]!r} ({_local(attribute)} of <{name}>): {_SELF_CONTAINED}"
                    )
                targets += _targets(ids, [value[1:]])
            elif "(" in value:
                targets += _targets(ids, _css_fragments(tinycss2.parse_component_value_list(value)))
        references[element] = targets
    stylesheets = [element.text or "" for element in elements if _local(element.tag) == "style"]
    for element, fragments in _stylesheet_fragments(root, stylesheets):
        references[element] += _targets(ids, fragments)
    _check_drawing_size(root, references)


def _local(tag: str) -> str:
    """A tag or attribute name without its namespace (WeasyPrint draws an
    element by that name, whatever its namespace)."""
    return tag.rpartition("}")[2]


def _elements(root: Element) -> list[Element]:
    """Every element, refusing nesting deeper than MAX_SVG_DEPTH (walked
    without recursion: the nesting is the file's to choose)."""
    elements, stack = [], [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_SVG_DEPTH:
            raise LogoError(f"has elements nested more than {MAX_SVG_DEPTH} deep: simplify the drawing")
        elements.append(element)
        stack += [(child, depth + 1) for child in element]
    return elements


def _targets(ids: dict[str | None, Element], fragments: Iterable[str]) -> list[Element]:
    targets = []
    for fragment in fragments:
        if fragment not in ids:
            raise LogoError(f"refers to #{fragment[:100]}, which is not in the file: it would draw nothing")
        targets.append(ids[fragment])
    return targets


def _stylesheet_fragments(root: Element, stylesheets: list[str]) -> Iterator[tuple[Element, list[str]]]:
    """Each element a rule of the ``<style>`` elements applies to, with the
    ``#id`` of every ``url()`` in the rule: matched as WeasyPrint matches
    them, with cssselect2."""
    matcher = cssselect2.Matcher()
    for stylesheet in stylesheets:
        for rule in tinycss2.parse_stylesheet(stylesheet, skip_comments=True, skip_whitespace=True):
            if rule.type == "at-rule" and rule.lower_at_keyword in ("import", "font-face"):
                raise LogoError(
                    f"has @{rule.lower_at_keyword} in a <style>, which loads another file: {_SELF_CONTAINED}"
                )
            if rule.type not in ("at-rule", "qualified-rule"):
                continue
            fragments = _css_fragments([*rule.prelude, *(rule.content or [])])
            if rule.type == "qualified-rule" and fragments:
                with contextlib.suppress(cssselect2.SelectorError):  # WeasyPrint skips the rule too
                    for selector in cssselect2.compile_selector_list(rule.prelude):
                        matcher.add_selector(selector, fragments)
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        for *_, fragments in matcher.match(wrapper):
            yield wrapper.etree_element, fragments


def _css_fragments(tokens: list) -> list[str]:
    """The ``#id`` of each ``url(#id)`` in CSS ``tokens``; any other URL is refused."""
    fragments, stack = [], list(tokens)
    while stack:  # not recursive: the file chooses how deep brackets nest
        token = stack.pop()
        if token.type == "url":
            fragments.append(_fragment(token.value))
        elif token.type == "function":
            if token.lower_name == "url":
                strings = [argument for argument in token.arguments if argument.type != "whitespace"]
                if len(strings) != 1 or strings[0].type != "string":
                    raise LogoError(f"has a url() that is not a #fragment: {_SELF_CONTAINED}")
                fragments.append(_fragment(strings[0].value))
            elif token.lower_name in _IMAGE_FUNCTIONS:
                raise LogoError(
                    f"has {token.lower_name}() in its CSS, which loads another file: {_SELF_CONTAINED}"
                )
            else:
                stack += token.arguments
        elif token.type in ("() block", "[] block", "{} block"):
            stack += token.content
    return fragments


def _fragment(url: str) -> str:
    if not url.startswith("#"):
        raise LogoError(f"refers to {url[:100]!r} (in a url()): {_SELF_CONTAINED}")
    return url[1:]


def _check_drawing_size(root: Element, references: dict[Element, list[Element]]) -> None:
    """Refuse an SVG that draws more than MAX_SVG_ELEMENTS elements or nests
    deeper than MAX_SVG_DEPTH, each reference drawing what it refers to, or
    that refers to itself (WeasyPrint would recurse without end)."""
    #: Each element's size once drawn: how many elements, how many levels deep.
    drawn: dict[Element, tuple[int, int]] = {}
    open_elements: set[Element] = set()
    too_deep = f"nests more than {MAX_SVG_DEPTH} deep, counting what each <use> shows: simplify the drawing"

    def size(element: Element, depth: int) -> tuple[int, int]:
        if element not in drawn:
            if depth > MAX_SVG_DEPTH:  # before recursing: the file chooses how deep it goes
                raise LogoError(too_deep)
            if element in open_elements:
                raise LogoError(f"has <{_local(element.tag)} id={element.get('id')!r}> drawing itself")
            open_elements.add(element)
            inside = [size(child, depth + 1) for child in element] + [
                size(target, depth + 1)
                for target in references[element]
                if _local(target.tag) not in _PAINT_ONLY
            ]
            open_elements.discard(element)
            drawn[element] = (
                1 + sum(count for count, _ in inside),
                1 + max((levels for _, levels in inside), default=0),
            )
        count, levels = drawn[element]
        if count > MAX_SVG_ELEMENTS:
            raise LogoError(
                f"draws more than {MAX_SVG_ELEMENTS:,} elements, counting each <use> as a copy of what it "
                "shows: simplify the drawing, or save it as a PNG"
            )
        if depth - 1 + levels > MAX_SVG_DEPTH:
            raise LogoError(too_deep)
        return count, levels

    size(root, 1)


def _check_declared_size(root: Element) -> None:
    """A size WeasyPrint can scale from: ``width``, ``height`` and each of
    ``viewBox``'s sizes, where given, positive finite numbers (a zero or
    negative one draws nothing)."""
    for attribute in ("width", "height"):
        value = root.get(attribute)
        if value is None:
            continue
        length = _LENGTH.fullmatch(value)
        if not length or not 0 < float(length[1]) < math.inf:
            raise LogoError(f'has width or height "{value[:40]}": give a positive size, such as "64"')
    if (view_box := root.get("viewBox")) is not None:
        numbers = re.split(r"[\s,]+", view_box.strip())
        valid = len(numbers) == 4 and all(re.fullmatch(_NUMBER, number) for number in numbers)
        if (
            not valid
            or not all(math.isfinite(float(n)) for n in numbers)
            or min(map(float, numbers[2:])) <= 0
        ):
            raise LogoError(
                f'has viewBox="{view_box[:60]}": give four numbers, a positive width and height last'
            )
