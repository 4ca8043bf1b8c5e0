"""The digits a locale writes numbers with: those of CLDR's default numbering
system for it (Latin for ``ar``, Persian for ``fa``).

Babel formats numbers and dates with Latin digits only (its numbering
systems change the separators, not the digits), so the renderer converts
them (render_html.py), and the catalogue checks refuse any other digit in a
translation (message_checks.py): a leaflet writes every number one way.
"""

from __future__ import annotations

from babel import Locale

LATIN_DIGITS = "0123456789"

#: The digits of the numbering systems patientpacks writes. A locale whose
#: default system is not here (none of the shipped ones) is written, and
#: checked, with Latin digits.
_NUMBERING_SYSTEM_DIGITS = {
    "latn": LATIN_DIGITS,
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "deva": "०१२३४५६७८९",
}


def locale_digits(locale: Locale) -> str:
    """The ten digits, 0 to 9, ``locale`` writes numbers with."""
    return _NUMBERING_SYSTEM_DIGITS.get(locale.default_numbering_system, LATIN_DIGITS)


def native_digits(text: str, locale: Locale) -> str:
    """``text`` with Latin digits in the locale's default numbering system (CLDR)."""
    return text.translate(str.maketrans(LATIN_DIGITS, locale_digits(locale)))
