"""Translations from an outside translator that would print something other
than their source says: a line of the safety box that vanishes, a number
reordered, changed or drawn in another script, the draft mark turned into
its opposite, a description that escapes its attribute onto the page. The
catalogue reader refuses each (the build and `check` alike): a safety note
stops its leaflet, any other message prints its source on a draft; and every
translation is escaped for where it goes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import tinyhtml5
from pypdf import PdfReader

from patientpacks import api
from patientpacks.build.catalogue_reader import read_catalogue
from patientpacks.build.translation_rules import load_translation_rules
from patientpacks.errors import PatientPacksError

from ..conftest import PROJECT_FOLDERS, REPO, TODAY, run_cli
from ..test_accessibility import figures, outline_titles, xmp_texts
from .conftest import pdf_facts, set_translation

BRAND, PACK = "harbour-lane-uk", "aftercare-card"
SPANISH_DRAFT = "BORRADOR: no apto para pacientes"
ENGLISH_DRAFT = "DRAFT — not for patient use"
DESCRIPTION = "A card to keep after anti-wrinkle injections: aftercare, results and your review appointment."
TITLE = "After your anti-wrinkle injections"
RESULTS = "Results usually last 3 to 4 months."


@pytest.fixture(scope="module")
def shared_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the example project for the module's tests, rendered in
    this process: its leaflet builder stays warm from test to test."""
    root = tmp_path_factory.mktemp("translations") / "project"
    for folder in PROJECT_FOLDERS:
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def project(shared_project: Path) -> Iterator[Path]:
    """The module's project, its catalogues and translation rules as shipped again after each test."""
    files = [*(shared_project / "locales").rglob("*.po"), shared_project / "templates/translation_rules.toml"]
    shipped = {path: path.read_bytes() for path in files}
    yield shared_project
    for path, data in shipped.items():
        path.write_bytes(data)


def render(project: Path, locale: str = "es") -> api.RenderedLeaflet:
    return api.render_leaflet(api.open_project(project), pack=PACK, locale=locale, brand=BRAND, today=TODAY)


def leaflet_html(project: Path, locale: str = "es") -> str:
    opened = api.open_project(project)
    options = api.BuildOptions(out_dir=project / "dist", packs=(PACK,), locales=(locale,), brands=(BRAND,))
    (job,) = api.plan(opened, options).jobs
    return api.leaflet_html(opened, job)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as pypdf reads it, then as poppler's pdftotext does (in the order the
    page draws it: a draft mark is drawn across the page), spaces collapsed."""
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    poppler = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return pages + [" ".join(page.split()) for page in poppler.decode().split("\f") if page.strip()]


def prints(pdf: bytes, text: str) -> bool:
    """Whether both readers find ``text`` in the PDF (spaces left out: a line may wrap anywhere)."""
    pages = ["".join(page.split()) for page in page_texts(pdf)]
    half, wanted = len(PdfReader(io.BytesIO(pdf)).pages), "".join(text.split())
    return wanted in "".join(pages[:half]) and wanted in "".join(pages[half:])


def check_output(project: Path, capsys: pytest.CaptureFixture[str], locale: str = "es") -> str:
    assert run_cli(project, "check", "--locale", locale, "--no-layout") == 1
    return capsys.readouterr().out


# --- Messages that would print something else -----------------------------------------

NO_WORDS = {"space": " ", "zero-width-space": "\u200b", "nbsp-reference": "&nbsp;", "full-stop": "."}

#: (msgid, translation, what check says): none may be printed.
PRINTS_SOMETHING_ELSE = {
    **{
        f"no-words-{name}": (
            "Your treatment record",
            text,
            f"untranslated: the translation {text!r} prints no words",
        )
        for name, text in NO_WORDS.items()
    },
    "override-prints-41-as-14": (
        RESULTS,
        "Los resultados suelen durar de 3 a \u202e41\u202c meses.",
        "has the bidi control U+202E RIGHT-TO-LEFT OVERRIDE",
    ),
    "left-to-right-override": (
        RESULTS,
        "Los resultados suelen durar de \u202d3 a 4\u202c meses.",
        "has the bidi control U+202D LEFT-TO-RIGHT OVERRIDE",
    ),
    "embedding": (
        "Your treatment record",
        "\u202bRegistro de su tratamiento\u202c",
        "has the bidi control U+202B RIGHT-TO-LEFT EMBEDDING",
    ),
    "right-to-left-mark": (
        "Your treatment record",
        "Registro\u200f de su tratamiento",
        "has the bidi control U+200F RIGHT-TO-LEFT MARK",
    ),
    "override-as-character-reference": (
        RESULTS,
        "Los resultados suelen durar de 3 a &#x202E;41&#x202C; meses.",
        "has the bidi control U+202E RIGHT-TO-LEFT OVERRIDE",
    ),
    "isolate-left-open": (
        "Your treatment record",
        "\u2067Registro de su tratamiento",
        "leaves a bidi isolate open (U+2067 RIGHT-TO-LEFT ISOLATE)",
    ),
    "isolate-closed-never-opened": (
        "Your treatment record",
        "Registro de su tratamiento\u2069",
        "closes a bidi isolate it did not open",
    ),
    "isolate-around-a-placeholder": (
        "Phone: %(phone)s",
        "Teléfono: \u2067%(phone)s\u2069",
        "puts a placeholder inside a bidi isolate",
    ),
    "arabic-indic-digits": (
        RESULTS,
        "Los resultados suelen durar de ٣ a ٤ meses.",
        "writes the digit U+0663 ARABIC-INDIC DIGIT THREE; es writes numbers with the digits 0123456789",
    ),
    "full-width-digits": (
        RESULTS,
        "Los resultados suelen durar de ３ a ４ meses.",
        "writes the digit U+FF13 FULLWIDTH DIGIT THREE",
    ),
    "zero-width-space-inside-a-number": (
        RESULTS,
        "Los resultados suelen durar de 3 a 1\u200b4 meses.",
        "has U+200B ZERO WIDTH SPACE inside or beside a number",
    ),
    "word-joiner-beside-a-number": (
        RESULTS,
        "Los resultados suelen durar de 3 a 4\u2060 meses.",
        "has U+2060 WORD JOINER inside or beside a number",
    ),
    "changed-numbers": (
        RESULTS,
        "Los resultados suelen durar de 30 a 40 meses.",
        "numbers differ from the source (the source has 3, 4, the translation 30, 40)",
    ),
    "added-number": (
        "Your treatment record",
        "Registro de su tratamiento: llame al 112",
        "numbers differ from the source (the source has none, the translation 112)",
    ),
}


@pytest.mark.parametrize(
    ("msgid", "msgstr", "problem"), PRINTS_SOMETHING_ELSE.values(), ids=PRINTS_SOMETHING_ELSE.keys()
)
def test_a_translation_that_would_print_something_else_prints_its_source_on_a_draft(
    project: Path, capsys: pytest.CaptureFixture[str], msgid: str, msgstr: str, problem: str
) -> None:
    set_translation(project, msgid, msgstr)
    leaflet = render(project)
    assert any(
        f"{msgid!r}" in reason for reason in leaflet.reasons if "untranslated, fuzzy or unusable" in reason
    )
    assert prints(leaflet.pdf, msgid.replace("%(phone)s", "020 7946 0321"))
    assert problem in check_output(project, capsys)


#: Safety notes: (msgid, translation, what check says); the leaflet is not built.
SAFETY_PRINTS_SOMETHING_ELSE = {
    **{
        f"no-words-{name}": (
            "loss of bladder control",
            text,
            f"untranslated: the translation {text!r} prints no words",
        )
        for name, text in NO_WORDS.items()
    },
    "isolate-left-open-before-the-emergency-number": (
        "Call %(number)s for emergency help straight away",
        "Llame de inmediato al \u2067%(number)s para pedir ayuda urgente",
        "leaves a bidi isolate open (U+2067 RIGHT-TO-LEFT ISOLATE)",
    ),
    "added-number": (
        "loss of bladder control",
        "pérdida del control de la vejiga durante 24 horas",
        "numbers differ from the source (the source has none, the translation 24)",
    ),
}


@pytest.mark.parametrize(
    ("msgid", "msgstr", "problem"),
    SAFETY_PRINTS_SOMETHING_ELSE.values(),
    ids=SAFETY_PRINTS_SOMETHING_ELSE.keys(),
)
def test_a_safety_note_that_would_print_something_else_stops_the_leaflet(
    project: Path, capsys: pytest.CaptureFixture[str], msgid: str, msgstr: str, problem: str
) -> None:
    set_translation(project, msgid, msgstr, context="safety")
    with pytest.raises(PatientPacksError) as stopped:
        render(project)
    assert "safety notes are never shown in another language" in str(stopped.value)
    assert repr(msgid) in str(stopped.value)
    output = check_output(project, capsys)
    assert problem in output
    # What stops a build is listed first.
    assert problem in output.splitlines()[0]


def usable(project: Path, locale: str, msgid: str, msgstr: str, context: str | None = None) -> bool:
    set_translation(project, msgid, msgstr, context=context, locale=locale)
    path = project / f"locales/{locale}/LC_MESSAGES/messages.po"
    reading = read_catalogue(path, locale, rules=load_translation_rules(project / "templates"))
    return (context, msgid) in reading.usable


@pytest.mark.parametrize(
    ("locale", "msgid", "msgstr"),
    [
        ("ar", "Your treatment record", "سجل العلاج \u2066(Botox)\u2069"),
        ("ar", "Your treatment record", "سجل العلاج \u2066(Botox, \u2067بوتوكس\u2069)\u2069"),
        ("fa", RESULTS, "نتایج معمولاً ۳ تا ۴ ماه باقی می‌ماند."),
        ("fr", RESULTS, "Les résultats durent en général de 3\u00a0à 4\u202fmois."),
        (
            "ar",
            "The full effect can take up to 2 weeks.",
            "قد يستغرق ظهور التأثير الكامل مدة تصل إلى أسبوعين.",
        ),
    ],
    ids=[
        "isolated-latin-words",
        "nested-isolates",
        "persian-digits-and-zwnj",
        "no-break-spaces",
        "a-number-a-reviewer-accepted-as-a-word",
    ],
)
def test_legitimate_translations_are_printed(project: Path, locale: str, msgid: str, msgstr: str) -> None:
    assert usable(project, locale, msgid, msgstr)


@pytest.mark.parametrize(
    ("locale", "msgid", "msgstr"),
    [
        ("fa", RESULTS, "نتایج معمولاً 3 تا 4 ماه باقی می‌ماند."),
        ("ar", RESULTS, "تدوم النتائج عادةً من ٣ إلى ٤ أشهر."),
        (
            "ar",
            "The full effect can take up to 2 weeks.",
            "قد يستغرق ظهور التأثير الكامل مدة تصل إلى 20 أسبوعًا.",
        ),
    ],
    ids=[
        "latin-digits-in-persian",
        "arabic-indic-digits-in-arabic",
        "another-number-than-a-reviewer-accepted",
    ],
)
def test_digits_and_numbers_are_the_locales_and_the_sources(
    project: Path, locale: str, msgid: str, msgstr: str
) -> None:
    """Persian writes Persian digits, Arabic Latin ones (CLDR's default for
    ``ar``, and what the leaflet's own numbers use)."""
    assert not usable(project, locale, msgid, msgstr)


# --- The draft mark ----------------------------------------------------------------------


def test_a_catalogue_cannot_turn_the_draft_mark_into_its_opposite(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = project / "locales/es/LC_MESSAGES/messages.po"
    text = (
        po.read_text()
        .replace('#~ msgid "DRAFT', 'msgid "DRAFT')
        .replace('#~ msgstr "BORRADOR', 'msgstr "BORRADOR')
    )
    po.write_text(text.replace(f'msgstr "{SPANISH_DRAFT}"', 'msgstr "APROBADO"'))
    leaflet = render(project)
    assert leaflet.status == "draft"
    for text in page_texts(leaflet.pdf):
        assert "APROBADO" not in text
        assert not text or (SPANISH_DRAFT in text and ENGLISH_DRAFT in text)
    reader = PdfReader(io.BytesIO(leaflet.pdf))
    for title in (reader.metadata.title, reader.metadata.subject, *xmp_texts(reader, "dc_title")):
        assert title.startswith(f"{SPANISH_DRAFT} · "), title
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 0
    assert (
        "warning: obsolete: not in locales/messages.pot any more (run `update`): 'DRAFT"
        in capsys.readouterr().out
    )


def test_a_locale_without_draft_words_prints_the_english_ones(project: Path) -> None:
    rules = project / "templates/translation_rules.toml"
    rules.write_text(rules.read_text().replace(f'es = "{SPANISH_DRAFT}"\n', ""))
    leaflet = render(project)
    for text in page_texts(leaflet.pdf):
        assert SPANISH_DRAFT not in text
        assert not text or ENGLISH_DRAFT in text
    assert PdfReader(io.BytesIO(leaflet.pdf)).metadata.title.startswith(f"{ENGLISH_DRAFT} · ")


# --- Every translation escaped for where it goes ------------------------------------------


def parsed(html: str):
    """The HTML as WeasyPrint's own parser (tinyhtml5, html5lib's successor) reads it."""
    return tinyhtml5.parse(html, namespace_html_elements=False)


def assert_nothing_injected(document, pdf: bytes) -> None:
    """No attribute, element or link a translation could have smuggled in."""
    attributes = {name for element in document.iter() for name in element.attrib}
    assert not attributes & {"http-equiv", "x", "onload"}
    head = list(document.find("head"))
    assert [element.tag for element in head].count("title") == 1
    names = [meta.get("name") for meta in head if meta.tag == "meta" and "charset" not in meta.attrib]
    assert sorted(names) == ["author", "dcterms.created", "dcterms.modified", "description", "generator"]
    assert [element.get("class") for element in document.iter("img")] == ["clinic-logo"]
    facts = pdf_facts(pdf)
    assert facts["uris"] == [] and facts["images"] == 0 and not facts["javascript"]


DESCRIPTIONS = {
    # As reported: the number check refuses them, and the source is printed.
    "text-on-page-one": ('Tarjeta">LLAME AL 112, NO AL 999. " x="', DESCRIPTION),
    "meta-refresh": ('0;url=http://127.0.0.1:8765/phish" http-equiv="refresh', DESCRIPTION),
    # With no number: printed, as text, inside the attribute.
    "text-on-page-one-no-number": (
        'Tarjeta">LLAME A OTRO SITIO. " x="',
        'Tarjeta">LLAME A OTRO SITIO. " x="',
    ),
    "meta-refresh-no-number": (
        ';url=http://localhost/phish" http-equiv="refresh',
        ';url=http://localhost/phish" http-equiv="refresh',
    ),
}


@pytest.mark.parametrize(("msgstr", "printed"), DESCRIPTIONS.values(), ids=DESCRIPTIONS.keys())
def test_a_description_that_closes_its_attribute_stays_inside_it(
    project: Path, msgstr: str, printed: str
) -> None:
    set_translation(project, DESCRIPTION, msgstr)
    document, pdf = parsed(leaflet_html(project)), render(project).pdf
    (description,) = [meta for meta in document.iter("meta") if meta.get("name") == "description"]
    assert description.get("content") == f"{SPANISH_DRAFT} · {printed}"
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.subject == xmp_texts(reader, "dc_description")[0] == f"{SPANISH_DRAFT} · {printed}"
    assert not any("LLAME" in text or "phish" in text for text in page_texts(pdf))
    assert_nothing_injected(document, pdf)


def test_a_title_that_closes_its_element_stays_inside_it(project: Path) -> None:
    msgstr = 'Después de sus inyecciones" x="&lt;/title&gt;&lt;meta http-equiv=refresh content=x&gt;'
    printed = 'Después de sus inyecciones" x="</title><meta http-equiv=refresh content=x>'
    set_translation(project, TITLE, msgstr)
    document, pdf = parsed(leaflet_html(project)), render(project).pdf
    assert document.find("head/title").text == f"{SPANISH_DRAFT} · {printed}"
    assert "".join(document.find(".//h1").itertext()) == printed
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == f"{SPANISH_DRAFT} · {printed}"
    assert next(outline_titles(reader.outline)) == printed
    assert_nothing_injected(document, pdf)


def test_body_text_and_headings_print_html_characters_as_text(project: Path) -> None:
    set_translation(
        project, "Your treatment record", 'Registro">&lt;img src="file:///etc/hostname"&gt; " x="'
    )
    set_translation(project, "What to do", "Qué hacer) /URI (javascript:alert) \\ (")
    document, pdf = parsed(leaflet_html(project)), render(project).pdf
    headings = ["".join(heading.itertext()) for heading in document.iter("h2")]
    assert 'Registro"><img src="file:///etc/hostname"> " x="' in headings
    assert "Qué hacer) /URI (javascript:alert) \\ (" in headings
    assert prints(pdf, 'Registro"><img src="file:///etc/hostname"> " x="')
    titles = list(outline_titles(PdfReader(io.BytesIO(pdf)).outline))
    assert "Qué hacer) /URI (javascript:alert) \\ (" in titles
    assert 'Registro"><img src="file:///etc/hostname"> " x="' in titles
    assert_nothing_injected(document, pdf)


def test_an_alt_text_with_html_characters_is_read_as_written(project: Path) -> None:
    msgstr = 'Código QR" onload="alert(document)&lt;/title&gt;&lt;script&gt; %(url)s'
    set_translation(project, "QR code linking to %(url)s", msgstr)
    url = f"https://harbourlane.example/l/{PACK}/es"
    printed = f'Código QR" onload="alert(document)</title><script> {url}'
    document, pdf = parsed(leaflet_html(project)), render(project).pdf
    (svg_title,) = [element.text for element in document.iter("{http://www.w3.org/2000/svg}title")]
    assert svg_title == printed
    assert not list(document.iter("script")) and not list(document.iter("{http://www.w3.org/2000/svg}script"))
    alts = [str(figure.get("/Alt", "")) for figure in figures(PdfReader(io.BytesIO(pdf)))]
    assert printed in alts
    assert_nothing_injected(document, pdf)


# --- The templates --------------------------------------------------------------------

_ATTRIBUTE = re.compile(r'\s[\w:-]+="([^"]*)"')
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_MARKUP_VALUED = re.compile(r"\b(?:n?p?gettext|ngettext|_)\(|\bself\.|\bsuper\(|\bcaller\(|\|\s*safe\b")


def test_no_template_puts_a_translation_into_an_attribute_or_the_title_as_html() -> None:
    """A translation is HTML (its inline tags, its character references), and
    Jinja does not escape it: in an attribute or the title it must go through
    ``plain_text``, which takes its text, and autoescaping then escapes that."""
    captured = set()
    problems = []
    for path in sorted([*(REPO / "templates").rglob("*.html"), *(REPO / "packs").rglob("*.html")]):
        source = re.sub(r"{#.*?#}", "", path.read_text(), flags=re.DOTALL)
        captured |= set(re.findall(r"{%-?\s*set\s+(\w+)\s*-?%}", source))  # block captures: HTML
        values = [*_ATTRIBUTE.findall(source), *_TITLE.findall(source)]
        for value in values:
            for tag in re.findall(r"{%-?\s*(\w+)", value):
                if tag not in ("if", "elif", "else", "endif"):
                    problems.append(f"{path.name}: {{% {tag} %}} in {value!r}")
            for expression in re.findall(r"{{(.*?)}}", value):
                holds_html = _MARKUP_VALUED.search(expression) or any(
                    re.search(rf"\b{name}\b", expression) for name in captured
                )
                if holds_html and not re.search(r"\|\s*plain_text\s*$", expression):
                    problems.append(f"{path.name}: {{{{{expression}}}}} in {value!r}")
    assert problems == []
