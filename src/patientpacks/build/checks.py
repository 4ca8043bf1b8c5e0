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
from .catalogue_reader import MessageKey
from .catalogues import REVIEW_LASTS, LoadedCatalogue
from .phones import brand_phone_numbers

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
    # Every catalogue of the chain: a variety's override (es_US) and its language's (es).
    unreviewed = [path for path, review in catalogue.reviews if not review.reviewed]
    if unreviewed:
        return "; ".join(
            f"translation not reviewed ({shown_path(path)}: "
            "the header comment's Reviewed-By: and Reviewed-On: lines are empty)"
            for path in unreviewed
        )
    return None


def translation_past_review_date(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    lapsed = []
    for path, review in catalogue.reviews:
        if review.lapsed(today):
            basis = (
                "its Review-Due: line"
                if review.review_due
                else f"{REVIEW_LASTS.days} days after Reviewed-On: {review.reviewed_on}"
            )
            lapsed.append(
                f"translation past its review-due date {review.due.isoformat()} ({shown_path(path)}: {basis})"
            )
    return "; ".join(lapsed) or None


def brand_text_not_in_leaflet_language(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    if not job.clinic_hours[1]:
        return (
            f"the clinic's opening hours have no {job.locale!r} version and are shown in "
            f"{job.brand.language!r} ({shown_path(job.brand.source_file)}: contact.hours)"
        )
    return None


def phone_cannot_be_dialled(job: Job, catalogue: LoadedCatalogue, today: date) -> str | None:
    if job.jurisdiction is None:
        return None
    problems = [
        f"{shown_path(job.brand.source_file)}: {key}: {number.printed!r} cannot be dialled in "
        f"{job.jurisdiction.name}: {number.problem} (printed as written)"
        for key, number in brand_phone_numbers(job.brand, job.jurisdiction).items()
        if number.problem
    ]
    return "; ".join(problems) or None


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
    return [reason for check in INPUT_CHECKS if (reason := check(job, catalogue, today))]


def second_language_reasons(job: Job, catalogue: LoadedCatalogue, today: date) -> list[str]:
    return [reason for check in SECOND_LANGUAGE_CHECKS if (reason := check(job, catalogue, today))]


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
