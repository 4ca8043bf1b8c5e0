"""What the project decides about translations, which no catalogue can change:
``templates/translation_rules.toml``, part of the templates and reviewed like
code (catalogues come from outside translators; see SECURITY.md).

- ``[draft_mark]``: the draft words in each language, printed on every page
  of a draft above the English ones and at the start of its title. Taken from
  a catalogue, a translation could turn a draft's mark into its opposite
  ("APROBADO"). A locale not listed gets the English words alone.
- ``[not_translated]``: the note, in each language, beside a passage of a
  draft that prints in English because it has no usable translation; from a
  catalogue, a translation could hide the mark. English when not listed.
- ``[[length]]``: how many characters the translation of a message may have
  where space is tight (the card's title, the footer, the red safety
  headings, the record box's labels); ``check`` reports one that is longer.
- ``[[numbers]]``: translations a reviewer read that legitimately write the
  source's numbers otherwise (a "2" written as a word), and the numbers they
  may carry instead (message_checks.changed_numbers checks all others).
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from .config import Table, read_toml

RULES_FILE = "translation_rules.toml"
ENGLISH_DRAFT_MARK = "DRAFT — not for patient use"
ENGLISH_UNTRANSLATED_NOTE = "not yet translated"

#: A message: (msgctxt, msgid).
MessageKey = tuple[str | None, str]


@dataclass(frozen=True)
class AcceptedNumbers:
    """A reviewer's decision: the translation of ``key`` (in ``locale``, or in
    every locale when None) may carry ``numbers`` instead of its source's."""

    key: MessageKey
    locale: str | None
    numbers: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class LengthBudget:
    """At most ``characters`` for the translation of ``key``, where it prints (``where``)."""

    key: MessageKey
    characters: int
    where: str


@dataclass(frozen=True)
class TranslationRules:
    draft_marks: Mapping[str, str] = field(default_factory=dict)
    untranslated_notes: Mapping[str, str] = field(default_factory=dict)
    accepted_numbers: tuple[AcceptedNumbers, ...] = ()
    length_budgets: tuple[LengthBudget, ...] = ()
    #: The SHA-256 of the file ("" when the project has none).
    digest: str = ""

    def draft_mark(self, locale: str) -> str:
        """The draft words in ``locale`` (or its language), else the English ones."""
        return (
            self.draft_marks.get(locale) or self.draft_marks.get(locale.split("_")[0]) or ENGLISH_DRAFT_MARK
        )

    def untranslated_note(self, locale: str) -> str:
        """The "not yet translated" note in ``locale`` (or its language), else the English one."""
        return (
            self.untranslated_notes.get(locale)
            or self.untranslated_notes.get(locale.split("_")[0])
            or ENGLISH_UNTRANSLATED_NOTE
        )

    def length_budget(self, key: MessageKey) -> LengthBudget | None:
        return next((budget for budget in self.length_budgets if budget.key == key), None)

    def numbers_accepted(self, locale: str, key: MessageKey) -> list[Counter[str]]:
        """The numbers a reviewer accepted in the translation of ``key``, besides its source's."""
        return [
            Counter(accepted.numbers)
            for accepted in self.accepted_numbers
            if accepted.key == key and accepted.locale in (None, locale)
        ]


#: A project without the file: the English draft mark, no numbers accepted.
NO_RULES = TranslationRules()


def load_translation_rules(templates_dir: Path) -> TranslationRules:
    """The project's rules, read again when the file's content changes (a
    long-running process sees an edit on its next leaflet)."""
    path = templates_dir / RULES_FILE
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return NO_RULES
    except OSError as error:
        raise ConfigError(f"cannot be read: {error.strerror}", path=path) from None
    return _parse_rules(path, hashlib.sha256(content).hexdigest())


@functools.lru_cache(maxsize=4)
def _parse_rules(path: Path, digest: str) -> TranslationRules:
    rules = Table(read_toml(path), path)
    rules.reject_unknown({"draft_mark", "not_translated", "numbers", "length"})
    marks = rules.table("draft_mark", required=False)
    draft_marks = {locale: marks.text(locale) for locale in marks.data}
    notes = rules.table("not_translated", required=False)
    untranslated_notes = {locale: notes.text(locale) for locale in notes.data}
    accepted = []
    for index, entry in enumerate(rules.get("numbers", list, default=[])):
        if not isinstance(entry, dict):
            raise rules.error(f"numbers[{index}]", "must be a table ([[numbers]])")
        table = Table(entry, path, f"numbers[{index}].")
        table.reject_unknown({"message", "context", "locale", "numbers", "why"})
        numbers = table.get("numbers", list)
        if not all(isinstance(number, str) and number.isascii() and number.isdigit() for number in numbers):
            raise table.error("numbers", 'must be a list of numbers in Latin digits, as text ("2")')
        accepted.append(
            AcceptedNumbers(
                key=(table.get("context", str, default=None), table.get("message", str)),
                locale=table.get("locale", str, default=None),
                numbers=tuple(str(int(number)) for number in numbers),
                why=table.text("why"),
            )
        )
    budgets = []
    for index, entry in enumerate(rules.get("length", list, default=[])):
        if not isinstance(entry, dict):
            raise rules.error(f"length[{index}]", "must be a table ([[length]])")
        table = Table(entry, path, f"length[{index}].")
        table.reject_unknown({"message", "context", "characters", "where"})
        characters = table.get("characters", int)
        if characters < 1:
            raise table.error("characters", "must be at least 1")
        key = (table.get("context", str, default=None), table.get("message", str))
        budgets.append(LengthBudget(key, characters, table.text("where")))
    return TranslationRules(draft_marks, untranslated_notes, tuple(accepted), tuple(budgets), digest)
