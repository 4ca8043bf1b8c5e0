"""Build one leaflet: check it, render its HTML, lay out and write its PDF.

Runs in the worker processes (workers.py); each keeps one LeafletBuilder, with
its Jinja environment, WeasyPrint fonts and stylesheets and catalogues warm.
"""

from __future__ import annotations

from datetime import date

from .catalogs import LoadedCatalogue, load_catalogue, source_catalogue
from .checks import input_reasons, page_budget_reason, untranslated_messages_reason
from .errors import MissingSafetyTranslationError
from .fonts import load_font_setup
from .model import Job, Leaflet, Project
from .render_html import make_environment, render_leaflet_html
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

    def _catalogue(self, job: Job) -> LoadedCatalogue:
        if job.locale not in self._catalogues:
            self._catalogues[job.locale] = (
                source_catalogue() if job.catalogue_path is None else load_catalogue(job.catalogue_path, job.locale)
            )
        return self._catalogues[job.locale]

    def _html(self, job: Job, catalogue: LoadedCatalogue, *, draft: bool, template_name: str | None = None):
        html, record = render_leaflet_html(
            self.environment, job, catalogue, draft=draft,
            font_stack=self.renderer.css_font_stack(self.fonts.stack_for(job.locale)), template_name=template_name,
        )
        if record.missing_safety:
            raise MissingSafetyTranslationError(
                "safety notes are never shown in another language, so this leaflet was not built; "
                f"translate these messages (msgctxt \"safety\"): {'; '.join(map(repr, record.missing_safety))}",
                path=catalogue.path,
            )
        return html, record

    def build(self, job: Job) -> Leaflet:
        catalogue = self._catalogue(job)
        reasons = input_reasons(job, catalogue, self.today)
        drafted = bool(reasons)
        html, record = self._html(job, catalogue, draft=drafted)
        reasons += filter(None, [untranslated_messages_reason(catalogue, record.missing)])
        blank_page = self._html(job, catalogue, draft=False, template_name="blank_page.html")[0] if job.is_booklet else None
        pdf, pages = self.renderer.render(html, job, blank_page)
        reasons += filter(None, [page_budget_reason(job, pages)])
        if reasons and not drafted:
            # Only the render could tell this leaflet is a draft: render it
            # again with the draft mark on every page.
            html, _ = self._html(job, catalogue, draft=True)
            pdf, pages = self.renderer.render(html, job, blank_page)
        return Leaflet(job=job, pdf=pdf, pages=pages, html=html, reasons=tuple(reasons))
