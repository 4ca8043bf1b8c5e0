"""An XLIFF file given to `import-xliff` is input from outside: a named
pipe, XML that is no XLIFF, two units for one message, each gets a clear
error naming the file, and nothing of the catalogue changes but its
translations (its header fields included)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from patientpacks.translate.xliff import unit_id

from ..conftest import REPO, run_cli

PO = "locales/es/LC_MESSAGES/messages.po"
XLIFF_12 = (
    '<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
    '<file original="x" source-language="en" target-language="es" datatype="plaintext"><body>{}</body></file></xliff>'
)


def _unit_id(project: Path, msgid: str, context: str | None = None) -> str:
    catalog = read_po((project / PO).open("rb"))
    return unit_id(catalog.get(msgid, context=context), 0)


def test_import_xliff_from_a_named_pipe_does_not_hang(project: Path, tmp_path: Path) -> None:
    # Every other reader opens with O_NONBLOCK ("a named pipe in its place
    # must not hang the build"); import-xliff opens F with a plain open().
    fifo = tmp_path / "es.xlf"
    os.mkfifo(fifo)
    command = [
        sys.executable,
        "-m",
        "patientpacks",
        "import-xliff",
        "es",
        str(fifo),
        "--project",
        str(project),
    ]
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, env=environment)
    except subprocess.TimeoutExpired:
        pytest.fail("import-xliff of a FIFO hangs instead of saying it is not a regular file")
    assert done.returncode != 0 and "es.xlf" in done.stderr


@pytest.mark.parametrize(
    "content",
    [
        "<foo/>",
        "<html><body>not a translation</body></html>",
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"/>',
    ],
    ids=["other-xml", "html", "xliff-without-file"],
)
def test_import_xliff_of_xml_that_is_no_xliff_is_a_clear_error(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    # translate-toolkit raises StopIteration (no <file>): a traceback, not "file: message".
    hostile = tmp_path / "es.xlf"
    hostile.write_text(content)
    before = (project / PO).read_bytes()
    assert run_cli(project, "import-xliff", "es", str(hostile)) != 0
    assert "es.xlf" in capsys.readouterr().err
    assert (project / PO).read_bytes() == before


def test_import_xliff_with_two_units_for_one_message_is_not_silently_resolved(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two units carry the id of the same message, with different targets:
    # the last one silently wins and the command exits 0.
    msgid = "When the clinic is closed, call NHS 111 (free, day and night)."
    unit = _unit_id(project, msgid, "safety:jurisdiction-GB")
    units = "".join(
        f'<trans-unit id="{unit}" approved="yes"><source>{msgid}</source><target>{target}</target></trans-unit>'
        for target in ("Si la clínica está cerrada, llame al NHS 111.", "Llame al NHS 111 solo de día.")
    )
    conflicting = tmp_path / "es.xlf"
    conflicting.write_text(XLIFF_12.format(units))
    status = run_cli(project, "import-xliff", "es", str(conflicting))
    err = capsys.readouterr().err
    assert status != 0 and unit in err, "a duplicate unit id must be named, not resolved by order"


def test_import_xliff_keeps_the_catalogues_header_fields(project: Path, tmp_path: Path) -> None:
    # "nothing else of it changes" (api.import_xliff): Babel's write_po drops
    # every header field it does not know (X-Generator, X-Poedit-*, ...).
    po = project / PO
    text = po.read_text(encoding="utf-8")
    text = text.replace(
        '"Generated-By: Babel 2.19.0\\n"\n',
        '"Generated-By: Babel 2.19.0\\n"\n"X-Generator: Poedit 3.4\\n"\n"X-Poedit-Bookmarks: 5\\n"\n',
        1,
    )
    po.write_text(text, encoding="utf-8")
    exported = tmp_path / "es.xlf"
    assert run_cli(project, "export-xliff", "es", "--out", str(exported)) == 0
    data = exported.read_text(encoding="utf-8")
    data = data.replace("de día y de noche", "de día y noche", 1)
    exported.write_text(data, encoding="utf-8")
    assert run_cli(project, "import-xliff", "es", str(exported)) == 0
    after = po.read_text(encoding="utf-8")
    assert "de día y noche" in after.replace('"\n"', "")
    assert '"X-Generator: Poedit 3.4\\n"' in after
    assert '"X-Poedit-Bookmarks: 5\\n"' in after


def test_an_import_into_a_catalogue_that_cannot_be_read_exactly_changes_nothing(
    project: Path, tmp_path: Path, capsys
) -> None:
    exported = tmp_path / "es.xlf"
    assert run_cli(project, "export-xliff", "es", "--out", str(exported)) == 0
    po = project / PO
    po.write_bytes(po.read_bytes() + b'\nmsgid "A broken line\n')  # as a hand edit leaves it
    before = po.read_bytes()
    assert run_cli(project, "import-xliff", "es", str(exported)) != 0
    assert "it was not changed, because it cannot be read exactly" in capsys.readouterr().err
    assert po.read_bytes() == before
