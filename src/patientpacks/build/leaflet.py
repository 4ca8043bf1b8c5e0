"""Build one leaflet: check it, render its HTML, lay out and write its PDF.

Runs in the worker processes (pool.py), and in a long-running process that
renders leaflets one at a time (api.render_leaflet: the server). Each keeps
one LeafletBuilder, with its Jinja environment, WeasyPrint fonts and
stylesheets and catalogues warm, each cache keyed by what it was made from:
a saved catalogue, template or stylesheet shows on the next leaflet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..errors import MissingSafetyTranslationError
from ..jobs import Job, Leaflet, TreatmentRecord
from ..model import Project
from .catalogue_cache import CatalogueCache
from .catalogue_reader import read_catalogue
from .catalogues import LoadedCatalogue, RecordingTranslations, with_base
from .checks import input_reasons, page_budget_reason, second_language_reasons, untranslated_messages_reason
from .fonts import FontSetup, load_font_setup
from .preview import (
    PREVIEW_MARK,
    MessageArea,
    PreviewMessage,
    PreviewTranslations,
    describe_messages,
    mark_html,
    message_areas,
)
from .render_html import SecondLanguage, make_environment, render_leaflet_html, render_second_language
from .render_pdf import LeafletRenderer, page_boxes, renderer_inputs_key
from .translation_rules import TranslationRules, load_translation_rules


class LeafletBuilder:
    """Checks, renders and lays out leaflets; one per process, kept warm."""

    def __init__(self, project: Project, today: date, *, watch_files: bool = False) -> None:
        """``watch_files``: check before each leaflet that no template,
        catalogue, stylesheet or font changed since it was read (a long-running
        process: the server, api.render_leaflet). A build's workers live for
        one build, whose inputs were read and hashed before it started: they
        skip the checks (1-2% of a leaflet's time)."""
        self.project = project
        self.today = today
        self.watch_files = watch_files
        self.environment = make_environment(project, watch_files=watch_files)
        self.renderer = LeafletRenderer(project)
        self._catalogues = CatalogueCache(watch_files=watch_files)

    @property
    def fonts(self) -> FontSetup:
        return load_font_setup(self.project.fonts_dir)  # read again when fonts.toml changes

    @property
    def rules(self) -> TranslationRules:
        return load_translation_rules(self.project.templates_dir)  # read again when the file changes

    def _catalogue(self, locale: str, path: Path | None) -> LoadedCatalogue:
        return self._catalogues.get(locale, path, self.rules)

    def _chain(self, locale: str, path: Path | None, variety: str, override: Path | None) -> LoadedCatalogue:
        """A leaflet's catalogues: its variety's override (if any) over its
        language's catalogue or the source."""
        base = self._catalogue(locale, path)
        return base if override is None else with_base(self._catalogue(variety, override), base)

    def _blank_page(self, job: Job, catalogue: LoadedCatalogue) -> str | None:
        """A folded booklet's blank page (padding to a multiple of 4), or None."""
        if not job.is_booklet:
            return None
        return self._html(job, catalogue, draft=False, template_name="blank_page.html")[0]

    def _current_renderer(self, html: str) -> LeafletRenderer:
        """The renderer, made again when a stylesheet or a font changed, or
        when the leaflet has a character its font subsets were not cut for
        (a catalogue saved with a new Chinese character; a date CLDR writes
        with 年 and 月): the new subsets then include it."""
        missing = self.renderer.uncovered(html)
        changed = self.watch_files and self.renderer.inputs_key != renderer_inputs_key(self.project)
        if missing or changed:
            self.renderer = LeafletRenderer(self.project, self.renderer.extra_characters | missing)
        return self.renderer

    def _html(
        self,
        job: Job,
        catalogue: LoadedCatalogue,
        *,
        draft: bool,
        template_name: str | None = None,
        second: SecondLanguage | None = None,
        treatment: TreatmentRecord | None = None,
    ) -> tuple[str, RecordingTranslations]:
        html, record = render_leaflet_html(
            self.environment,
            job,
            catalogue,
            draft=draft,
            font_stack=self.renderer.css_font_stack(self.fonts.stack_for(job.locale)),
            draft_mark=self.rules.draft_mark(job.locale),
            template_name=template_name,
            second=second,
            treatment=treatment,
        )
        _refuse_missing_safety(record, catalogue)
        return html, record

    def _second_language(self, job: Job) -> tuple[SecondLanguage | None, list[str]]:
        """A bilingual edition's second language, and the reasons it makes the leaflet a draft."""
        if job.edition.second_locale is None:
            return None, []
        catalogue = self._chain(
            job.edition.second_locale, job.second_catalogue_path, job.second_variety, job.second_override_path
        )
        second, record = render_second_language(
            self.environment,
            job,
            catalogue,
            font_stack=self.renderer.css_font_stack(self.fonts.stack_for(job.second_text_locale)),
            draft_mark=self.rules.draft_mark(job.second_text_locale),
        )
        _refuse_missing_safety(record, catalogue)
        reasons = second_language_reasons(job, catalogue, self.today)
        reasons += filter(None, [untranslated_messages_reason(catalogue, record.missing)])
        return second, reasons

    def html(self, job: Job, *, draft: bool) -> str:
        """The leaflet's HTML as the PDF is laid out from (its second language
        included), with or without the draft mark."""
        catalogue = self._chain(job.locale, job.catalogue_path, job.variety, job.override_path)
        second, _ = self._second_language(job)
        return self._html(job, catalogue, draft=draft, second=second)[0]

    def build(self, job: Job, record: TreatmentRecord | None = None) -> Leaflet:
        """Check, render and lay out one leaflet; with ``record``, its
        treatment record filled in for one patient (kept nowhere)."""
        catalogue = self._chain(job.locale, job.catalogue_path, job.variety, job.override_path)
        second, reasons = self._second_language(job)
        reasons = input_reasons(job, catalogue, self.today) + reasons
        drafted = bool(reasons)
        html, translated = self._html(job, catalogue, draft=drafted, second=second, treatment=record)
        reasons += filter(None, [untranslated_messages_reason(catalogue, translated.missing)])
        blank_page = self._blank_page(job, catalogue)
        renderer = self._current_renderer(html)
        document = renderer.lay_out(html, job, blank_page)
        reasons += filter(None, [page_budget_reason(job, len(document.pages))])
        if reasons and not drafted:
            # Only the layout could tell this leaflet is a draft: lay it out
            # again with the draft mark on every page.
            html, _ = self._html(job, catalogue, draft=True, second=second, treatment=record)
            renderer = self._current_renderer(html)
            document = renderer.lay_out(html, job, blank_page)
        # Written once its reasons are all known: the PDF records them.
        pdf = renderer.write(document, job, tuple(reasons))
        numbers: dict[int, int] = {}  # the layout checks number elements across pages
        boxes = tuple(page_boxes(page, numbers) for page in document.pages)
        # The HTML as written beside the PDF (--html) links the renderer's
        # stylesheets and fonts: it lays out to the same pages on its own.
        standalone = renderer.standalone_html(html)
        return Leaflet(
            job=job, pdf=pdf, pages=len(boxes), html=standalone, reasons=tuple(reasons), page_boxes=boxes
        )

    def preview(self, job: Job) -> tuple[bytes, int, list[PreviewMessage], list[MessageArea], list[str]]:
        """A translator's preview of a leaflet (preview.py): its PDF, page
        count, the messages it printed and why it would be a draft. Never a
        leaflet: marked as a preview on every page, and a missing safety
        message is printed in English, highlighted, instead of refusing it."""
        catalogue = self._chain(job.locale, job.catalogue_path, job.variety, job.override_path)
        recording = PreviewTranslations(catalogue)
        html, _ = render_leaflet_html(
            self.environment, job, catalogue, draft=True,
            font_stack=self.renderer.css_font_stack(self.fonts.stack_for(job.locale)),
            draft_mark=PREVIEW_MARK, translations=recording,
        )  # fmt: skip
        reading = (
            read_catalogue(job.catalogue_path, job.locale, rules=self.rules) if job.catalogue_path else None
        )
        messages = describe_messages(self.project, reading, recording.order)
        html = mark_html(html, messages)
        blank_page = self._blank_page(job, catalogue)
        renderer = self._current_renderer(html)
        document = renderer.lay_out(html, job, blank_page)
        areas = message_areas(document)
        reasons = input_reasons(job, catalogue, self.today)
        reasons += filter(None, [untranslated_messages_reason(catalogue, recording.missing)])
        # Never publishable: a preview records itself as a draft for its reasons.
        pdf = renderer.write(document, job, tuple(reasons) or ("a translator's preview",))
        boxes = document.pages
        return pdf, len(boxes), messages, areas, reasons


def _refuse_missing_safety(record: RecordingTranslations, catalogue: LoadedCatalogue) -> None:
    if record.missing_safety:
        raise MissingSafetyTranslationError(
            "safety notes are never shown in another language, so this leaflet was not built; "
            f'translate these messages (msgctxt "safety"): {"; ".join(map(repr, record.missing_safety))}',
            path=catalogue.path,
        )
