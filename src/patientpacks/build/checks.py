"""Whether a leaflet may be handed to a patient.

Each check is a small function that returns the reason a leaflet is a draft,
or ``None``. A leaflet with no reasons is publishable. The checks that need
the rendered leaflet (messages that had no translation, page count) run after
rendering, in :func:`rendered_leaflet_reasons`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ..errors import shown_path
from ..jobs import Job
from ..model import SignOff
from .catalogue_reader import DOMAIN, MessageKey
from .catalogues import LoadedCatalogue
from .phones import brand_phone_numbers
from .signoffs import REVIEW_LASTS, lapsed, review_due

#: A check's reason, or its reasons (one per catalogue of a variety's
#: chain, one per phone number: each is counted and listed on its own).
Reasons = "str | list[str] | None"
InputCheck = Callable[[Job, LoadedCatalogue, date], Reasons]


def pack_not_signed_off(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    signoff = job.pack.signoff
    if signoff.problem:
        return f"clinical sign-off cannot be used: {signoff.problem}"
    if not signoff.signed_off:
        return (
            f"clinical content not signed off ({shown_path(signoff.path)} does not exist: "
            f"a clinician runs `patientpacks signoff {job.pack.id} --by NAME`)"
        )
    if signoff.changes:
        return (
            f"changed since clinical sign-off: {len(signoff.changes)} message(s) or setting(s) "
            f"({shown_path(signoff.path)}; `patientpacks check` lists them)"
        )
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


def translation_not_reviewed(job: Job, catalogue: LoadedCatalogue, today: date) -> list[str]:
    # Every catalogue of the chain: a variety's override (es_US) and its language's (es).
    return [reason for review in catalogue.reviews if (reason := _not_reviewed(review))]


def _not_reviewed(review: SignOff) -> str | None:
    assert review.path is not None  # a translation review is always read from its file
    locale = review.path.parent.parent.name
    if review.problem:
        return f"translation sign-off cannot be used: {review.problem}"
    if not review.signed_off:
        return (
            f"translation not reviewed ({shown_path(review.path)} does not exist: "
            f"a qualified reviewer runs `patientpacks review {locale} --by NAME`)"
        )
    if review.changes:
        return (
            f"changed since review: {len(review.changes)} message(s) "
            f"({shown_path(review.path.with_name(DOMAIN + '.po'))}; "
            f"`patientpacks check --locale {locale}` lists them)"
        )
    return None


def translation_past_review_date(job: Job, catalogue: LoadedCatalogue, today: date) -> list[str]:
    reasons = []
    for review in catalogue.reviews:
        if lapsed(review, today):
            basis = (
                "its due date"
                if review.due
                else f"{REVIEW_LASTS.days} days after it was reviewed on {review.on}"
            )
            reasons.append(
                f"translation past its review-due date {review_due(review).isoformat()} "
                f"({shown_path(review.path)}: {basis})"
            )
    return reasons


def brand_text_not_in_leaflet_language(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    if not job.clinic_hours[1]:
        return (
            f"the clinic's opening hours have no {job.locale!r} version and are shown in "
            f"{job.brand.language!r} ({shown_path(job.brand.source_file)}: contact.hours)"
        )
    return None


def phone_cannot_be_dialled(job: Job, catalogue: LoadedCatalogue, today: date) -> list[str]:
    if job.jurisdiction is None:
        return []
    return [
        f"{shown_path(job.brand.source_file)}: {key}: {number.printed!r} cannot be dialled in "
        f"{job.jurisdiction.name}: {number.problem} (printed as written)"
        for key, number in brand_phone_numbers(job.brand, job.jurisdiction).items()
        if number.problem
    ]


INPUT_CHECKS: list[InputCheck] = [
    pack_not_signed_off,
    pack_past_review_date,
    safety_notes_not_checked_against_label,
    translation_not_reviewed,
    translation_past_review_date,
    brand_text_not_in_leaflet_language,
    phone_cannot_be_dialled,
]


def brand_text_not_in_second_language(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    locale = job.edition.second_locale
    if not job.clinic_hours_in(locale)[1]:
        return (
            f"the clinic's opening hours have no {locale!r} version for the second language and are shown in "
            f"{job.brand.language!r} ({shown_path(job.brand.source_file)}: contact.hours)"
        )
    return None


#: The checks on a bilingual edition's second language (``catalogue`` is its catalogue).
SECOND_LANGUAGE_CHECKS: list[InputCheck] = [
    translation_not_reviewed,
    translation_past_review_date,
    brand_text_not_in_second_language,
]


def input_reasons(job: Job, catalogue: LoadedCatalogue, today: date) -> list[str]:
    """Reasons known before rendering."""
    return _reasons(INPUT_CHECKS, job, catalogue, today)


def second_language_reasons(job: Job, catalogue: LoadedCatalogue, today: date) -> list[str]:
    return _reasons(SECOND_LANGUAGE_CHECKS, job, catalogue, today)


def _reasons(checks: list[InputCheck], job: Job, catalogue: LoadedCatalogue, today: date) -> list[str]:
    reasons: list[str] = []
    for check in checks:
        found = check(job, catalogue, today)
        reasons += [found] if isinstance(found, str) else found or []
    return reasons


def untranslated_messages_reason(catalogue: LoadedCatalogue, missing: set[MessageKey]) -> str | None:
    if not missing:
        return None

    def name(key: MessageKey) -> str:
        why = catalogue.rejected.get(key)
        return f"{key[1]!r}" + (f" (translation not used: {why.split(':')[0]})" if why else "")

    names = "; ".join(name(key) for key in sorted(missing, key=lambda key: key[1]))
    return (
        f"{len(missing)} message(s) untranslated, fuzzy or unusable in {shown_path(catalogue.path)}, "
        f"shown in English: {names}"
    )


def page_budget_reason(job: Job, pages: int) -> str | None:
    if pages > job.max_pages:
        times = "" if job.max_pages == job.pack.max_pages else f", x2 for the {job.edition.name} edition"
        return (
            f"{pages} pages, {pages - job.max_pages} over the limit of {job.max_pages} "
            f"({shown_path(job.pack.source_file)}: max_pages{times})"
        )
    return None
