"""The output folder is not trusted either: links put in it, files named like
the build's own, a manifest someone edited, and a --out that points at the
wrong folder. The build never writes or removes anything outside the output
folder it owns, and never crashes on what it finds there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from patientpacks.errors import OutputError

from ..conftest import REPO, run_cli
from .conftest import manifest_entry

CARD = ("--pack", "aftercare-card", "--locale", "en", "-q")
LEAFLET = "harbour-lane-uk/en/aftercare-card"
#: Named as this tool names its temporary files (the file it becomes, 8 random characters).
STALE = ".patientpacks-aftercare-card.pdf.k3j9x0q_.tmp"


def build(out: Path, *selection: str, project: Path = REPO) -> int:
    return run_cli(project, "--out", str(out), *(selection or ("--brand", "harbour-lane-uk", *CARD)))


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """An output folder this tool wrote: one leaflet and its manifest."""
    out = tmp_path / "out"
    assert build(out) == 0
    return out


def test_a_lock_file_replaced_by_a_link_is_refused_and_what_it_points_to_is_untouched(
    built: Path, tmp_path: Path, capsys
) -> None:
    victim = tmp_path / "thesis.txt"
    victim.write_text("three years of work")
    (built / ".patientpacks.lock").unlink()
    (built / ".patientpacks.lock").symlink_to(victim)
    capsys.readouterr()
    assert build(built, "--force", "--brand", "harbour-lane-uk", *CARD) == 3
    assert capsys.readouterr().err == (
        f"error: {built}/.patientpacks.lock: is a symbolic link, not this tool's lock file; the build "
        "never opens it, so what it points to is untouched: remove the link\n"
    )
    assert victim.read_text() == "three years of work"


def test_a_folder_replaced_by_a_link_fails_only_the_leaflets_written_through_it(
    tmp_path: Path, capsys
) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert build(out, *CARD) == 0  # both brands
    (out / "harbour-lane-uk/en/aftercare-card.pdf").unlink()
    (out / "harbour-lane-uk/en").rmdir()
    (out / "harbour-lane-uk").rmdir()
    (out / "harbour-lane-uk").symlink_to(elsewhere)
    capsys.readouterr()
    assert build(out, "--force", *CARD) == 1
    error = capsys.readouterr().err
    assert (
        f"FAILED  {LEAFLET}: {out}/harbour-lane-uk: is a symbolic link (to {elsewhere}), and the build "
        "never writes through one: the file would land outside the output folder; replace the link "
        "with a real folder"
    ) in error
    assert list(elsewhere.iterdir()) == []
    assert manifest_entry(out, "maple-street-us/en/aftercare-card") is not None  # the other brand built
    assert manifest_entry(out, LEAFLET) is None


def test_no_folder_on_the_way_to_a_file_may_be_a_link(tmp_path: Path) -> None:
    from patientpacks.build.output import write_inside

    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "harbour-lane-uk").mkdir(parents=True)
    elsewhere.mkdir()
    (out / "harbour-lane-uk/en").symlink_to(elsewhere)
    with pytest.raises(OutputError, match=r"out/harbour-lane-uk/en: is a symbolic link \(to .*elsewhere\)"):
        write_inside(out, "harbour-lane-uk/en/aftercare-card.pdf", b"%PDF-")
    with pytest.raises(OutputError, match=r"out/\.\.: is not a path inside the output folder"):
        write_inside(out, "../escaped.pdf", b"%PDF-")
    assert list(elsewhere.iterdir()) == [] and not (tmp_path / "escaped.pdf").exists()


def test_things_named_like_temporary_files_that_are_not_are_left_and_reported(built: Path, capsys) -> None:
    (built / ".patientpacks-x.tmp").mkdir()
    (built / "harbour-lane-uk/en" / STALE).mkdir()
    capsys.readouterr()
    assert build(built, "--force", "--brand", "harbour-lane-uk", *CARD) == 0
    assert (
        f"warning: {built}/harbour-lane-uk/en/{STALE}: left in place: it is named like this tool's "
        "temporary files, but it is a folder, which this tool never makes\n"
    ) in capsys.readouterr().err
    assert (built / ".patientpacks-x.tmp").is_dir() and (built / "harbour-lane-uk/en" / STALE).is_dir()


def test_the_sweep_removes_only_this_tools_temporary_files_where_this_build_writes(
    tmp_path: Path,
) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    assert build(out, "--brand", "harbour-lane-uk", "--pack", "aftercare-card", "--locale", "en",
                 "--locale", "es", "-q") == 0  # fmt: skip
    stale = out / "harbour-lane-uk/en" / STALE
    stale.write_bytes(b"%PDF- half written by a killed build")
    users = out / "harbour-lane-uk/en/.patientpacks-notes.tmp"
    users.write_text("not this tool's name")
    # Another build's output folder inside this one, with its manifest half written.
    in_flight = out / "preview/.patientpacks-manifest.json.a1b2c3d4.tmp"
    in_flight.parent.mkdir()
    in_flight.write_text('{"leaflets": [')
    # The manifest lists Spanish leaflets; their folder is now a link.
    elsewhere.mkdir()
    outside = elsewhere / STALE
    outside.write_text("someone else's")
    for pdf in (out / "harbour-lane-uk/es").iterdir():
        pdf.unlink()
    (out / "harbour-lane-uk/es").rmdir()
    (out / "harbour-lane-uk/es").symlink_to(elsewhere)

    assert build(out, "--brand", "harbour-lane-uk", "--force", *CARD) == 0
    assert not stale.exists()
    assert users.read_text() == "not this tool's name"
    assert in_flight.read_text() == '{"leaflets": ['
    assert outside.read_text() == "someone else's"


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        ("/", "is the root of the file system"),
        ("home", "is your home folder"),
        ("holds home", "holds your home folder"),
        ("project", "is the project folder itself"),
        ("holds project", "holds the project folder"),
        ("templates", "is the project's templates/ folder, which the build reads its inputs from"),
        ("inside packs", "is inside the project's packs/ folder, which the build reads its inputs from"),
        ("someone's files", "holds files this tool did not write (it has no manifest.json of patientpacks)"),
    ],
)
def test_an_output_folder_that_is_not_the_builds_own_is_refused_before_anything_is_written(
    project: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
    where: str,
    problem: str,
) -> None:
    home = tmp_path_factory.mktemp("home") / "me"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents/.patientpacks-draft.pdf.a1b2c3d4.tmp").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    out = {
        "/": Path("/"),
        "home": home,
        "holds home": home.parent,
        "project": project,
        "holds project": project.parent,
        "templates": project / "templates",
        "inside packs": project / "packs/aftercare-card/out",
        "someone's files": home / "Documents",
    }[where]
    before = sorted(out.rglob("*")) if out != Path("/") else None

    def lock_and_sweep(out_dir: Path) -> None:
        # A build that accepted the folder would lock it and sweep it (for
        # "/", the whole file system): stop here instead.
        raise AssertionError(f"the build went on to lock {out_dir}")

    monkeypatch.setattr("patientpacks.build.pipeline.output_lock", lock_and_sweep)
    assert run_cli(project, "--out", str(out), "--brand", "harbour-lane-uk", *CARD) == 3
    error = capsys.readouterr().err
    assert error.startswith("error: ") and f": {problem}" in error
    assert "choose an empty or new folder for the leaflets (--out DIR)" in error
    assert len(error.splitlines()) == 1
    if before is not None:
        assert sorted(out.rglob("*")) == before


def test_a_new_folder_an_empty_one_and_one_this_tool_wrote_are_used(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(empty) == 0
    assert build(tmp_path / "new" / "folder") == 0
    # A folder put together from shards' outputs may have the manifest and
    # no lock file: it is still this tool's.
    (empty / ".patientpacks.lock").unlink()
    capsys.readouterr()
    assert build(empty) == 0
    assert "0 built, 1 unchanged" in capsys.readouterr().out


def valid_entry(out: Path) -> dict:
    entry = manifest_entry(out, LEAFLET)
    assert entry is not None
    return entry


@pytest.mark.parametrize(
    ("manifest", "warning"),
    [
        pytest.param(lambda entry: {"leaflets": [{}]}, "entry 1: path: missing", id="an empty entry"),
        pytest.param(lambda entry: [1], 'it must be {"leaflets": [...]}', id="a list"),
        pytest.param(lambda entry: "{not json", ":1: is not JSON: Expecting property name", id="not JSON"),
        pytest.param(
            lambda entry: {"leaflets": [{**entry, "pages": "2", "sha256": 7}]},
            f"entry 1 ({LEAFLET}.pdf): sha256: must be a SHA-256 (64 hexadecimal digits), not 7",
            id="wrong types",
        ),
        pytest.param(
            lambda entry: {"leaflets": [entry, {**entry, "path": "../../../../etc/passwd"}]},
            'entry 2: path: must be brand/locale/file.pdf, inside the output folder, not "../../../../etc/passwd"',
            id="a path outside the output folder",
        ),
        pytest.param(lambda entry: {"leaflets": [entry, entry]}, "is listed twice", id="an entry twice"),
    ],
)
def test_a_manifest_that_is_not_the_tools_own_is_not_trusted_and_everything_is_rebuilt(
    built: Path, capsys, manifest, warning: str
) -> None:
    written = manifest(valid_entry(built))
    (built / "manifest.json").write_text(written if isinstance(written, str) else json.dumps(written))
    capsys.readouterr()
    assert build(built) == 0
    output = capsys.readouterr()
    assert f"warning: {built}/manifest.json" in output.err and warning in output.err
    assert output.err.rstrip().endswith(
        "not trusted: every leaflet is rebuilt, and a new manifest replaces it"
    )
    assert output.out.startswith("1 built, 0 unchanged")
    entries = json.loads((built / "manifest.json").read_text())["leaflets"]
    assert [entry["path"] for entry in entries] == [f"{LEAFLET}.pdf"]


def test_a_manifest_replaced_by_a_link_is_not_read_through_it(built: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "other.json"
    other.write_text((built / "manifest.json").read_text())
    (built / "manifest.json").unlink()
    (built / "manifest.json").symlink_to(other)
    capsys.readouterr()
    assert build(built) == 0
    output = capsys.readouterr()
    assert "manifest.json: is a symbolic link; a manifest is never read through one" in output.err
    assert output.out.startswith("1 built, 0 unchanged")
    assert not (built / "manifest.json").is_symlink()
    assert json.loads(other.read_text())["leaflets"][0]["path"] == f"{LEAFLET}.pdf"


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        pytest.param(
            lambda entry: {"leaflets": [{key: value for key, value in entry.items() if key != "sha256"}]},
            f"shard-2.json: entry 1 ({LEAFLET}.pdf): sha256: missing; build that shard again for a "
            "manifest this tool wrote",
            id="an entry without its sha256",
        ),
        pytest.param(
            lambda entry: {"leaflets": [{**entry, "path": "/etc/passwd"}]},
            "shard-2.json: entry 1: path: must be brand/locale/file.pdf, inside the output folder, "
            'not "/etc/passwd"; build that shard again',
            id="an absolute path",
        ),
        pytest.param(
            lambda entry: {"leaflets": [{**entry, "sha256": "0" * 64}]},
            f"shard-2.json: {LEAFLET}.pdf is also in shard-1.json, with a different PDF",
            id="two shards disagree",
        ),
    ],
)
def test_merge_manifests_names_the_file_and_the_entry_of_a_bad_manifest(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, broken, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shard-1.json").write_text((built / "manifest.json").read_text())
    (tmp_path / "shard-2.json").write_text(json.dumps(broken(valid_entry(built))))
    capsys.readouterr()
    assert run_cli(REPO, "merge-manifests", "--out", "merged.json", "shard-1.json", "shard-2.json") == 3
    error = capsys.readouterr().err
    assert error.startswith(f"error: {message}") and len(error.splitlines()) == 1
    assert not (tmp_path / "merged.json").exists()


def test_merge_manifests_replaces_only_a_manifest(built: Path, tmp_path: Path, capsys) -> None:
    template = tmp_path / "base.html"
    template.write_text("<html>")
    manifest = str(built / "manifest.json")
    assert run_cli(REPO, "merge-manifests", "--out", str(template), manifest) == 3
    assert capsys.readouterr().err == (
        f"error: {template}: exists and is not a manifest this tool wrote; give --out a new file or a "
        "manifest.json\n"
    )
    assert template.read_text() == "<html>"
    assert run_cli(REPO, "merge-manifests", "--out", manifest, manifest) == 0  # a manifest is replaced
