"""Build one leaflet: check it, render its HTML, lay out and write its PDF.

Runs in the worker processes (workers.py); each keeps one LeafletBuilder, with
its Jinja environment, WeasyPrint fonts and stylesheets and catalogues warm.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..errors import MissingSafetyTranslationError
from ..model import Job, Leaflet, Project
from .catalogues import LoadedCatalogue, RecordingTranslations, load_catalogue, source_catalogue
from .checks import input_reasons, page_budget_reason, second_language_reasons, untranslated_messages_reason
from .fonts import load_font_setup
from .render_html import SecondLanguage, make_environment, render_leaflet_html, render_second_language
from .render_pdf import LeafletRenderer


class LeafletBuilder:
    """Checks, renders and lays out leaflets; one per process, kept warm."""

    def __init__(self, project: Project, today: date) -> None:
        self.project = project
        self.today = today
        self.environment = make_environment(project)
        self.renderer = LeafletRenderer(project)
        self.fonts = load_font_setup(project.fonts_dir)
        self._catalogues: dict[str, LoadedCatalogue] = {}

    def _catalogue(self, locale: str, path: Path | None) -> LoadedCatalogue:
        if locale not in self._catalogues:
            self._catalogues[locale] = source_catalogue() if path is None else load_catalogue(path, locale)
        return self._catalogues[locale]

    def _html(
        self,
        job: Job,
        catalogue: LoadedCatalogue,
        *,
        draft: bool,
        template_name: str | None = None,
        second: SecondLanguage | None = None,
    ) -> tuple[str, RecordingTranslations]:
        html, record = render_leaflet_html(
            self.environment,
            job,
            catalogue,
            draft=draft,
            font_stack=self.renderer.css_font_stack(self.fonts.stack_for(job.locale)),
            template_name=template_name,
            second=second,
        )
        _refuse_missing_safety(record, catalogue)
        return html, record

    def _second_language(self, job: Job) -> tuple[SecondLanguage | None, list[str]]:
        """A bilingual edition's second language, and the reasons it makes the leaflet a draft."""
        if job.edition.second_locale is None:
            return None, []
        catalogue = self._catalogue(job.edition.second_locale, job.second_catalogue_path)
        second, record = render_second_language(
            self.environment,
            job,
            catalogue,
            font_stack=self.renderer.css_font_stack(self.fonts.stack_for(job.edition.second_locale)),
        )
        _refuse_missing_safety(record, catalogue)
        reasons = second_language_reasons(job, catalogue, self.today)
        reasons += filter(None, [untranslated_messages_reason(catalogue, record.missing)])
        return second, reasons

    def build(self, job: Job) -> Leaflet:
        catalogue = self._catalogue(job.locale, job.catalogue_path)
        second, reasons = self._second_language(job)
        reasons = input_reasons(job, catalogue, self.today) + reasons
        drafted = bool(reasons)
        html, record = self._html(job, catalogue, draft=drafted, second=second)
        reasons += filter(None, [untranslated_messages_reason(catalogue, record.missing)])
        blank_page = (
            self._html(job, catalogue, draft=False, template_name="blank_page.html")[0]
            if job.is_booklet
            else None
        )
        pdf, boxes = self.renderer.render(html, job, blank_page)
        reasons += filter(None, [page_budget_reason(job, len(boxes))])
        if reasons and not drafted:
            # Only the render could tell this leaflet is a draft: render it
            # again with the draft mark on every page.
            html, _ = self._html(job, catalogue, draft=True, second=second)
            pdf, boxes = self.renderer.render(html, job, blank_page)
        return Leaflet(
            job=job, pdf=pdf, pages=len(boxes), html=html, reasons=tuple(reasons), page_boxes=boxes
        )


def _refuse_missing_safety(record: RecordingTranslations, catalogue: LoadedCatalogue) -> None:
    if record.missing_safety:
        raise MissingSafetyTranslationError(
            "safety notes are never shown in another language, so this leaflet was not built; "
            f'translate these messages (msgctxt "safety"): {"; ".join(map(repr, record.missing_safety))}',
            path=catalogue.path,
        )
