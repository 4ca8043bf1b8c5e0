"""Whether a leaflet may be handed to a patient.

Each check is a small function that returns the reason a leaflet is a draft,
or ``None``. A leaflet with no reasons is publishable. The checks that need
the rendered leaflet (messages that had no translation, page count) run after
rendering, in :func:`rendered_leaflet_reasons`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date

from babel.messages.catalog import Message

from .catalogs import LoadedCatalogue, MessageKey
from .errors import shown_path
from .model import Job

InputCheck = Callable[[Job, LoadedCatalogue, date], "str | None"]


def pack_not_signed_off(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    if not job.pack.signoff.signed_off:
        return f"clinical content not signed off ({shown_path(job.pack.source_file)}: signoff.by is empty)"
    return None


def pack_past_review_date(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    if today > job.pack.review_due:
        return f"pack past its review-due date {job.pack.review_due.isoformat()} ({shown_path(job.pack.source_file)})"
    return None


def safety_notes_not_checked_against_label(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    if not job.pack.label_revision:
        return (
            "safety notes not checked against a product label "
            f"({shown_path(job.pack.source_file)}: safety.label_revision is empty)"
        )
    return None


def translation_not_reviewed(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    if catalogue.review is not None and not catalogue.review.reviewed:
        return (
            f"translation not reviewed ({shown_path(catalogue.path)}: "
            "the header comment's Reviewed-By: and Reviewed-On: lines are empty)"
        )
    return None


def brand_text_not_in_leaflet_language(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    if not job.clinic_hours[1]:
        return (
            f"the clinic's opening hours have no {job.locale!r} version and are shown in "
            f"{job.brand.language!r} ({shown_path(job.brand.source_file)}: contact.hours)"
        )
    return None


INPUT_CHECKS: list[InputCheck] = [
    pack_not_signed_off,
    pack_past_review_date,
    safety_notes_not_checked_against_label,
    translation_not_reviewed,
    brand_text_not_in_leaflet_language,
]


def input_reasons(job: Job, catalogue: LoadedCatalogue, today: date) -> list[str]:
    """Reasons known before rendering."""
    return [reason for check in INPUT_CHECKS if (reason := check(job, catalogue, today))]


def untranslated_messages_reason(catalogue: LoadedCatalogue, missing: set[MessageKey]) -> str | None:
    if not missing:
        return None
    names = "; ".join(repr(message) for _, message in sorted(missing, key=lambda key: key[1]))
    return f"{len(missing)} message(s) untranslated or fuzzy in {shown_path(catalogue.path)}, shown in English: {names}"


def page_budget_reason(job: Job, pages: int) -> str | None:
    if pages > job.pack.max_pages:
        over = pages - job.pack.max_pages
        return (
            f"{pages} pages, {over} over the pack's limit of {job.pack.max_pages} "
            f"({shown_path(job.pack.source_file)}: max_pages)"
        )
    return None


# --- Catalogue checks: what `python build_pdfs.py check` reports -------------
#
# Each check looks at one message of one catalogue and returns the problems a
# translator must fix, as text; the command adds the file and line.

_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?([a-zA-Z%])|%[#0\- +]*\d*(?:\.\d+)?[a-zA-Z%]")
_TAG = re.compile(r"<[^>]*>")


def _forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def placeholders(text: str) -> Counter[str]:
    """Every %-placeholder of a string, as written (``%(hours)s``); a stray ``%``
    counts too, because it breaks the formatting."""
    return Counter(match.group(0) for match in _PLACEHOLDER.finditer(text))


def inline_tags(text: str) -> Counter[str]:
    return Counter(_TAG.findall(text))


def untranslated(message: Message, nplurals: int) -> list[str]:
    if message.fuzzy:
        return [f"fuzzy (the source changed; check and remove the fuzzy flag): {_source(message)!r}"]
    if not all(_forms(message.string)):
        return [f"untranslated: {_source(message)!r}"]
    return []


def plural_form_count(message: Message, nplurals: int) -> list[str]:
    if isinstance(message.id, tuple) and len(_forms(message.string)) != nplurals:
        return [f"has {len(_forms(message.string))} plural forms, the Plural-Forms header says {nplurals}: {_source(message)!r}"]
    return []


def placeholder_mismatch(message: Message, nplurals: int) -> list[str]:
    expected = placeholders(_forms(message.id)[-1])
    problems = []
    for form in filter(None, _forms(message.string)):
        found = placeholders(form)
        if set(found) != set(expected):
            missing, extra = sorted(set(expected) - set(found)), sorted(set(found) - set(expected))
            detail = "; ".join(
                part for part in (missing and f"missing {', '.join(missing)}", extra and f"unexpected {', '.join(extra)}") if part
            )
            problems.append(f"placeholders differ from the source ({detail}): {_source(message)!r}")
    return problems


def markup_mismatch(message: Message, nplurals: int) -> list[str]:
    allowed = inline_tags(_forms(message.id)[0])
    problems = []
    for form in filter(None, _forms(message.string)):
        extra = inline_tags(form) - allowed
        missing = allowed - inline_tags(form)
        stray = form.count("<") - sum(inline_tags(form).values())
        if extra or missing or stray:
            parts = [f"not in the source: {' '.join(extra)}" if extra else "", f"missing: {' '.join(missing)}" if missing else ""]
            detail = "; ".join(filter(None, parts)) or "a '<' that is not a tag"
            problems.append(f"inline markup differs from the source ({detail}): {_source(message)!r}")
    return problems


def _source(message: Message) -> str:
    text = _forms(message.id)[0]
    return text if len(text) <= 60 else text[:57] + "..."


MESSAGE_CHECKS: list[Callable[[Message, int], list[str]]] = [
    untranslated,
    plural_form_count,
    placeholder_mismatch,
    markup_mismatch,
]
