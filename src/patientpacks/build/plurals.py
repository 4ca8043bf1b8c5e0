"""Plural rules: the Plural-Forms header each catalogue must have, and the
checks that keep a header from printing the wrong form.

The rule of a language comes from CLDR (through Babel), and is checked
against CLDR's own categories for every whole number from 0 to 1000. An
override exists only where gettext practice and CLDR differ, each saying why.
A header is evaluated with the standard library's gettext parser, which
accepts only C's arithmetic, comparison and ternary operators.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass

from babel import Locale
from babel.messages.plurals import get_plural

#: CLDR's plural categories, in the order gettext numbers a catalogue's forms.
CLDR_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
#: No language has more forms than CLDR has categories.
MAX_PLURAL_FORMS = len(CLDR_CATEGORIES)
#: The numbers every rule is checked for: more than any leaflet prints.
CHECKED_NUMBERS = range(1001)

#: Matched against the stripped header, the expression stripped after: a
#: lazy expression before optional spaces took time cubic in their number.
_HEADER = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=(.+)")

_MILLIONS = (
    "CLDR adds a 'many' form used only for exact millions ('un millón de personas'); "
    "no leaflet counts millions, and gettext tools (GNU gettext, Poedit, Weblate) keep two forms, "
    "so a translator is never asked for a form no leaflet prints"
)


@dataclass(frozen=True)
class PluralOverride:
    header: str
    why: str


#: Where gettext practice differs from CLDR (CLDR 48, Babel 2.19).
PLURAL_OVERRIDES = {
    "ca": PluralOverride("nplurals=2; plural=(n != 1);", _MILLIONS),
    "es": PluralOverride("nplurals=2; plural=(n != 1);", _MILLIONS),
    "fr": PluralOverride("nplurals=2; plural=(n > 1);", _MILLIONS),
    "gl": PluralOverride("nplurals=2; plural=(n != 1);", _MILLIONS),
    "it": PluralOverride("nplurals=2; plural=(n != 1);", _MILLIONS),
    # CLDR's "pt" is Brazilian Portuguese: 0 and 1 take the singular.
    "pt": PluralOverride("nplurals=2; plural=(n > 1);", _MILLIONS),
    "pt_PT": PluralOverride("nplurals=2; plural=(n != 1);", _MILLIONS),
    "vi": PluralOverride(
        "nplurals=1; plural=0;",
        "Vietnamese nouns never change with the number before them ('1 giờ', '24 giờ'); CLDR's 'one' "
        "(0 and 1) is for words that refer back to what was counted, which no leaflet message does; "
        "gettext tools keep one form",
    ),
}


class PluralRuleError(ValueError):
    """A Plural-Forms header that cannot be trusted to pick the right form."""


@dataclass(frozen=True)
class PluralRule:
    """A Plural-Forms header, parsed and checked for every number in CHECKED_NUMBERS."""

    header: str
    nplurals: int
    #: The form gettext picks for each number of CHECKED_NUMBERS.
    forms: tuple[int, ...]

    def agrees_with(self, other: PluralRule) -> bool:
        return self.nplurals == other.nplurals and self.forms == other.forms


def parse_plural_rule(header: str) -> PluralRule:
    """Parse and evaluate a Plural-Forms header, or raise PluralRuleError
    saying what is wrong: a malformed header, too many forms, an expression
    gettext cannot compile, a division by zero, or a form index that does not
    exist for some number (gettext would then print the English source)."""
    match = _HEADER.fullmatch((header or "").strip())
    expression = match[2].strip().removesuffix(";").strip() if match else ""
    if not expression:
        raise PluralRuleError(f"Plural-Forms {header!r} is not of the form 'nplurals=N; plural=EXPRESSION;'")
    # int() of a long run of digits takes quadratic time, and refuses more than 4,300.
    nplurals = int(match[1]) if len(match[1]) <= 9 else MAX_PLURAL_FORMS + 1
    if not 1 <= nplurals <= MAX_PLURAL_FORMS:
        written = match[1] if len(match[1]) <= 20 else match[1][:20] + "..."
        raise PluralRuleError(f"Plural-Forms says nplurals={written}; a language has 1 to {MAX_PLURAL_FORMS}")
    try:
        rule = gettext.c2py(expression)
    except (ValueError, SyntaxError) as error:
        raise PluralRuleError(f"Plural-Forms expression {expression!r} cannot be used: {error}") from None
    forms = []
    for number in CHECKED_NUMBERS:
        try:
            form = rule(number)
        except ZeroDivisionError:
            raise PluralRuleError(
                f"Plural-Forms expression {expression!r} divides by zero for n={number}"
            ) from None
        if not 0 <= form < nplurals:
            raise PluralRuleError(
                f"Plural-Forms expression {expression!r} gives form {form} for n={number}, "
                f"but there are only forms 0 to {nplurals - 1}"
            )
        forms.append(form)
    return PluralRule(header=header, nplurals=nplurals, forms=tuple(forms))


#: Whole numbers beyond CHECKED_NUMBERS that reach categories of their own in
#: some languages (CLDR's "many" for exact millions in Spanish, French...).
_LARGE_NUMBERS = (10**6, 2 * 10**6, 10**9, 10**12)


def cldr_rule(locale: str) -> PluralRule:
    """CLDR's categories for ``locale`` as a gettext rule: one form per
    category whole numbers reach, in CLDR's order, and each number of
    CHECKED_NUMBERS gets its category's form."""
    category_of = Locale.parse(locale).plural_form
    categories = [category_of(number) for number in CHECKED_NUMBERS]
    large = {category_of(number) for number in _LARGE_NUMBERS}
    reached = [category for category in CLDR_CATEGORIES if category in {*categories, *large}]
    return PluralRule(
        header=f"CLDR plural rule of {locale}",
        nplurals=len(reached),
        forms=tuple(reached.index(category) for category in categories),
    )


def expected_plural_rule(locale: str) -> tuple[PluralRule, str | None]:
    """The rule a catalogue for ``locale`` must have, and why it differs from
    CLDR when it does (None when it is CLDR's). Raises PluralRuleError when
    Babel's header for the locale does not agree with CLDR: then the locale
    needs an entry in PLURAL_OVERRIDES, with its reason."""
    for key in (locale, locale.split("_")[0]):
        if key in PLURAL_OVERRIDES:
            override = PLURAL_OVERRIDES[key]
            return parse_plural_rule(override.header), override.why
    rule = parse_plural_rule(get_plural(locale).plural_forms)
    if not rule.agrees_with(cldr_rule(locale)):
        raise PluralRuleError(
            f"Babel's Plural-Forms header for {locale!r} ({rule.header}) does not agree with CLDR's plural "
            "rule for 0-1000; add the gettext rule to PLURAL_OVERRIDES in src/patientpacks/plurals.py, "
            "saying why"
        )
    return rule, None
