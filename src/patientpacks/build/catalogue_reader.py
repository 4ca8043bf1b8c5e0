"""The one way a catalogue is read: by the build, by ``check`` and by ``stats``.

It returns the catalogue and every problem with it, each at its 1-based
``file:line`` and with its effect on a leaflet:

- ``blocks``: leaflets in this language are not built (the file cannot be read
  as it is, its plural rule is unusable, or a safety message cannot be shown:
  safety notes never fall back to English);
- ``draft``: the leaflet is built, with English where the message should be,
  and is a draft (untranslated, fuzzy, unusable, or missing from the file);
- ``advice``: worth fixing, changes nothing on a leaflet (an obsolete message).

Babel's reader is lenient where a patient leaflet cannot be: it keeps a
mis-quoted string (mangled), keeps one of two definitions of a message,
counts lines from 0, and takes any charset a header declares. So the file is
read only if it is a file of the project of a sensible size, then read
strictly, as GNU msgfmt would (po_syntax.py), then parsed by Babel, each
message checked (message_checks.py), and compared with ``messages.pot``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po

from ..errors import CatalogueError
from .message_checks import (
    Language,
    message_key,
    plural_form_count,
    source_text,
    untranslated,
    unusable_translation,
)
from .plurals import PluralRule, PluralRuleError, expected_plural_rule, parse_plural_rule
from .po_syntax import first_problem, header_fields, plural_forms_line
from .translation_rules import NO_RULES, MessageKey, TranslationRules

#: Message context that marks a safety-note message (see templates/safety_notes.html).
SAFETY_CONTEXT = "safety"


def is_safety_context(context: str | None) -> bool:
    """A safety-note message: "safety", or a country's safety-box statement
    ("safety:jurisdiction-GB", see jurisdictions.py)."""
    return context is not None and (context == SAFETY_CONTEXT or context.startswith(f"{SAFETY_CONTEXT}:"))


DOMAIN = "messages"

#: The largest catalogue read, checked before reading: about 25 times the
#: largest shipped one (hi, 39 KB; some 6,000 messages). `check` reads a
#: catalogue that size in about 3 s and 140 MB; a 53 MB one took a minute
#: and 2.4 GB.
MAX_CATALOGUE_BYTES = 1024 * 1024

Effect = Literal["blocks", "draft", "advice"]
#: The order ``check`` lists problems in: what stops a build first.
EFFECT_ORDER: dict[Effect, int] = {"blocks": 0, "draft": 1, "advice": 2}


@dataclass(frozen=True)
class CatalogueProblem:
    path: Path
    line: int | None
    message: str
    effect: Effect
    #: The message it is about (None for the whole file).
    key: MessageKey | None = None


@dataclass(frozen=True)
class CatalogueReading:
    """A catalogue as read, and what is wrong with it. ``catalog`` is None
    when the file cannot be read at all."""

    path: Path
    catalog: Catalog | None
    problems: tuple[CatalogueProblem, ...]
    #: The messages whose translation may be printed.
    usable: frozenset[MessageKey] = frozenset()
    #: Translations that are there but may not be printed, and why.
    rejected: Mapping[MessageKey, str] = field(default_factory=dict)

    @property
    def blocking(self) -> tuple[CatalogueProblem, ...]:
        return tuple(
            problem for problem in self.problems if problem.effect == "blocks" and problem.key is None
        )

    def problem_for(self, key: MessageKey) -> CatalogueProblem | None:
        return next((problem for problem in self.problems if problem.key == key), None)


def catalogue_bytes(path: Path) -> bytes:
    """The content of a catalogue file, read only if it is one: a regular
    file inside its project (a link to a file outside it would make the build
    read, and ``update`` print, any file on the machine) of at most
    MAX_CATALOGUE_BYTES. Raises CatalogueError saying which it is not."""
    # Catalogues are <project>/locales/<locale>/LC_MESSAGES/messages.po (catalogues.catalogue_path).
    project = path.absolute().parents[3].resolve()
    real = path.resolve()
    if not real.is_relative_to(project):
        raise CatalogueError(
            f"is a link to {real}, outside the project: a catalogue must be a file inside the project; "
            "put the file itself in place of the link",
            path=path,
        )
    try:
        # Non-blocking: a named pipe in its place must not hang the build.
        descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise CatalogueError(f"cannot be read: {error.strerror}", path=path) from None
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise CatalogueError("is not a regular file: a catalogue is a text file", path=path)
        if status.st_size > MAX_CATALOGUE_BYTES:
            raise _too_large(path, status.st_size)
        data = file.read(MAX_CATALOGUE_BYTES + 1)
    if len(data) > MAX_CATALOGUE_BYTES:  # it grew after it was measured
        raise _too_large(path, len(data))
    return data


def _too_large(path: Path, size: int) -> CatalogueError:
    return CatalogueError(
        f"is {size / 2**20:.1f} MB, more than the {MAX_CATALOGUE_BYTES / 2**20:g} MB a catalogue may be "
        "(the largest shipped one is 39 KB), so it was not read: check that it is the right file",
        path=path,
    )


def read_pot(path: Path) -> Catalog | None:
    """A template (``messages.pot``, ``frontdesk.pot``), the source messages
    its catalogues are compared with; None when it has not been extracted yet."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as file:
            return read_po(file, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as error:
        raise CatalogueError(f"cannot be read ({error}); run `extract` again", path=path) from None


def read_catalogue(
    path: Path,
    locale: str,
    template: Catalog | None = None,
    *,
    data: bytes | None = None,
    rules: TranslationRules = NO_RULES,
    domain: str = DOMAIN,
) -> CatalogueReading:
    """Read ``path`` (or ``data``, its content) as the catalogue of ``locale``;
    compare it with ``template`` (the parsed ``<domain>.pot``) when given.
    ``rules``: the project's translation rules (the numbers reviewers accepted);
    ``domain``: the leaflets' ``messages`` or the front desk pages' ``frontdesk``."""
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        folder = path.parent.parent
        return _unreadable(
            path,
            None,
            f"the folder {folder.parent.name}/{folder.name} is named for no locale CLDR knows "
            f"({locale!r}): name it with a locale code such as es, pt_BR or zh_Hans",
        )
    try:
        data = catalogue_bytes(path) if data is None else data
    except CatalogueError as error:
        return _unreadable(path, None, error.message)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return _unreadable(
            path, line, f"is not valid UTF-8 (byte 0x{data[error.start]:02X}); save the file as UTF-8"
        )
    if problem := first_problem(text):
        return _unreadable(path, *problem)
    try:
        catalog = read_po(text.splitlines(keepends=True), locale=locale, domain=domain, abort_invalid=True)
    except (PoFileError, ValueError) as error:  # a bad header value (an unknown Language:) or line
        if field := _bad_header_field(text):
            return _unreadable(path, *field)
        if isinstance(error, PoFileError):
            # Babel counts lines from 0 and appends " on <that number>" to its message.
            reason = str(error).rsplit(" on ", 1)[0]
            return _unreadable(path, error.lineno + 1, f"not a valid catalogue: {reason}")
        return _unreadable(path, None, f"cannot be read: {error}")
    rule, problems = _plural_problems(path, catalog, locale, text)
    if problems:
        return CatalogueReading(path, catalog, tuple(problems))
    language = Language.of(locale, rule, rules)
    usable, rejected, message_problems = _message_problems(path, catalog, template, language, domain)
    return CatalogueReading(path, catalog, tuple(message_problems), frozenset(usable), rejected)


def _bad_header_field(text: str) -> tuple[int, str] | None:
    """The header field Babel refuses, and its line: Babel reports the end of
    the header entry, not the field."""
    for line, name, value in header_fields(text):
        try:
            Catalog().mime_headers = [(name, value)]
        except ValueError as error:
            return line, f"the header field {name.strip()!r} cannot be read: {error}"
    return None


def _unreadable(path: Path, line: int | None, message: str) -> CatalogueReading:
    return CatalogueReading(path, None, (_blocking(path, line, message),))


def _blocking(path: Path, line: int | None, message: str) -> CatalogueProblem:
    return CatalogueProblem(path, line, message, "blocks")


# --- The header ------------------------------------------------------------------


def _plural_problems(
    path: Path, catalog: Catalog, locale: str, text: str
) -> tuple[PluralRule, list[CatalogueProblem]]:
    """The catalogue's plural rule; one that is not the language's blocks the
    catalogue: the build must not guess which form a number takes."""
    line, _ = plural_forms_line(text)
    header = dict(catalog.mime_headers).get("Plural-Forms", "")
    rule = parse_plural_rule(header)  # evaluated already, on the raw text
    try:
        expected, why = expected_plural_rule(locale)
    except PluralRuleError as error:
        return rule, [_blocking(path, line, str(error))]
    if not rule.agrees_with(expected):
        reason = f" ({why})" if why else " (CLDR's rule)"
        return rule, [
            _blocking(
                path,
                line,
                f"Plural-Forms {header!r} is not the rule for {locale}: use {expected.header!r}{reason}",
            )
        ]
    return rule, []


# --- Each message ---------------------------------------------------------------


def _message_problems(
    path: Path, catalog: Catalog, template: Catalog | None, language: Language, domain: str
) -> tuple[set[MessageKey], dict[MessageKey, str], list[CatalogueProblem]]:
    usable: set[MessageKey] = set()
    rejected: dict[MessageKey, str] = {}
    problems: list[CatalogueProblem] = []
    expected_keys = (
        {message_key(message) for message in template if message.id} if template is not None else None
    )

    def add(message: Message, text: str, effect: Effect | None = None) -> None:
        key = message_key(message)
        effect = effect or ("blocks" if is_safety_context(key[0]) else "draft")
        problems.append(CatalogueProblem(path, message.lineno, text, effect, key))

    for message in catalog:
        if not message.id:
            continue
        key = message_key(message)
        source = _short(key[1])
        if expected_keys is not None and key not in expected_keys:
            add(
                message,
                f"obsolete: not in locales/{domain}.pot any more (run `update`): {source!r}",
                "advice",
            )
            continue
        if missing := untranslated(message, language) or plural_form_count(message, language):
            add(message, missing[0])
        elif unusable := unusable_translation(message, language):
            add(message, f"translation not used: {unusable[0]}")
            rejected[key] = unusable[0].removesuffix(f": {source_text(message)!r}")
        else:
            usable.add(key)
    if template is not None:
        problems += _missing_messages(path, catalog, template, domain)
    return usable, rejected, problems


def _missing_messages(path: Path, catalog: Catalog, template: Catalog, domain: str) -> list[CatalogueProblem]:
    """Messages of ``<domain>.pot`` the catalogue does not have: lost in an
    edit, or in a round trip through a tool that dropped their context."""
    present = {message_key(message) for message in catalog if message.id}
    contexts_by_id: dict[str, set[str | None]] = {}
    for context, msgid in present:
        contexts_by_id.setdefault(msgid, set()).add(context)
    problems = []
    for message in template:
        key = message_key(message)
        if not message.id or key in present:
            continue
        effect: Effect = "blocks" if is_safety_context(key[0]) else "draft"
        if key[1] in contexts_by_id:
            found = sorted(f'"{context}"' if context else "none" for context in contexts_by_id[key[1]])
            text = (
                f'context lost: {domain}.pot has msgctxt "{key[0]}" for {_short(key[1])!r}, the catalogue '
                f"has {' or '.join(found)} (a tool dropped it?); put the msgctxt line back"
                if key[0]
                else f"context added: the catalogue has {' or '.join(found)} for {_short(key[1])!r}, "
                f"{domain}.pot none"
            )
        else:
            text = f"missing (run `update` to add it, then translate it): {_short(key[1])!r}"
        problems.append(CatalogueProblem(path, None, text, effect, key))
    return problems


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
