"""A translator's preview of one leaflet: laid out as the build lays it out,
in whatever state its catalogue is, with every message it printed marked by
its state (translated, untranslated, fuzzy, refused as unusable, the same as
the English) and the highlighted ones numbered for the translator.

A preview is never a leaflet: it carries its own mark on every page, is
rendered only by ``LeafletBuilder.preview`` (never by a build, so never in an
output folder or a manifest), and a safety message the catalogue lacks is
printed in English, highlighted as missing, where the build refuses the
leaflet (safety notes never fall back to English on a leaflet).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import InlineBox

from ..model import Project
from .catalogue_reader import DOMAIN, SAFETY_CONTEXT, CatalogueReading, MessageKey
from .catalogues import LoadedCatalogue, RecordingTranslations

#: The mark on every page of a preview, in the draft mark's place.
PREVIEW_MARK = "PREVIEW — not for patients"
#: The states a highlighted message is in; a translated one is not highlighted.
HIGHLIGHTED = ("missing-safety", "untranslated", "fuzzy", "unusable", "missing", "english")
#: Private-use characters around each message's text while the templates are
#: rendered, turned into marked spans (or dropped, in a tag or the <title>)
#: once the whole page is rendered: a span put in by gettext itself would
#: land inside an attribute such as the QR code's alt text.
_OPEN, _NUMBER_END, _CLOSE = "\ue000", "\ue001", "\ue002"
_TOKEN = re.compile(r"(<[^>]*>)")
_MARKER = re.compile(f"{_OPEN}([0-9]+){_NUMBER_END}|{_CLOSE}")
#: The preview's own marks, drawn into the PDF: a background does not move
#: a line, so the preview is laid out as the leaflet is; the number sits
#: above the text, out of the flow.
PREVIEW_CSS = """
[data-preview-state] { position: relative; }
[data-preview-state="missing-safety"] { background: #ffb3b3; outline: 0.4mm solid #b00020; }
[data-preview-state="untranslated"], [data-preview-state="missing"] { background: #ffe27a; }
[data-preview-state="fuzzy"] { background: #ffc98a; }
[data-preview-state="unusable"] { background: #ffb3c6; }
[data-preview-state="english"] { background: #c9e4ff; }
[data-preview-number]::before {
  content: attr(data-preview-number); position: absolute; left: 0; top: -2.2mm;
  font: bold 5pt sans-serif; color: #fff; background: #b00020; padding: 0 0.5mm; line-height: 1.1;
}
[dir="rtl"] [data-preview-number]::before { left: auto; right: 0; }
"""


@dataclass(frozen=True)
class PreviewMessage:
    """One message the preview printed, and where the translator finds it."""

    number: int  # 0: printed as translated (not highlighted)
    context: str | None
    msgid: str
    state: str  # "translated" or one of HIGHLIGHTED
    #: Why, as ``check`` says it ("" when translated).
    reason: str
    translator_comment: str
    #: ``locales/it/LC_MESSAGES/messages.po:120`` ("" when the file lacks it).
    catalogue_line: str
    #: Where the templates use it (``templates/base.html:161``).
    sources: tuple[str, ...]
    #: What the language's glossary says of the terms it uses (glossary.tbx).
    glossary: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageArea:
    """Where a highlighted message went on a page: a line's worth of it (a
    message over three lines has three), in fractions of the page's size."""

    page: int  # from 1
    number: int
    left: float
    top: float
    width: float
    height: float


def message_areas(document: Document) -> list[MessageArea]:
    """The areas of the numbered messages on each page of a laid-out preview."""
    areas = []
    for page_number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():  # private, as in render_pdf.page_boxes (pinned)
            number = box.element.get("data-preview-number") if isinstance(box, InlineBox) else None
            if number is not None and box.element_tag == "span" and box.border_width() > 0:
                areas.append(
                    MessageArea(
                        page=page_number,
                        number=int(number),
                        left=box.border_box_x() / page.width,
                        top=box.border_box_y() / page.height,
                        width=box.border_width() / page.width,
                        height=box.border_height() / page.height,
                    )
                )
    return areas


class PreviewTranslations(RecordingTranslations):
    """RecordingTranslations that also put markers around each message's
    text, numbering each distinct message in the order it first prints."""

    def __init__(self, catalogue: LoadedCatalogue) -> None:
        super().__init__(catalogue)
        self.order: list[MessageKey] = []

    def _wrapped(self, key: MessageKey, text: str) -> str:
        if key not in self.order:
            self.order.append(key)
        return f"{_OPEN}{self.order.index(key)}{_NUMBER_END}{text}{_CLOSE}"

    def gettext(self, message: str) -> str:
        return self._wrapped((None, message), super().gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._wrapped((None, singular), super().ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        return self._wrapped((context, message), super().pgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._wrapped((context, singular), super().npgettext(context, singular, plural, n))

    def plain_pgettext(self, context: str, message: str) -> str:
        return self._wrapped((context, message), super().plain_pgettext(context, message))


def describe_messages(
    project: Project, reading: CatalogueReading | None, order: list[MessageKey]
) -> list[PreviewMessage]:
    """Each printed message's state, from the catalogue as ``check`` reads it
    (None: the source language), numbered 1, 2, … where highlighted."""
    template = _template(project)
    described = []
    for key in order:
        message = reading.catalog.get(key[1], context=key[0]) if reading and reading.catalog else None
        source = template.get(key[1], context=key[0]) if template else None
        state, reason = _state(reading, key, message)
        known = message or source
        number = sum(1 for earlier in described if earlier.number) + 1 if state in HIGHLIGHTED else 0
        described.append(
            PreviewMessage(
                number=number,
                context=key[0],
                msgid=key[1],
                state=state,
                reason=reason,
                translator_comment=" ".join((known.auto_comments or []) + (known.user_comments or []))
                if known
                else "",
                catalogue_line=f"{_shown(project, reading.path)}:{message.lineno}"
                if reading and message
                else "",
                sources=tuple(f"{file}:{line}" for file, line in (known.locations if known else [])),
            )
        )
    return described


def _state(reading: CatalogueReading | None, key: MessageKey, message: Message | None) -> tuple[str, str]:
    if reading is None:
        return "translated", ""
    problem = reading.problem_for(key)
    reason = problem.message if problem else ""
    if key in reading.usable:
        same = (message.string[0] if isinstance(message.string, (list, tuple)) else message.string) == key[1]
        return ("english", "the translation is the English text") if same else ("translated", "")
    if key[0] == SAFETY_CONTEXT:
        return "missing-safety", reason or "a safety message with no usable translation: printed in English"
    if message is None:
        return "missing", reason or "not in the catalogue (run `update`)"
    if message.fuzzy:
        return "fuzzy", reason
    if key in reading.rejected:
        return "unusable", reason
    return "untranslated", reason


def mark_html(page: str, messages: list[PreviewMessage]) -> str:
    """The rendered page with each message's markers made a marked span in
    text, dropped in a tag or in a <title>; the preview's stylesheet added."""
    by_index = dict(enumerate(messages))
    out = []
    in_title = False
    for token in _TOKEN.split(page):
        if token.startswith("<"):
            if re.match(r"<title\b", token, re.IGNORECASE):
                in_title = True
            elif re.match(r"</title\b", token, re.IGNORECASE):
                in_title = False
            out.append(_MARKER.sub("", token))
        elif in_title:
            out.append(_MARKER.sub("", token))
        else:
            out.append(_MARKER.sub(lambda found: _span(found, by_index), token))
    marked = "".join(out)
    return marked.replace("</head>", f"<style>{PREVIEW_CSS}</style></head>", 1)


def _span(found: re.Match[str], by_index: dict[int, PreviewMessage]) -> str:
    if found.group(0) == _CLOSE:
        return "</span>"
    message = by_index[int(found.group(1))]
    number = f' data-preview-number="{message.number}"' if message.number else ""
    # Text printed in English is marked as English (for a screen reader's
    # voice) and set left to right, isolated from a right-to-left line.
    lang = ' lang="en" dir="ltr"' if message.state in HIGHLIGHTED and message.state != "english" else ""
    return f'<span data-preview-state="{html.escape(message.state)}"{number}{lang}>'


def _template(project: Project) -> Catalog | None:
    path = project.locales_dir / f"{DOMAIN}.pot"
    try:
        with path.open("rb") as file:
            return read_po(file)
    except (OSError, PoFileError, ValueError):
        return None  # a template that cannot be read: `check` says why; the preview shows less context


def _shown(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)
