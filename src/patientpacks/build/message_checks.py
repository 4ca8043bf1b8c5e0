"""Checks of one catalogue message, for translators and for the build.

Each check returns the problems a translator must fix, as text (``check``
adds the file and line). The build uses the same checks to refuse a
translation whose markup or placeholders differ from its source: such a
translation is never passed to the renderer (see catalogue_reader.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from babel.messages.catalog import Message

_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?([a-zA-Z%])|%[#0\- +]*\d*(?:\.\d+)?[a-zA-Z%]")
_TAG = re.compile(r"<[^>]*>")


def forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's id or string as a tuple: one item, or one per plural form."""
    return value if isinstance(value, tuple) else (value,)


def placeholders(text: str) -> Counter[str]:
    """Every %-placeholder of a string, as written (``%(hours)s``); a stray ``%``
    counts too, because it breaks the formatting."""
    return Counter(match.group(0) for match in _PLACEHOLDER.finditer(text))


def inline_tags(text: str) -> Counter[str]:
    return Counter(_TAG.findall(text))


def untranslated(message: Message, nplurals: int) -> list[str]:
    if message.fuzzy:
        return [f"fuzzy (the source changed; check and remove the fuzzy flag): {source_text(message)!r}"]
    if not all(forms(message.string)):
        return [f"untranslated: {source_text(message)!r}"]
    return []


def plural_form_count(message: Message, nplurals: int) -> list[str]:
    if isinstance(message.id, tuple) and len(forms(message.string)) != nplurals:
        return [
            f"has {len(forms(message.string))} plural forms, the Plural-Forms header says {nplurals}: {source_text(message)!r}"
        ]
    return []


def placeholder_mismatch(message: Message, nplurals: int) -> list[str]:
    expected = placeholders(forms(message.id)[-1])
    problems = []
    for form in filter(None, forms(message.string)):
        found = placeholders(form)
        if set(found) != set(expected):
            missing, extra = sorted(set(expected) - set(found)), sorted(set(found) - set(expected))
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


def markup_mismatch(message: Message, nplurals: int) -> list[str]:
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
    return problems


def source_text(message: Message) -> str:
    """The start of a message's source, as problems quote it."""
    text = forms(message.id)[0]
    return text if len(text) <= 60 else text[:57] + "..."


MESSAGE_CHECKS: list[Callable[[Message, int], list[str]]] = [
    untranslated,
    plural_form_count,
    placeholder_mismatch,
    markup_mismatch,
]


def unusable_translation(message: Message) -> list[str]:
    """Why a translation may not be printed: its placeholders or its markup
    differ from the source. A translation could otherwise crash the build or
    inject markup (Jinja treats translations as safe HTML)."""
    return placeholder_mismatch(message, 0) + markup_mismatch(message, 0)
