"""A catalogue comes back from the translators' tools with every msgctxt,
plural and comment: Weblate (translate-toolkit's PO writer, which Weblate
saves with), Poedit (GNU gettext's msgcat, which formats what Poedit saves)
and XLIFF 1.2 and 2.0 through `export-xliff` and `import-xliff`, opened
and saved with translate-toolkit's XLIFF stores as a tool would. Its own
converters po2xliff and xliff2po drop msgctxt (3.20.4, and no option keeps
it): `check` names every message whose context was lost that way."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from translate.storage import pypo, xliff, xliff2

from .conftest import run_cli

PO = "locales/es/LC_MESSAGES/messages.po"
TOOLS = Path(sys.executable).parent


def catalogue_facts(path: Path) -> dict:
    """Every message by (msgctxt, msgid): its plural source, its translation
    (all forms), its comments for translators and its flags; and the plural rule."""
    catalog = read_po(path.open("rb"), abort_invalid=True)
    messages = {
        (message.context, message.id if isinstance(message.id, str) else message.id[0]): (
            message.id,
            message.string,
            tuple(message.auto_comments),
            tuple(message.user_comments),
            frozenset(message.flags),
        )
        for message in catalog
        if message.id
    }
    return {"messages": messages, "plural_forms": catalog.plural_forms}


def shipped(project: Path) -> dict:
    facts = catalogue_facts(project / PO)
    assert sum(context == "safety" for context, _ in facts["messages"]) >= 10
    assert any(isinstance(value[0], tuple) for value in facts["messages"].values())  # a plural message
    return facts


def test_a_catalogue_saved_by_weblate_keeps_every_context_plural_and_comment(project: Path) -> None:
    before = shipped(project)
    store = pypo.pofile.parsefile(str(project / PO))
    (project / PO).write_bytes(bytes(store))
    assert catalogue_facts(project / PO) == before


@pytest.mark.parametrize("width", ["--no-wrap", "--width=79"], ids=["poedit-no-wrap", "poedit-wrap-79"])
def test_a_catalogue_rewrapped_by_poedit_keeps_every_context_plural_and_comment(
    project: Path, width: str
) -> None:
    before = shipped(project)
    rewrapped = subprocess.run(["msgcat", width, str(project / PO)], capture_output=True, check=True).stdout
    assert rewrapped != (project / PO).read_bytes()  # the lines did change
    (project / PO).write_bytes(rewrapped)
    assert catalogue_facts(project / PO) == before


def test_an_xliff_round_trip_that_drops_msgctxt_is_named_by_check(
    project: Path, tmp_path: Path, capsys
) -> None:
    xliff, back = tmp_path / "es.xlf", tmp_path / "es.po"
    subprocess.run([TOOLS / "po2xliff", project / PO, xliff], capture_output=True, check=True)
    subprocess.run([TOOLS / "xliff2po", xliff, back], capture_output=True, check=True)
    before, after = shipped(project), catalogue_facts(back)
    # Every message comes back (and an obsolete #~ entry as a live one, which `check` reports too).
    assert {msgid for _, msgid in after["messages"]} >= {msgid for _, msgid in before["messages"]}
    assert not any(context for context, _ in after["messages"])  # translate-toolkit dropped every msgctxt

    (project / PO).write_bytes(back.read_bytes())
    capsys.readouterr()
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    lost = re.findall(r'context lost: messages.pot has msgctxt "safety" for', capsys.readouterr().out)
    assert len(lost) == sum(context == "safety" for context, _ in before["messages"])


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_an_xliff_export_comes_back_with_every_context_plural_and_comment(
    project: Path, tmp_path: Path, version: str
) -> None:
    before = shipped(project)
    exported = tmp_path / f"es-{version}.xlf"
    assert run_cli(project, "export-xliff", "es", "--xliff-version", version, "--out", str(exported)) == 0
    # The translator's tool opens it, changes one safety message, and saves it.
    store = (xliff2.Xliff2File if version == "2.0" else xliff.xlifffile).parsestring(exported.read_bytes())
    assert f'version="{version}"' in exported.read_text()
    unit = next(unit for unit in store.units if unit.source == "Safety: when to get help")
    assert "msgctxt: safety" in exported.read_text()
    unit.target = "Seguridad: cuándo buscar ayuda"
    exported.write_bytes(bytes(store))
    assert run_cli(project, "import-xliff", "es", str(exported)) == 0
    expected = dict(before["messages"])
    key = ("safety", "Safety: when to get help")
    expected[key] = (expected[key][0], "Seguridad: cuándo buscar ayuda", *expected[key][2:])
    assert catalogue_facts(project / PO) == {**before, "messages": expected}


def test_an_xliff_with_entities_or_foreign_units_is_refused_or_named(
    project: Path, tmp_path: Path, capsys
) -> None:
    hostile = tmp_path / "es.xlf"
    hostile.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file><body/></file></xliff>'
    )
    before = (project / PO).read_bytes()
    assert run_cli(project, "import-xliff", "es", str(hostile)) != 0
    assert "not an XLIFF file that can be read safely" in capsys.readouterr().err
    assert (project / PO).read_bytes() == before
    foreign = tmp_path / "foreign.xlf"
    store = xliff2.Xliff2File(sourcelanguage="en", targetlanguage="es")
    store.addsourceunit("Something else").setid("elsewhere-1")
    foreign.write_bytes(bytes(store))
    assert run_cli(project, "import-xliff", "es", str(foreign)) == 1
    assert "unit 'elsewhere-1' is no message of the catalogue: not imported" in capsys.readouterr().err
    assert (project / PO).read_bytes() == before
