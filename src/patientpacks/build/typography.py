"""Set each language's text as its own typesetters would, at render time.

A pass over every string a leaflet prints from a ``{% trans %}`` block
(translated or the English source, its placeholders filled in), with its
rules per language in ``templates/typography.toml``: no-break spaces that
keep a number with its unit and a range on one line, a phone number with
its words and a dash with the word before it (a date is kept whole where
it is written, render_html.format_date); French spaces before ``; : ! ?`` and inside « »; one-
letter words kept with the next (Polish, Russian, Czech); the language's
quotation marks; no doubled full stop after an abbreviation ("г.."); no
stray spaces around full-width punctuation; the Arabic-script question mark.

Written here rather than taken from a library: the libraries on PyPI each
do one language (french-typo: French; chakert and etpgrf: Russian and
English; cstypo: Czech; typogrify and smartypants: English quotes and
dashes) and work on whole documents or plain text, not on a message's HTML
with its bidi isolates around placeholders. One pass for every language,
with its differences as data, keeps the rules side by side and testable.

It changes only the text between tags, never a tag, an attribute or a
character reference, and only spaces and punctuation: the words the
catalogue checks (message_checks.py) read are the same.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..errors import TemplateError

#: The rules file, in the project's templates folder.
RULES_FILE = "typography.toml"

NBSP = "\u00a0"
#: French sets a thin no-break space before ; ! ? (and a full one before :).
NARROW_NBSP = "\u202f"
#: The bidi isolates around placeholder values (render_html.isolate).
FSI, PDI = "\u2068", "\u2069"

_TAG_OR_REFERENCE = re.compile(r"<!--.*?-->|<[^>]*>|&#?\w+;", re.DOTALL)
_SPACES = "[ \t\n]+"
_LETTER = r"[^\W\d_]"

#: Full-width punctuation (CJK), which carries its own space.
_FULLWIDTH = "。，、；：！？（）「」『』【】《》〈〉"

#: Template whitespace after full-width punctuation, before more text, also
#: across the tags between them (the card's run-in paragraphs: "。</p> <p>").
_AFTER_FULLWIDTH = re.compile(f"(?<=[{_FULLWIDTH}])((?:</[a-z0-9]+>)*)[ \t\n]+((?:<[a-z][^>]*>)*)(?=[^\\s<])")

#: Han characters and the digits beside them (CJK has no space to make no-break).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
WORD_JOINER = "\u2060"


@dataclass(frozen=True)
class LocaleTypography:
    """The rules of one language, compiled: each a pattern and its replacement."""

    rules: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...]
    #: Whether the language sets full-width punctuation (see join_messages).
    fullwidth: bool = False

    def join_messages(self, html: str) -> str:
        """A rendered template (``html``) with no space between one message
        and the next after full-width punctuation: the template's own
        whitespace between two {% trans %} blocks of a paragraph, which
        Chinese and Japanese do not set after 。 (the messages themselves
        are set by ``apply``). Full-width punctuation is only ever text."""
        return _AFTER_FULLWIDTH.sub(r"\1\2", html) if self.fullwidth else html

    def apply(self, text: str) -> str:
        """``text`` (HTML: a rendered message) set by the rules, its tags and
        character references untouched."""
        pieces = []
        position = 0
        for match in _TAG_OR_REFERENCE.finditer(text):
            pieces += [self._apply_to_text(text[position : match.start()]), match.group()]
            position = match.end()
        pieces.append(self._apply_to_text(text[position:]))
        return "".join(pieces)

    def _apply_to_text(self, text: str) -> str:
        for pattern, replacement in self.rules:
            text = pattern.sub(replacement, text)
        return text


def _alternation(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def _phone_number(match: re.Match[str]) -> str:
    """An isolated phone number: its own spaces no-break too."""
    return match.group().replace(" ", NBSP)


def _compile(settings: dict[str, Any]) -> LocaleTypography:
    ordinal_dot = r"\.?" if settings.get("ordinal_dot") else ""
    rules: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
        # A phone number (an isolated value of digits) in one piece, kept
        # with the words either side of it.
        (re.compile(f"{FSI}[+(]?\\d[\\d ().{NBSP}-]*{PDI}"), _phone_number),
        (re.compile(f"{_SPACES}(?={FSI}[+(]?\\d[\\d ().{NBSP}-]*{PDI})"), NBSP),
        (re.compile(f"(?<=\\d{PDI}){_SPACES}"), NBSP),
    ]
    if words := settings.get("range_words"):  # "2 à 3 jours", "9h às 17h30": before a number's unit
        rules.append(
            (
                re.compile(f"(?<=\\d)(\\S*){_SPACES}({_alternation(words)}){_SPACES}(?=\\d)"),
                f"\\1{NBSP}\\2{NBSP}",
            )
        )
    rules += [
        # A number with the word or sign after it: its unit ("18 ans", "24 %"),
        # and in languages that write ordinals with a dot, a day with its
        # month ("22. November"; elsewhere such a dot ends a sentence).
        (
            re.compile(f"(?<=\\d)({ordinal_dot}){_SPACES}(?={_LETTER}|%)"),
            f"\\1{NBSP}",
        ),
        # A dash never starts a line: kept with the word before it.
        (re.compile(f"{_SPACES}(?=[—–] )"), NBSP),
        # A full stop after an abbreviation's ("2026 г." + "."), not an ellipsis.
        (re.compile(f"(?<!\\.)\\.({PDI}?)\\.(?!\\.)"), ".\\1"),
    ]
    if words := [*settings.get("one_letter_words", []), *settings.get("short_words", [])]:
        rules.append((re.compile(f"(?<!\\w)({_alternation(words)}){_SPACES}(?=\\S)"), f"\\1{NBSP}"))
    if quotes := settings.get("quotes"):
        opening, closing = quotes
        # Only English curly quotes: a straight " is left as written (it may
        # be an inch, or text a translator means literally).
        rules.append((re.compile("“([^“”]*)”"), f"{opening}\\1{closing}"))
    if settings.get("french_spacing"):
        rules += [
            (re.compile(f"(?<=[\\w)»{PDI}])[ {NBSP}{NARROW_NBSP}]?([;!?])(?=\\s|$)"), f"{NARROW_NBSP}\\1"),
            (re.compile(f"(?<=[\\w)»{PDI}])[ {NBSP}{NARROW_NBSP}]?:(?=\\s|$)"), f"{NBSP}:"),
            (re.compile(f"«[ {NBSP}{NARROW_NBSP}]?"), f"«{NBSP}"),
            (re.compile(f"[ {NBSP}{NARROW_NBSP}]?»"), f"{NBSP}»"),
        ]
    if settings.get("fullwidth"):
        rules += [
            (re.compile(f"{_SPACES}(?=[{_FULLWIDTH}])"), ""),
            (re.compile(f"(?<=[{_FULLWIDTH}]){_SPACES}"), ""),
            # A number kept with the characters around it, as a no-break
            # space does where words have spaces: "4周" (4 weeks) and a date,
            # "2027年11月22日", never split over two lines.
            (re.compile(f"(?<=[0-9])(?=[{_HAN}])|(?<=[{_HAN}])(?=[0-9])"), WORD_JOINER),
        ]
    if mark := settings.get("question_mark"):
        rules.append((re.compile("(?<=[\u0600-\u06ff\u200c])( ?)\\?"), f"\\1{mark}"))
    return LocaleTypography(tuple(rules), fullwidth=bool(settings.get("fullwidth")))


@functools.lru_cache(maxsize=64)
def _typography(source: str, path: str, locale: str) -> LocaleTypography:
    try:
        table = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"not valid TOML: {error}", path=Path(path)) from None
    settings = table.get(locale) or table.get(locale.split("_")[0]) or {}
    return _compile(settings)


def locale_typography(templates_dir: Path, locale: str) -> LocaleTypography:
    """The rules for ``locale`` from the project's typography.toml (read
    each time, compiled once per content: a long-running server sees an
    edit on its next leaflet)."""
    path = templates_dir / RULES_FILE
    source = path.read_text(encoding="utf-8") if path.is_file() else ""
    return _typography(source, str(path), locale)


#: The gettext callables Jinja's i18n extension installs (newstyle).
_GETTEXT_NAMES = ("gettext", "ngettext", "pgettext", "npgettext")


def _typeset(translate: Any, typography: LocaleTypography) -> Any:
    @jinja2.pass_context
    def typeset(context: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Any:
        message = context.call(translate, *args, **kwargs)
        if isinstance(message, markupsafe.Markup):
            return markupsafe.Markup(typography.apply(message))
        return typography.apply(message)

    return typeset


def typeset_messages(environment: jinja2.Environment, typography: LocaleTypography) -> None:
    """Make the environment's installed gettext callables return their
    message set by ``typography``: every ``{% trans %}`` block, after its
    placeholders are filled in. Call after each install_gettext_translations."""
    for name in _GETTEXT_NAMES:
        environment.globals[name] = _typeset(environment.globals[name], typography)
