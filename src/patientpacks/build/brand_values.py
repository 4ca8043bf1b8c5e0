"""What a brand's texts may hold: nothing that changes what prints without
showing (every text), and only what a phone can dial (its phone numbers).

A brand file is written by clinic staff and printed on every leaflet of the
brand, in the footer and the safety notes: a reordered or hidden character
there puts a wrong number in front of a patient.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .config import Table, key_line
from .message_checks import has_words, is_invisible

#: What a phone number may hold: the digits 0-9 (``[0-9]``, not ``\d``,
#: which also matches Arabic-Indic and full-width digits), spaces and
#: + - ( ) . , a + only first.
_PHONE = re.compile(r"\+?[0-9 ().-]*[0-9][0-9 ().-]*")
#: Unicode's Bidi_Control characters: they reorder the text around them, so
#: that "\u202e1230 6497 020" prints as "020 7946 0321", or (U+2069) end the
#: isolate the leaflet puts around a value.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Zero-width non-joiner and joiner: part of the spelling in Persian, Hindi
#: and other scripts (the example's Persian hours use U+200C), so allowed
#: between two letters or marks, and nowhere else.
_JOINERS = frozenset("\u200c\u200d")


def check_characters(data: dict[str, Any], path: Path) -> None:
    """Refuse, in every text of the brand file, the characters that change
    what prints without showing: bidi controls, control characters, and
    invisible ones (Unicode's format characters: zero-width spaces, word
    joiners, byte order marks, tags), joiners between letters excepted."""
    for keys, text in _texts(data, ()):
        for index, character in enumerate(text):
            if character in _JOINERS and _between_letters(text, index):
                continue
            category = unicodedata.category(character)
            refused = category in ("Cc", "Zl", "Zp") or is_invisible(character)
            if not refused or character in "\t\n":
                continue
            if character in _BIDI_CONTROLS:
                what = "a bidi control, which changes the order the text around it prints in"
            elif category in ("Cc", "Zl", "Zp"):
                what = "a control character or a line or paragraph separator"
            else:
                what = (
                    "an invisible character, which prints as nothing but is copied, searched and read aloud"
                )
            name = unicodedata.name(character, "unnamed")
            raise ConfigError(
                f"has U+{ord(character):04X} ({name}) at character {index + 1}, {what}: delete it",
                path=path,
                line=key_line(path, ".".join(keys[:-1]), keys[-1]),
                key=".".join(keys),
            )
        if text and not has_words(text):
            # A name of Hangul fillers or braille blanks prints as a blank.
            raise ConfigError(
                "has no letter or digit that prints: write the text as it should print",
                path=path,
                line=key_line(path, ".".join(keys[:-1]), keys[-1]),
                key=".".join(keys),
            )


def _texts(value: Any, keys: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every string in a TOML value, with the keys that lead to it (a list's
    items under the list's key). Nesting is shallow: read_toml bounds it."""
    if isinstance(value, str):
        yield keys, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*keys, key))
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, keys)


def _between_letters(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and all(
        unicodedata.category(text[neighbour])[0] in "LM" for neighbour in (index - 1, index + 1)
    )


def check_phone_number(table: Table, key: str, *, optional: bool = False) -> None:
    """Only what a phone can dial: the digits 0-9, spaces and + - ( ) . ; a
    number in international form (+44 ...) must be a possible number of its
    country code. Whether the brand's country can dial it (its numbering
    plan, the ranges kept for fiction) is phones.py's, for each leaflet.
    ``optional``: the key may be left out or empty."""
    number = table.text(key, default="" if optional else ..., allow_empty=optional)
    if not number:
        return

    def problem(message: str) -> ConfigError:
        line = key_line(table.path, table.prefix.rstrip("."), key)
        return ConfigError(f"{number!r} {message}", path=table.path, line=line, key=f"{table.prefix}{key}")

    if not _PHONE.fullmatch(number):
        other = [c for c in number if unicodedata.category(c) == "Nd" and c not in "0123456789"]
        if other:
            raise problem(
                f"has the digit {other[0]} ({unicodedata.name(other[0])}): write phone numbers with the digits 0-9"
            )
        raise problem("may hold only the digits 0-9, spaces and + - ( ) . (a + only first)")
    if number.startswith("+"):
        # Imported here: only a brand with an international number needs
        # the numbering plans (a no-op rebuild stays quick).
        import phonenumbers

        result = phonenumbers.ValidationResult
        try:
            reason = phonenumbers.is_possible_number_with_reason(phonenumbers.parse(number))
        except phonenumbers.NumberParseException as error:
            unknown_code = error.error_type == error.INVALID_COUNTRY_CODE
            reason = result.INVALID_COUNTRY_CODE if unknown_code else result.TOO_SHORT
        if reason != result.IS_POSSIBLE:
            why = {
                result.INVALID_COUNTRY_CODE: "no country has the code it starts with",
                result.TOO_SHORT: "too few digits",
                result.IS_POSSIBLE_LOCAL_ONLY: "too few digits: the area code is missing",
                result.TOO_LONG: "too many digits",
            }.get(reason, "a length no number of its country has")
            raise problem(f"is not a phone number in international form (+, country code, number): {why}")
