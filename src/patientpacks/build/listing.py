"""What a listing of leaflets shows besides the PDFs: each leaflet's title in
its language, and a picture of its first page (the server's pages). No
layout: Jinja and the catalogues for titles, PDFium for the pictures."""

from __future__ import annotations

import io

import pypdfium2

from ..jobs import Job
from ..model import Project
from .catalogue_cache import CatalogueCache
from .render_html import make_environment, render_title
from .translation_rules import load_translation_rules


class TitleRenderer:
    """Leaflets' titles in their own language, templates and catalogues kept
    warm and checked against their files before each use."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.environment = make_environment(project, watch_files=True)
        self._catalogues = CatalogueCache(watch_files=True)

    def title(self, job: Job) -> str:
        rules = load_translation_rules(self.project.templates_dir)
        return render_title(
            self.environment, job, self._catalogues.get(job.locale, job.catalogue_path, rules)
        )


def first_page_png(pdf: bytes, width_px: int) -> bytes:
    """The PDF's first page drawn by PDFium, ``width_px`` wide, as PNG."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width_px / page.get_width()).to_pil()
        page.close()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
