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

from .plurals import PluralRuleError, parse_plural_rule

#: (1-based line or None, what is wrong).
Problem = tuple[int | None, str]

_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_KEYWORD = re.compile(rf"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+({_PO_STRING})\s*$")
_PO_CONTINUATION = re.compile(rf"^({_PO_STRING})\s*$")
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)
#: Characters that have no business in a catalogue: they either end a line
#: where an editor shows none, or are invisible controls.
_LINE_ENDS = {"\x0b": "vertical tab", "\x0c": "form feed", "\x85": "next line (U+0085)",
              "\u2028": "line separator (U+2028)", "\u2029": "paragraph separator (U+2029)"}  # fmt: skip


def first_problem(text: str) -> Problem | None:
    """The first thing that keeps the file from being read exactly as
    written: a control character, a line msgfmt would refuse, a charset
    other than UTF-8, or a plural rule that cannot be evaluated."""
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
    (Babel keeps one translation and drops the other), and a charset other
    than UTF-8 (decoded as declared, a UTF-8 file prints mojibake)."""
    seen: dict[tuple[str | None, str], int] = {}
    context: str | None = None
    msgid: str | None = None
    start, field_name, in_header = 0, None, False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        keyword, continuation = _PO_KEYWORD.match(stripped), _PO_CONTINUATION.match(stripped)
        if not keyword and not continuation:
            return (
                number,
                "not a valid catalogue line: expected a keyword (msgid, msgstr...) and a string in "
                'double quotes, with any quote inside written as \\"',
            )
        value = (keyword[2] if keyword else continuation[1])[1:-1]
        if keyword:
            field_name = keyword[1]
            in_header = False
            if field_name == "msgctxt":
                context = value
            elif field_name == "msgid":
                msgid, start = value, number
            elif msgid is not None and field_name in ("msgid_plural", "msgstr", "msgstr[0]"):
                key = (context, msgid)
                if msgid and key in seen:
                    return (
                        start,
                        f"message {msgid[:60]!r} is defined twice (first on line {seen[key]}); keep one",
                    )
                seen[key] = start
                in_header = msgid == "" and context is None and field_name == "msgstr"
                context, msgid = None, None
        elif field_name == "msgctxt" and context is not None:
            context += value  # a context wrapped over two lines, as Poedit may write it
        elif field_name == "msgid" and msgid is not None:
            msgid += value
        charset = _CHARSET.search(value) if in_header else None
        if charset and charset[1].lower().replace("_", "-") not in ("utf-8", "utf8"):
            return (
                number,
                f"declares the charset {charset[1]}; catalogues are read as UTF-8 only: convert the file "
                "(msgconv --to-code=UTF-8) and declare charset=UTF-8",
            )
    return None


def plural_forms_line(text: str) -> tuple[int | None, str]:
    """The Plural-Forms header field and the line it starts on, read from the
    header entry's strings (a long field may be wrapped over several lines)."""
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if line.strip() == 'msgid ""' and number < len(lines) and lines[number].strip() == 'msgstr ""':
            header, starts = "", {}
            for offset, continuation in enumerate(lines[number + 1 :], start=number + 2):
                string = _PO_CONTINUATION.match(continuation.strip())
                if not string:
                    break
                if header.endswith("\\n") or not header:
                    starts[len(header)] = offset
                header += string[1][1:-1]
            for field in header.split("\\n"):
                if field.startswith("Plural-Forms:"):
                    position = header.index(field)
                    line_number = max((line for at, line in starts.items() if at <= position), default=None)
                    return line_number, field.removeprefix("Plural-Forms:").strip()
            return None, ""
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
