"""A catalogue's text read as GNU msgfmt reads it, before Babel sees it.

Babel's reader is lenient where a patient leaflet cannot be: it keeps a
mis-quoted string (mangled), keeps one of two definitions of a message, and
takes any charset a header declares. No strict mode exists, so this small
scan refuses what msgfmt refuses, naming the line. Each problem is a
(1-based line, message) pair; catalogue_reader.py turns it into a
CatalogueProblem.
"""

from __future__ import annotations

import re
import unicodedata

from babel.messages.pofile import unescape

from .plurals import PluralRuleError, parse_plural_rule

#: (1-based line or None, what is wrong).
Problem = tuple[int | None, str]

_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_KEYWORD = re.compile(rf"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+({_PO_STRING})\s*$")
_PO_CONTINUATION = re.compile(rf"^({_PO_STRING})\s*$")
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)
#: Where Babel's header parser (the email package) ends a line.
_HEADER_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: Characters that have no business in a catalogue: they either end a line
#: where an editor shows none, or are invisible controls.
_LINE_ENDS = {"\x0b": "vertical tab", "\x0c": "form feed", "\x85": "next line (U+0085)",
              "\u2028": "line separator (U+2028)", "\u2029": "paragraph separator (U+2029)"}  # fmt: skip


def first_problem(text: str) -> Problem | None:
    """The first thing that keeps the file from being read exactly as
    written: a control character, a line msgfmt would refuse, a charset
    other than UTF-8, or a plural rule that cannot be evaluated."""
    if text.startswith("\ufeff"):
        return (
            1,
            "starts with a byte order mark (BOM, U+FEFF), which msgfmt refuses: save the file as UTF-8 "
            "without a BOM",
        )
    for number, line in enumerate(text.split("\n"), start=1):
        for character in line.rstrip("\r"):
            if character in _LINE_ENDS:
                return (
                    number,
                    f"contains a {_LINE_ENDS[character]}, which some editors show as a line break and "
                    "others not at all: remove it (write \\n for a line break in a message)",
                )
            if character != "\t" and unicodedata.category(character) == "Cc":
                name = (
                    "a NUL byte, where C programs (msgfmt, gettext) cut the message short"
                    if character == "\0"
                    else f"the control character U+{ord(character):04X}, which editors do not show"
                )
                return (number, f"contains {name}: remove it")
    return _syntax_problem(text.split("\n")) or _plural_rule_problem(text)


def _syntax_problem(lines: list[str]) -> Problem | None:
    """Refuse what Babel's lenient reader accepts silently: a string that is
    not properly quoted (Babel keeps it, mangled), a message defined twice
    (Babel keeps one translation and drops the other), a msgstr that belongs
    to no msgid, a plural form without msgid_plural or a msgstr without its
    index, one entry half obsolete (``#~``), and a charset other than UTF-8
    (decoded as declared, a UTF-8 file prints mojibake). The header's fields
    are checked by header_fields."""
    problem, _ = _scan(lines)
    return problem or _header_problem(lines)


def _scan(lines: list[str]) -> tuple[Problem | None, list[tuple[int, str]]]:
    """The first problem msgfmt would refuse, and the header entry's msgstr
    strings (each with its line, still quoted)."""
    seen: dict[tuple[str | None, str], int] = {}
    header: list[tuple[int, str]] = []
    # The entry being read: its context, msgid, whether it is obsolete and has
    # msgid_plural, and the keyword whose string a continuation line extends.
    context: str | None = None
    msgid: str | None = None
    obsolete, plural, translated = False, False, False
    start, field_name = 0, None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        is_obsolete = stripped.startswith("#~") and not stripped.startswith("#~|")
        if is_obsolete:
            stripped = stripped[2:].strip()
        if not stripped or (stripped.startswith("#") and not is_obsolete):
            continue
        keyword, continuation = _PO_KEYWORD.match(stripped), _PO_CONTINUATION.match(stripped)
        if not keyword and not continuation:
            return (
                number,
                "not a valid catalogue line: expected a keyword (msgid, msgstr...) and a string in "
                'double quotes, with any quote inside written as \\"',
            ), header
        after_context = context is not None and msgid is None
        starts_entry = keyword is not None and (
            keyword[1] == "msgctxt" or (keyword[1] == "msgid" and not after_context)
        )
        in_entry = msgid is not None or context is not None
        if in_entry and not starts_entry and is_obsolete != obsolete:
            return (
                number,
                "inconsistent use of #~: an entry is obsolete (every line starts with #~) or not (none "
                "does); mark or unmark all of its lines",
            ), header
        value = (keyword[2] if keyword else continuation[1])[1:-1]
        if keyword:
            field_name = keyword[1]
            if starts_entry:
                context = value if field_name == "msgctxt" else None
                msgid = value if field_name == "msgid" else None
                obsolete, plural, translated, start = is_obsolete, False, False, number
            elif field_name == "msgid":
                msgid, start = value, number
            elif field_name == "msgid_plural":
                if msgid is None or translated or plural:
                    return (number, "msgid_plural must follow its message's msgid, before any msgstr"), header
                plural = True
            elif field_name.startswith("msgstr"):
                if msgid is None:
                    return (
                        number,
                        "a msgstr with no msgid before it: msgfmt refuses the file; remove the line or "
                        "put it back under its msgid",
                    ), header
                indexed = field_name != "msgstr"
                if indexed and not plural:
                    return (
                        number,
                        f"{field_name} on a message without msgid_plural (msgfmt: missing 'msgid_plural' "
                        "section): write msgstr",
                    ), header
                if plural and not indexed:
                    return (
                        number,
                        "msgstr without an index on a message with msgid_plural: write msgstr[0], "
                        "msgstr[1]...",
                    ), header
                if translated and not indexed:
                    return (
                        number,
                        "a msgstr that belongs to no msgid (the message before it has its msgstr "
                        "already): msgfmt refuses the file; remove the line or put it under its msgid",
                    ), header
                if not translated:
                    key = (None if msgid == "" else context, msgid)
                    if key in seen and not obsolete:
                        what = 'the header entry (msgid "")' if msgid == "" else f"message {msgid[:60]!r}"
                        return (
                            start,
                            f"{what} is defined twice (first on line {seen[key]}); keep one",
                        ), header
                    if not obsolete:
                        seen[key] = start
                translated = True
        elif field_name == "msgctxt" and context is not None and msgid is None:
            context += value  # a context wrapped over two lines, as Poedit may write it
        elif field_name == "msgid" and msgid is not None and not translated:
            msgid += value
        if msgid == "" and translated and not obsolete and field_name == "msgstr":
            header.append((number, keyword[2] if keyword else continuation[1]))
    return None, header


def header_fields(text: str) -> list[tuple[int, str, str]]:
    """The header entry's fields as Babel reads them (its strings unescaped
    and joined, split at line breaks), each with the line it starts on."""
    _, strings = _scan(text.split("\n"))
    fields: list[tuple[int, str]] = []
    for number, string in strings:
        pieces = _HEADER_LINE_BREAK.split(unescape(string))
        if fields and fields[-1][1]:  # the field goes on from the string before
            fields[-1] = (fields[-1][0], fields[-1][1] + pieces[0])
        else:
            fields[-1:] = [(number, pieces[0])]
        fields += [(number, piece) for piece in pieces[1:]]
    return [
        (number, name, value.strip())
        for number, field in fields
        if field
        for name, _, value in [field.partition(":")]
    ]


def _header_problem(lines: list[str]) -> Problem | None:
    """A header field Babel would read otherwise than this check: given twice
    (Babel keeps the last, gettext the first), or continued on a line that
    starts with a space (Babel's mail-header parser joins it to the field
    before)."""
    seen: dict[str, int] = {}
    for number, name, value in header_fields("\n".join(lines)):
        if name[:1].isspace():
            return (
                number,
                f"a header line starts with a space ({name.strip()[:40]!r}), which continues the field "
                "before it: put each field on a line of its own, starting with its name",
            )
        key = name.strip().lower()
        if key in seen:
            return (
                number,
                f"the header field {name.strip()!r} is given twice (first on line {seen[key]}); keep one",
            )
        seen[key] = number
        charset = _CHARSET.search(value)
        if (
            key == "content-type"
            and charset
            and charset[1].lower().replace("_", "-") not in ("utf-8", "utf8")
        ):
            return (
                number,
                f"declares the charset {charset[1]}; catalogues are read as UTF-8 only: convert the file "
                "(msgconv --to-code=UTF-8) and declare charset=UTF-8",
            )
    return None


def plural_forms_line(text: str) -> tuple[int | None, str]:
    """The Plural-Forms header field and the line it starts on."""
    for number, name, value in header_fields(text):
        if name.strip().lower() == "plural-forms":
            return number, value.strip()
    return None, ""


def _plural_rule_problem(text: str) -> Problem | None:
    """A plural rule that cannot be evaluated, checked before Babel reads the
    file: Babel makes room for every form the header announces (a hundred
    million forms took gigabytes)."""
    line, header = plural_forms_line(text)
    try:
        parse_plural_rule(header)
    except PluralRuleError as error:
        return line, str(error)
    return None
