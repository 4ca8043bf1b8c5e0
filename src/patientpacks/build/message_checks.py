"""Checks of one catalogue message: whether its translation may be printed.

The catalogue reader (catalogue_reader.py) runs them for the build, ``check``
and ``stats`` alike. Each is a small function that returns the problems a
translator must fix, as text ending with the message's source (the reader
adds the file and line). A translation is HTML to the templates (Jinja's
i18n extension marks it safe), so the checks read what it prints: its inline
tags left out, its character references (``&nbsp;``, ``&#x202E;``) decoded.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from babel import Locale
from babel.messages.catalog import Message

from ..model import QUOTED_TITLE
from .digits import locale_digits
from .plurals import PluralRule
from .translation_rules import NO_RULES, MessageKey, TranslationRules

# Every pattern here takes time linear in the text, whatever a catalogue
# holds: a width starts with 1-9, so a run of zeros is flags and can be split
# only one way; a tag holds no "<", so each "<" starts one scan that ends at
# the next (``<[^>]*>`` scanned to the end of 300,000 "<" from each).
_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0\- +]*(?:[1-9]\d*)?(?:\.\d+)?[a-zA-Z%]")
_TAG = re.compile(r"<[^<>]*>")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")
#: HTML's void elements: they have no end tag.
_VOID_ELEMENTS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})
#: A placeholder in the printed text: no catalogue holds NUL (po_syntax.py), and it is no letter or digit.
PLACEHOLDER_MARK = "\0"
#: Bidi isolates (UAX #9): their effect ends at U+2069 POP DIRECTIONAL ISOLATE.
_ISOLATES = "\u2066\u2067\u2068"
_POP_ISOLATE = "\u2069"
#: Every other bidi control: the embeddings, the overrides, their pop, and the marks.
_OTHER_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u200e\u200f\u061c"
#: Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt,
#: Unicode 15.1): code points a renderer draws as nothing, among them the
#: Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, which are letters (Lo)
#: and so looked like words. The standard library's unicodedata does not have
#: the property.
_DEFAULT_IGNORABLE = frozenset(
    code
    for start, end in (
        (0x00AD, 0x00AD),
        (0x034F, 0x034F),
        (0x061C, 0x061C),
        (0x115F, 0x1160),
        (0x17B4, 0x17B5),
        (0x180B, 0x180F),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0x3164, 0x3164),
        (0xFE00, 0xFE0F),
        (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0),
        (0xFFF0, 0xFFF8),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0000, 0xE0FFF),
    )
    for code in range(start, end + 1)
)


@dataclass(frozen=True)
class Language:
    """What the checks need to know about a catalogue's language."""

    code: str
    nplurals: int
    #: Its ten digits, 0 to 9 (digits.py).
    digits: str
    rules: TranslationRules = NO_RULES
    #: The plural forms its rule picks for one number only (Spanish's
    #: singular, for n = 1): such a form may write the number as a word.
    single_number_forms: frozenset[int] = frozenset()

    @classmethod
    def of(cls, code: str, rule: PluralRule, rules: TranslationRules = NO_RULES) -> Language:
        single = frozenset(form for form, count in Counter(rule.forms).items() if count == 1)
        return cls(code, rule.nplurals, locale_digits(Locale.parse(code)), rules, single)


def forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's id or string as a tuple: one item, or one per plural form."""
    return value if isinstance(value, tuple) else (value,)


def message_key(message: Message) -> MessageKey:
    return (message.context, forms(message.id)[0])


def source_text(message: Message) -> str:
    """The start of a message's source, as problems quote it."""
    text = forms(message.id)[0]
    return text if len(text) <= 60 else text[:57] + "..."


def placeholders(text: str) -> Counter[str]:
    """Every %-placeholder of a string, as written (``%(hours)s``); a stray ``%``
    counts too, because it breaks the formatting."""
    return Counter(match.group(0) for match in _PLACEHOLDER.finditer(text))


def inline_tags(text: str) -> Counter[str]:
    return Counter(_TAG.findall(text))


def tag_tree(text: str) -> Counter[tuple[str, ...]] | None:
    """Each element of a message as its start tag and those of the elements
    around it, or None when its tags are not balanced and properly nested
    (an end tag before its start tag, ``<b><i></b></i>``, one left open)."""
    open_elements: list[tuple[str, str]] = []
    elements: Counter[tuple[str, ...]] = Counter()
    for tag in _TAG.findall(text):
        name = (_TAG_NAME.match(tag) or [None, tag])[1].lower()
        if tag.startswith("</"):
            if not open_elements or open_elements[-1][0] != name:
                return None
            open_elements.pop()
        else:
            elements[(*(start for _, start in open_elements), tag)] += 1
            if name not in _VOID_ELEMENTS and not tag.endswith("/>"):
                open_elements.append((name, tag))
    return None if open_elements else elements


def printed_text(text: str) -> str:
    """What a message prints: inline tags left out, character references
    decoded as the HTML parser decodes them, and each placeholder as
    PLACEHOLDER_MARK."""
    return html.unescape(_TAG.sub("", _PLACEHOLDER.sub(PLACEHOLDER_MARK, text)))


def has_words(text: str) -> bool:  # a letter or a digit that draws something
    return any(
        unicodedata.category(character)[0] in "LN" and ord(character) not in _DEFAULT_IGNORABLE
        for character in text
    )


def is_invisible(character: str) -> bool:
    return unicodedata.category(character) == "Cf" or ord(character) in _DEFAULT_IGNORABLE


def _named(character: str) -> str:
    return f"U+{ord(character):04X} {unicodedata.name(character, '(unnamed)')}"


# --- Whether there is a translation ---------------------------------------------


def untranslated(message: Message, language: Language) -> list[str]:
    """Fuzzy, empty, or printing no words where its source has some: a
    space, a zero-width space, ``&nbsp;`` or a full stop would make a line of
    the leaflet vanish."""
    source = source_text(message)
    if message.fuzzy:
        return [f"fuzzy (the source changed; check and remove the fuzzy flag): {source!r}"]
    if not all(forms(message.string)):
        return [f"untranslated: {source!r}"]
    if has_words(printed_text(forms(message.id)[0])):
        for form in forms(message.string):
            if not has_words(printed_text(form)):
                return [f"untranslated: the translation {form!r} prints no words: {source!r}"]
    return []


def plural_form_count(message: Message, language: Language) -> list[str]:
    if isinstance(message.id, tuple) and len(forms(message.string)) != language.nplurals:
        return [
            f"has {len(forms(message.string))} plural forms, the Plural-Forms header says "
            f"{language.nplurals}: {source_text(message)!r}"
        ]
    return []


# --- Whether a translation may be printed ---------------------------------------


def placeholder_mismatch(message: Message, language: Language) -> list[str]:
    """A translation writes each placeholder of its source as many times as
    the source does: "%(number)s%(number)s" prints the emergency number twice,
    as one wrong number. One exception, as msgfmt's: a plural form the
    language uses for one number only (n = 1) may write that number as a
    word ("una hora") when the number is the source's only placeholder."""
    expected = placeholders(forms(message.id)[-1])
    problems = []
    for index, form in enumerate(forms(message.string)):
        if not form:
            continue
        found = placeholders(form)
        number_as_word = (
            isinstance(message.id, tuple)
            and index in language.single_number_forms
            and len(expected) == 1
            and not found
        )
        if found != expected and not number_as_word:
            missing, extra = sorted((expected - found).elements()), sorted((found - expected).elements())
            detail = "; ".join(
                part
                for part in (
                    missing and f"missing {', '.join(missing)}",
                    extra and f"unexpected {', '.join(extra)}",
                )
                if part
            )
            problems.append(f"placeholders differ from the source ({detail}): {source_text(message)!r}")
            continue
        try:
            # Jinja formats every translation with %, variables or not.
            form % {re.match(r"%\((\w+)\)", token)[1]: 1 for token in expected if token.startswith("%(")}
        except (KeyError, ValueError, TypeError) as error:
            problems.append(
                f"cannot be filled in ({error}); write a literal % as %%: {source_text(message)!r}"
            )
    return problems


def markup_mismatch(message: Message, language: Language) -> list[str]:
    allowed = inline_tags(forms(message.id)[0])
    problems = []
    for form in filter(None, forms(message.string)):
        extra = inline_tags(form) - allowed
        missing = allowed - inline_tags(form)
        stray = form.count("<") - sum(inline_tags(form).values())
        if extra or missing or stray:
            parts = [
                f"not in the source: {' '.join(extra)}" if extra else "",
                f"missing: {' '.join(missing)}" if missing else "",
            ]
            detail = "; ".join(filter(None, parts)) or "a '<' that is not a tag"
            problems.append(f"inline markup differs from the source ({detail}): {source_text(message)!r}")
        elif tag_tree(form) != tag_tree(forms(message.id)[0]):
            problems.append(
                "inline markup is not nested as in the source (an end tag before its start tag, or tags "
                f"closed in another order): open and close each tag around the words it marks: "
                f"{source_text(message)!r}"
            )
    return problems


def bidi_controls(message: Message, language: Language) -> list[str]:
    """Unicode's bidi controls reorder the text around them: an override
    prints "41" as "14", an isolate left open moves the emergency number that
    follows the message to the end of the line. A translation may use only
    isolate pairs (U+2066, U+2067 or U+2068, closed by U+2069), closed within
    the message and around its own words, never around a placeholder (the
    values are isolated already). Embeddings, overrides and marks are refused
    in every language: Unicode (UAX #9) and the W3C recommend isolates
    instead, and none of the shipped catalogues uses one."""
    problems = []
    for form in filter(None, forms(message.string)):
        if problem := _bidi_problem(printed_text(form)):
            problems.append(f"{problem}: {source_text(message)!r}")
    return problems


def _bidi_problem(text: str) -> str | None:
    opened: list[str] = []
    placeholder_inside: str | None = None
    for character in text:
        if character in _OTHER_BIDI_CONTROLS:
            return (
                f"has the bidi control {_named(character)}, which reorders the text around it: remove it "
                "(to set off words in the other direction, put them between U+2066, U+2067 or U+2068 "
                "and U+2069)"
            )
        if character in _ISOLATES:
            opened.append(character)
        elif character == _POP_ISOLATE:
            if not opened:
                return f"closes a bidi isolate it did not open ({_named(character)}): remove it"
            opened.pop()
        elif character == PLACEHOLDER_MARK and opened:
            placeholder_inside = placeholder_inside or opened[-1]
    if opened:
        return (
            f"leaves a bidi isolate open ({_named(opened[-1])}), which would reorder the text after it, "
            "to the end of the line: close it with U+2069"
        )
    if placeholder_inside:
        return (
            f"puts a placeholder inside a bidi isolate ({_named(placeholder_inside)} … U+2069): an "
            "isolate may hold only the translation's own words"
        )
    return None


def foreign_digits(message: Message, language: Language) -> list[str]:
    """A digit of another numbering system (an Arabic-Indic ٣ in Spanish, a
    full-width ４, a superscript ²) or any other character that is a number
    (a fraction ½, a Roman numeral Ⅳ, a circled ⑩: Unicode's No and Nl)
    prints from a fallback font, or reads as something else, and no number
    check sees it: a translation writes numbers with its locale's digits, as
    the leaflet's own numbers are (digits.py). A number character other than
    a digit is allowed only as its source writes it, as often."""
    sources = [_number_characters(text) for text in forms(message.id)]
    # A title the source quotes, copied as written, keeps the source's digits
    # (“… Act 2021”: it prints tagged as the source's language).
    titles = [f"“{title}”" for text in forms(message.id) for title in QUOTED_TITLE.findall(text)]
    problems = []
    for form in filter(None, forms(message.string)):
        for title in titles:
            form = form.replace(title, "")
        foreign = [
            character
            for character in printed_text(form)
            if unicodedata.decimal(character, None) is not None and character not in language.digits
        ]
        if foreign:
            problems.append(
                f"writes the digit {_named(foreign[0])}; {language.code} writes numbers with the digits "
                f"{language.digits}: {source_text(message)!r}"
            )
        elif (found := _number_characters(form)) not in sources:
            added, left_out = list(found - sources[-1]), list(sources[-1] - found)
            problems.append(
                (
                    f"writes the number {_named(added[0])}, which its source does not; {language.code} "
                    f"writes numbers with the digits {language.digits}"
                    if added
                    else f"leaves out the number {_named(left_out[0])} its source writes"
                )
                + f": {source_text(message)!r}"
            )
    return problems


def _number_characters(text: str) -> Counter[str]:
    """The characters of a message that are numbers but no decimal digit (No, Nl)."""
    return Counter(
        character for character in printed_text(text) if unicodedata.category(character) in ("No", "Nl")
    )


def hidden_characters_in_numbers(message: Message, language: Language) -> list[str]:
    """An invisible character inside or beside a number or a placeholder (a
    zero-width space, a joiner, a soft hyphen, a bidi isolate, a Hangul
    filler) or a combining mark on a digit or a placeholder's value (U+0338
    strikes the emergency number's last digit through) hides what the number
    is from every check and from a search of the PDF, and can change how it
    prints. A translation does not start with a combining mark either: it
    would mark whatever the template prints before the message."""
    problems = []
    for form in filter(None, forms(message.string)):
        text = printed_text(form)
        for index, character in enumerate(text):
            mark = unicodedata.category(character)[0] == "M"
            after_number = index > 0 and _is_number(text[index - 1])
            before_number = index + 1 < len(text) and _is_number(text[index + 1])
            if (is_invisible(character) and (after_number or before_number)) or (
                mark and (after_number or index == 0)
            ):
                problems.append(
                    f"has {_named(character)} inside or beside a number: remove it: {source_text(message)!r}"
                )
                break
    return problems


def _is_number(character: str) -> bool:
    return character == PLACEHOLDER_MARK or unicodedata.category(character)[0] == "N"


def changed_numbers(message: Message, language: Language) -> list[str]:
    """A translation carries the numbers its source writes in digits (after
    its placeholders are left out), no more and no fewer, in any order: "3 to
    4 months" is never "30 a 40 meses", and no number is added ("LLAME AL
    112"). Numbers the source writes as words are not compared. For a plural
    message, each form may carry the numbers of either source form; a
    translation a reviewer accepted may carry the numbers listed for it in
    templates/translation_rules.toml."""
    sources = [numbers_in(text) for text in forms(message.id)]
    accepted = sources + language.rules.numbers_accepted(language.code, message_key(message))
    for form in filter(None, forms(message.string)):
        found = numbers_in(form)
        if found not in accepted:
            return [
                f"numbers differ from the source (the source has {_listed(sources[-1])}, the translation "
                f"{_listed(found)}): {source_text(message)!r}"
            ]
    return []


def numbers_in(text: str) -> Counter[str]:
    """The numbers a message prints in digits (of any script), as their values,
    read digit by digit: int() refuses a run of more than 4,300 digits, and
    takes time quadratic in its length."""
    return Counter(
        "".join(str(unicodedata.decimal(digit)) for digit in run).lstrip("0") or "0"
        for run in re.findall(r"\d+", printed_text(text))
    )


def _listed(numbers: Counter[str]) -> str:
    return ", ".join(sorted(numbers.elements(), key=lambda number: (len(number), number))) or "none"


def printed_length(text: str) -> int:
    """How many characters a message prints, placeholders and inline tags
    left out; a wide character (CJK) counts as two, as it takes about twice
    the room of a Latin letter."""
    printed = printed_text(text).replace(PLACEHOLDER_MARK, "")
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in printed)


def over_length_budget(message: Message, rules: TranslationRules) -> list[str]:
    """A translation longer than its message's budget (templates/translation_rules.toml);
    ``check`` reports it (the translation still prints: the layout check sees whether it fits)."""
    budget = rules.length_budget(message_key(message))
    if budget is None:
        return []
    return [
        f"{length} characters, over the budget of {budget.characters} for {budget.where} "
        f"(templates/translation_rules.toml): shorten it: {source_text(message)!r}"
        for form in filter(None, forms(message.string))
        if (length := printed_length(form)) > budget.characters
    ][:1]


#: What keeps a translation from being printed, in the order they are reported.
UNUSABLE_CHECKS: tuple[Callable[[Message, Language], list[str]], ...] = (
    placeholder_mismatch,
    markup_mismatch,
    bidi_controls,
    foreign_digits,
    hidden_characters_in_numbers,
    changed_numbers,
)


def unusable_translation(message: Message, language: Language) -> list[str]:
    """Why a translation may not be printed. A translation could otherwise
    crash the build, inject markup (Jinja treats translations as safe HTML),
    reorder or change a number, or print from a fallback font."""
    return [problem for check in UNUSABLE_CHECKS for problem in check(message, language)]
