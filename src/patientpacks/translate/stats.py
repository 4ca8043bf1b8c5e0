"""``stats``: how complete each catalogue is per pack, and which reviews fall due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from babel.messages.catalog import Catalog, Message

from ..build.catalogue_reader import message_key
from ..build.catalogues import (
    PSEUDO_LOCALES,
    SOURCE_LOCALE,
    catalogue_path,
    discover_locales,
    discover_overrides,
    overridden_language,
)
from ..build.packs import load_pack
from ..build.page_catalogues import PAGES_DOMAIN, read_page_template
from ..build.signoffs import read_signoff, review_due, signoff_path_of_catalogue, translation_review
from ..errors import shown_path
from ..model import Pack, Project
from .catalogues import read_project_catalogue, read_template


@dataclass(frozen=True)
class CatalogueStats:
    locale: str
    pack: str
    translated: int
    fuzzy: int
    #: Untranslated, unusable, or missing from the catalogue (compared with messages.pot).
    untranslated: int
    #: Signed off, and no message changed since.
    reviewed: bool
    #: The messages changed since the review, each with the text approved and the text now.
    changed_since_review: tuple[str, ...] = ()
    #: Why the review file cannot be used, if so (a typo in a date...): not a review.
    review_problem: str = ""
    #: Why the catalogue cannot be used at all (its leaflets are not built), if so.
    broken: str | None = None
    #: For a variety's override catalogue (es_US), the language it overrides
    #: (es; en for the source): ``translated`` and ``fuzzy`` count its own
    #: messages, and nothing in it is untranslated (the base has the rest).
    overrides: str | None = None

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100 * self.translated / self.total, 1) if self.total else 100.0


def messages_of_pack(catalog: Catalog, pack_id: str) -> list[Message]:
    """The messages a pack's leaflets use: its own template's and the shared ones."""

    def used(message: Message) -> bool:
        return any(
            location.startswith((f"packs/{pack_id}/", "templates/", "jurisdictions/"))
            for location, _ in message.locations
        )

    return [message for message in catalog if message.id and used(message)]


#: The name the front desk pages' catalogues are counted under.
PAGES = "front desk pages"


def page_catalogue_stats(project: Project) -> list[CatalogueStats]:
    """Per locale: how many of the front desk pages' strings (``frontdesk.pot``)
    are translated, fuzzy or untranslated; a locale with a leaflet catalogue
    and none for the pages counts every string as untranslated (the pages
    show them in English)."""
    template = read_page_template(project.locales_dir)
    rows = []
    locales = sorted(
        set(discover_locales(project.locales_dir)) | set(discover_locales(project.locales_dir, PAGES_DOMAIN))
    )
    for locale in locales:
        if locale == SOURCE_LOCALE or locale in PSEUDO_LOCALES:
            continue
        keys = {message_key(message) for message in template or () if message.id}
        if not catalogue_path(project.locales_dir, locale, PAGES_DOMAIN).exists():
            rows.append(CatalogueStats(locale, PAGES, 0, 0, len(keys), False))
            continue
        reading = read_project_catalogue(project, locale, template, PAGES_DOMAIN)
        if reading.catalog is None or reading.blocking:
            problem = (reading.blocking or reading.problems)[0]
            where = shown_path(problem.path) + (f":{problem.line}" if problem.line else "")
            rows.append(CatalogueStats(locale, PAGES, 0, 0, 0, False, broken=f"{where}: {problem.message}"))
            continue
        keys = keys or {message_key(message) for message in reading.catalog if message.id}
        fuzzy = sum(
            message.fuzzy and message_key(message) in keys for message in reading.catalog if message.id
        )
        translated = len(keys & reading.usable)
        # The pages are not handed to patients: no translation review signs them off.
        rows.append(CatalogueStats(locale, PAGES, translated, fuzzy, len(keys) - translated - fuzzy, False))
    return rows


def catalogue_stats(project: Project, pack_ids: list[str]) -> list[CatalogueStats]:
    """Per locale and pack: how many of the messages the pack's leaflets use
    are translated (and printable), fuzzy, or untranslated, against
    ``messages.pot`` when it exists (a message deleted from a catalogue counts
    as untranslated), else against the catalogue's own messages."""
    template = read_template(project)
    rows = []
    for locale in [*discover_locales(project.locales_dir), *discover_overrides(project.locales_dir)]:
        if locale == SOURCE_LOCALE:
            continue
        base = overridden_language(project.locales_dir, locale)
        reading = read_project_catalogue(project, locale, None if base else template)
        if reading.catalog is None or reading.blocking:
            problem = (reading.blocking or reading.problems)[0]
            where = shown_path(problem.path) + (f":{problem.line}" if problem.line else "")
            rows += [
                CatalogueStats(locale, pack_id, 0, 0, 0, False, broken=f"{where}: {problem.message}")
                for pack_id in pack_ids
            ]
            continue
        review = translation_review(reading)
        changed = tuple(str(change) for change in review.changes)
        fuzzy_keys = {message_key(message) for message in reading.catalog if message.id and message.fuzzy}
        for pack_id in pack_ids:
            keys = [
                message_key(message) for message in messages_of_pack(template or reading.catalog, pack_id)
            ]
            translated = sum(key in reading.usable for key in keys)
            fuzzy = sum(key in fuzzy_keys for key in keys)
            # A variety's override holds only what differs: nothing in it is
            # untranslated (its language's catalogue has the rest).
            untranslated = 0 if base else len(keys) - translated - fuzzy
            rows.append(
                CatalogueStats(
                    locale,
                    pack_id,
                    translated,
                    fuzzy,
                    untranslated,
                    review.current,
                    changed,
                    review.problem,
                    overrides=base,
                )
            )
    return rows


#: How far ahead `stats` looks for reviews falling due.
REVIEW_NOTICE = timedelta(days=60)


@dataclass(frozen=True)
class ReviewDue:
    """A pack (clinical review) or catalogue (translation review) whose review
    falls due soon or is overdue."""

    kind: str  # "pack" or "catalogue"
    id: str  # the pack's id or the catalogue's locale
    path: str
    due: date
    days_left: int  # negative when overdue


def reviews_due(
    project: Project, packs: list[Pack], today: date, notice: timedelta = REVIEW_NOTICE
) -> list[ReviewDue]:
    """Packs and signed-off catalogues whose review is due within ``notice``
    of ``today``, or overdue; soonest first."""
    dues = [("pack", pack.id, pack.source_file, pack.review_due) for pack in packs]
    for locale in [*discover_locales(project.locales_dir), *discover_overrides(project.locales_dir)]:
        if locale != SOURCE_LOCALE:
            path = signoff_path_of_catalogue(catalogue_path(project.locales_dir, locale))
            dues.append(("catalogue", locale, path, review_due(read_signoff(path, dict))))
    return sorted(
        (
            ReviewDue(kind, item, shown_path(path), due, (due - today).days)
            for kind, item, path, due in dues
            if due is not None and due - today <= notice
        ),
        key=lambda row: (row.due, row.kind, row.id),
    )


@dataclass(frozen=True)
class StatsReport:
    catalogues: tuple[CatalogueStats, ...]
    reviews_due: tuple[ReviewDue, ...]
    today: date
    notice: timedelta = REVIEW_NOTICE
    #: The front desk pages' catalogues, counted apart: they are no leaflet's.
    pages: tuple[CatalogueStats, ...] = ()


def project_stats(project: Project, today: date) -> StatsReport:
    """Every catalogue's completeness per pack, and the reviews falling due."""
    pack_ids = sorted(path.parent.name for path in project.packs_dir.glob("*/pack.toml"))
    rows = catalogue_stats(project, pack_ids)
    due = reviews_due(project, [load_pack(project.packs_dir / pack_id) for pack_id in pack_ids], today)
    return StatsReport(tuple(rows), tuple(due), today, pages=tuple(page_catalogue_stats(project)))
