"""Lay out and write a leaflet's PDF with WeasyPrint.

The renderer only ever reads files under the project's asset folders: every
``HTML()`` and ``CSS()`` gets the same locked-down URL fetcher, and a refused
fetch stops the leaflet with an error instead of leaving a blank. What
WeasyPrint logs as an error while it lays out and writes a leaflet (an
image it could not load or draw, a stylesheet it could not read) fails the
leaflet too: WeasyPrint logs it and goes on, drawing nothing or the alt text.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mimetypes
import string
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
from weasyprint import CSS, HTML
from weasyprint.document import Document, Page
from weasyprint.formatting_structure.boxes import Box, MarginBox
from weasyprint.logger import LOGGER
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import RenderError
from ..jobs import Job, PageBoxes, Rectangle
from ..model import OutputProfile, Project
from .fonts import (
    FontFace,
    load_font_setup,
    project_text,
    subset_family,
    subset_system_faces,
    system_font_codepoints,
)
from .pdf_print_shop import PrintShopOutput
from .pdf_structure import fix_weasyprint_tagging, fixed_document_id, strip_bidi_controls_from_navigation
from .pdf_text_layer import write_logical_text_layer


class RefusedFetch(FatalURLFetchingError):
    """A leaflet asked for a resource outside the project's asset folders.

    It derives from WeasyPrint's fatal error so that WeasyPrint stops the
    render instead of logging a warning and drawing nothing.
    """


class ProjectAssetFetcher(URLFetcher):
    """Serves ``file:`` URLs under the allowed folders; refuses everything else."""

    def __init__(self, allowed_roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.allowed_roots = tuple(root.resolve() for root in allowed_roots)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedFetch(f"refused to fetch {url[:200]!r}: only the project's own files may be used")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots) or not path.is_file():
            raise RefusedFetch(f"refused to fetch {url[:200]!r}: not a file in the project's asset folders")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


class _ErrorRecorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _failing_on_logged_errors() -> Iterator[None]:
    """Raise RenderError when WeasyPrint logs an error inside the block.
    An SVG it cannot draw is one: it catches every exception while drawing
    one (a refused fetch included) and logs it."""
    recorder = _ErrorRecorder()
    LOGGER.addHandler(recorder)
    try:
        yield
    finally:
        LOGGER.removeHandler(recorder)
    if recorder.messages:
        raise RenderError(f"WeasyPrint could not draw all of it: {recorder.messages[0][:300]}")


def font_face_rules(project: Project, faces: tuple[FontFace, ...]) -> str:
    """The @font-face rules (templates/fonts.css) for ``faces``."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(project.templates_dir))
    return environment.get_template("fonts.css").render(faces=faces)


#: Millimetres per CSS pixel (WeasyPrint lays out in CSS pixels, 96 to the inch).
_MM_PER_PX = 25.4 / 96


def _content_rectangle(box: Box) -> Rectangle:
    x, y = box.content_box_x(), box.content_box_y()
    return Rectangle(
        left=x * _MM_PER_PX,
        top=y * _MM_PER_PX,
        right=(x + box.width) * _MM_PER_PX,
        bottom=(y + box.height) * _MM_PER_PX,
    )


def page_boxes(page: Page) -> PageBoxes:
    """The boxes WeasyPrint laid ``page`` out in, from its @page rules: where
    the layout means text to go, for the printable-area check. The content
    box follows from the page's size and margins alone, a margin box from
    the margin and its own width (the footer's is the full width), never
    from where the text went."""
    page_box = page._page_box  # WeasyPrint keeps the laid-out page box private (pinned 70.0)
    return PageBoxes(
        width=page.width * _MM_PER_PX,
        height=page.height * _MM_PER_PX,
        content_box=_content_rectangle(page_box),
        margin_boxes=tuple(
            (child.at_keyword, _content_rectangle(child))
            for child in page_box.children
            if isinstance(child, MarginBox) and child.is_generated
        ),
    )


def renderer_inputs_key(project: Project) -> str:
    """What a renderer's fonts and stylesheets are made from, by content: the
    stylesheets and fonts.toml byte for byte, and every other asset (fonts,
    colour profiles) by size and modification time. A renderer whose key is
    no longer the project's is made again (a long-running process, the
    server, sees a saved stylesheet on its next leaflet)."""
    digest = hashlib.sha256()
    for path in [*sorted(project.templates_dir.glob("*.css")), project.fonts_dir / "fonts.toml"]:
        digest.update(f"{path}\0".encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    for path in sorted(project.assets_dir.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class LeafletRenderer:
    """Turns leaflet HTML into PDF bytes, keeping fonts and styles warm.

    One renderer per process: its font configuration and parsed stylesheet are
    reused for every leaflet it renders.
    """

    def __init__(self, project: Project, extra_characters: frozenset[str] = frozenset()) -> None:
        fix_weasyprint_tagging()
        write_logical_text_layer()
        #: What this renderer was made from (see renderer_inputs_key).
        self.inputs_key = renderer_inputs_key(project)
        self.fetcher = ProjectAssetFetcher(project.asset_roots)
        self.font_config = FontConfiguration()
        self.base_url = project.templates_dir.resolve().as_uri() + "/"
        setup = load_font_setup(project.fonts_dir)
        text = project_text(project.text_input_files()) + "".join(extra_characters)
        #: The characters its subsets of the system fonts were cut for: the
        #: project's text, and those leaflets needed beyond it (``extra``:
        #: dates and numbers Babel writes from CLDR, such as 年 and 月).
        self.extra_characters = extra_characters
        self._covered = frozenset(map(ord, text)) | frozenset(map(ord, string.printable))
        self._system_codepoints = system_font_codepoints(setup)
        font_faces = setup.file_faces + subset_system_faces(setup, text, project.font_cache_dir)
        self.default_output_profile = project.default_output_profile
        self._print_shops: dict[OutputProfile, PrintShopOutput] = {}
        self.family_names = {family: subset_family(family) for family in setup.system_families}
        self.fonts_css = font_face_rules(project, font_faces)
        self.stylesheets = [
            CSS(
                string=self.fonts_css,
                base_url=self.base_url,
                font_config=self.font_config,
                url_fetcher=self.fetcher,
            ),
            CSS(
                filename=project.templates_dir / "leaflet.css",
                font_config=self.font_config,
                url_fetcher=self.fetcher,
            ),
        ]

    def uncovered(self, html: str) -> frozenset[str]:
        """Characters of ``html`` that a system font could draw but its subset
        here was not cut for (fontconfig would draw them from another face)."""
        return frozenset(
            character
            for character in set(html)
            if ord(character) not in self._covered and ord(character) in self._system_codepoints
        )

    def css_font_stack(self, stack: tuple[str, ...]) -> tuple[str, ...]:
        """The CSS family names for a locale's font stack (subsets for system fonts)."""
        return tuple(self.family_names.get(family, family) for family in stack)

    def _print_shop(self, job: Job) -> PrintShopOutput | None:
        """The print-shop writer for the job's press (None for other editions)."""
        if job.edition.name != "print-shop":
            return None
        profile = job.brand.output_profile or self.default_output_profile
        if profile not in self._print_shops:
            self._print_shops[profile] = PrintShopOutput(profile, self.fetcher)
        return self._print_shops[profile]

    def _layout(self, html: str, job: Job) -> Document:
        print_shop = self._print_shop(job)
        with _failing_on_logged_errors():
            return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                stylesheets=self.stylesheets,
                font_config=self.font_config,
                pdf_variant=job.edition.pdf_variant,
                output_intent=job.edition.output_intent,
                color_profiles=print_shop.color_profiles if print_shop else None,
            )

    def render(
        self, html: str, job: Job, blank_page_html: str | None = None
    ) -> tuple[bytes, tuple[PageBoxes, ...]]:
        """Return the PDF and each of its pages' boxes (see :func:`page_boxes`).
        With ``blank_page_html``, blank pages are added before the last page to
        make a multiple of 4 (a folded booklet keeps its back page at the back)."""
        label = job.label
        try:
            document = self._layout(html, job)
            if blank_page_html is not None and len(document.pages) % 4:
                blanks = [
                    self._layout(blank_page_html, job).pages[0] for _ in range(-len(document.pages) % 4)
                ]
                document = document.copy([*document.pages[:-1], *blanks, document.pages[-1]])
            # Leaflets never carry files: drop any attachment the HTML named.
            document.metadata.attachments = []
            # The page keeps its bidi isolates; the bookmarks and the title bar get none.
            strip_bidi_controls_from_navigation(document)
            # Tagged (structure tree, reading order, alt text) in every
            # edition: PDF/UA-1 declares it; the print shop's PDF/X-4 keeps
            # the tags, and pdf_print_shop declares PDF/UA-1 beside it.
            options = {
                "pdf_variant": job.edition.pdf_variant,
                "pdf_tags": True,
                "output_intent": job.edition.output_intent,
            }
            print_shop = self._print_shop(job)
            with fixed_document_id(job.inputs_sha256), _failing_on_logged_errors():
                pdf = (
                    print_shop.write_pdf(document, **options) if print_shop else document.write_pdf(**options)
                )
        except (RefusedFetch, RenderError) as error:
            raise RenderError(f"{label}: {error}") from None
        except MemoryError:
            raise  # the worker's memory limit: reported by pool.py
        except Exception as error:  # WeasyPrint raises many types; name the leaflet.
            raise RenderError(f"{label}: WeasyPrint failed: {type(error).__name__}: {error}") from error
        return pdf, tuple(page_boxes(page) for page in document.pages)
