"""Writing: atomic files, a manifest that matches the disk, failures kept apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from patientpacks.build.manifest import ManifestWriter
from patientpacks.build.output import atomic_write_bytes
from patientpacks.build.output_folder import output_lock
from patientpacks.errors import OutputError

from .conftest import run_cli


def manifest(out: Path) -> dict[str, dict]:
    return {entry["path"]: entry for entry in json.loads((out / "manifest.json").read_text())["leaflets"]}


def test_narrowed_build_keeps_the_other_manifest_entries(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "maple-street-us",
            "--pack",
            "aftercare-card",
            "--locale",
            "en",
            "--locale",
            "es",
        )
        == 0
    )
    before = manifest(out)
    assert set(before) == {"maple-street-us/en/aftercare-card.pdf", "maple-street-us/es/aftercare-card.pdf"}
    brand = project / "brands/maple-street-us.toml"
    brand.write_text(brand.read_text().replace("(555) 010-0142", "(555) 010-0199"))
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "maple-street-us",
            "--pack",
            "aftercare-card",
            "--locale",
            "es",
        )
        == 0
    )
    after = manifest(out)
    assert set(after) == set(before)
    assert after["maple-street-us/en/aftercare-card.pdf"] == before["maple-street-us/en/aftercare-card.pdf"]
    assert (
        after["maple-street-us/es/aftercare-card.pdf"]["sha256"]
        != before["maple-street-us/es/aftercare-card.pdf"]["sha256"]
    )


def test_broken_brand_fails_only_its_leaflets_and_keeps_the_last_good_pdf(
    project: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), "--pack", "aftercare-card", "--locale", "en") == 0
    good = (out / "harbour-lane-uk/en/aftercare-card.pdf").read_bytes()
    brand = project / "brands/harbour-lane-uk.toml"
    brand.write_text(brand.read_text().replace('paper = "A4"', 'paper = "A3"'))
    assert run_cli(project, "--out", str(out), "--pack", "aftercare-card", "--locale", "en") == 1
    error = capsys.readouterr().err
    assert "harbour-lane-uk.toml: paper: unknown paper size 'A3'" in error
    assert (out / "harbour-lane-uk/en/aftercare-card.pdf").read_bytes() == good
    assert manifest(out)["maple-street-us/en/aftercare-card.pdf"]["status"] == "draft"
    assert not list(out.rglob("*.tmp"))


def test_broken_catalogue_names_file_and_line_and_spares_other_locales(
    project: Path, tmp_path: Path, capsys
) -> None:
    po = project / "locales/es/LC_MESSAGES/messages.po"
    lines = po.read_text().splitlines()
    lines[30] = "this is not a catalogue line"
    po.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--pack",
            "aftercare-card",
            "--brand",
            "maple-street-us",
            "--locale",
            "en",
            "--locale",
            "es",
        )
        == 1
    )
    assert "messages.po:31: not a valid catalogue line: expected a keyword" in capsys.readouterr().err
    assert (out / "maple-street-us/en/aftercare-card.pdf").is_file()
    assert not (out / "maple-street-us/es/aftercare-card.pdf").exists()


def test_atomic_write_replaces_whole_files_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a" / "leaflet.pdf"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert [path.name for path in target.parent.iterdir()] == ["leaflet.pdf"]


def test_failed_write_keeps_the_last_good_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "leaflet.pdf"
    atomic_write_bytes(target, b"good")

    def disk_full(source: str, destination: str, **folders: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("patientpacks.build.output.os.replace", disk_full)
    with pytest.raises(OutputError, match=r"leaflet\.pdf: cannot write: No space left on device"):
        atomic_write_bytes(target, b"new but never complete")
    assert target.read_bytes() == b"good"
    assert [path.name for path in tmp_path.iterdir()] == ["leaflet.pdf"]


def test_a_second_build_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    with (
        output_lock(tmp_path),
        pytest.raises(OutputError, match="another build is writing to this folder"),
        output_lock(tmp_path),
    ):
        pass


def test_manifest_is_rewritten_at_most_once_a_second_and_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = []
    monkeypatch.setattr(
        "patientpacks.build.manifest.write_inside", lambda out_dir, relative, data: writes.append(data)
    )
    manifest_writer = ManifestWriter(tmp_path, [], rebuilding=[])
    for number in range(500):
        manifest_writer.record({"path": f"brand/en/pack-{number}.pdf", "sha256": "0" * 64})
    assert 1 <= len(writes) <= 3  # the first, written before any PDF, and any second that passed
    manifest_writer.finish()
    assert len(json.loads(writes[-1])["leaflets"]) == 500


def test_a_failed_rebuild_keeps_the_last_good_pdf_and_its_manifest_entry(
    project: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    selection = ("--out", str(out), "--brand", "maple-street-us", "--locale", "en")
    assert run_cli(project, *selection) == 0
    before = manifest(out)
    good = (out / "maple-street-us/en/aftercare-card.pdf").read_bytes()
    section = project / "packs/aftercare-card/sections/what-to-do.html"
    section.write_text(section.read_text() + '\n<img src="file:///etc/hostname" alt="">\n')
    assert run_cli(project, *selection) == 1
    assert "refused to fetch 'file:///etc/hostname'" in capsys.readouterr().err
    assert (out / "maple-street-us/en/aftercare-card.pdf").read_bytes() == good
    assert manifest(out) == before
