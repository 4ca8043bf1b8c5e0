"""Incremental, sharded and parallel builds: only what changed is rebuilt, and
shards add up to the whole."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from .conftest import REPO, run_cli

SELECTION = ("--pack", "aftercare-card", "--locale", "en", "--locale", "es", "--locale", "fr", "--quiet")


def summary(capsys) -> tuple[int, int]:
    line = next(line for line in capsys.readouterr().out.splitlines() if " built, " in line)
    built, unchanged = re.match(r"(\d+) built, (\d+) unchanged", line).groups()
    return int(built), int(unchanged)


def test_a_rebuild_with_nothing_changed_builds_nothing(project: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), *SELECTION) == 0
    assert summary(capsys) == (6, 0)
    before = (out / "manifest.json").read_text()
    assert run_cli(project, "--out", str(out), *SELECTION) == 0
    assert summary(capsys) == (0, 6)
    assert (out / "manifest.json").read_text() == before


def test_editing_one_catalogue_rebuilds_only_that_locale(project: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), *SELECTION) == 0
    capsys.readouterr()
    po = project / "locales/fr/LC_MESSAGES/messages.po"
    po.write_text(
        po.read_text().replace("(see TRANSLATING.md).\n", "(see TRANSLATING.md).\n# a translator's note\n")
    )
    assert run_cli(project, "--out", str(out), *SELECTION) == 0
    assert summary(capsys) == (2, 4)


def test_editing_a_brand_rebuilds_only_that_brand(project: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), *SELECTION) == 0
    capsys.readouterr()
    brand = project / "brands/harbour-lane-uk.toml"
    brand.write_text(brand.read_text().replace("020 7946 0321", "020 7946 0322"))
    assert run_cli(project, "--out", str(out), *SELECTION) == 0
    assert summary(capsys) == (3, 3)
    manifest = json.loads((out / "manifest.json").read_text())["leaflets"]
    assert len(manifest) == 6


def test_a_pdf_changed_on_disk_is_rebuilt_and_force_rebuilds_all(
    project: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), *SELECTION) == 0
    capsys.readouterr()
    (out / "maple-street-us/es/aftercare-card.pdf").write_bytes(b"%PDF-1.7 tampered")
    assert run_cli(project, "--out", str(out), *SELECTION) == 0
    assert summary(capsys) == (1, 5)
    assert run_cli(project, "--out", str(out), "--force", *SELECTION) == 0
    assert summary(capsys) == (6, 0)


def test_shards_split_the_leaflets_and_their_manifests_merge(project: Path, tmp_path: Path, capsys) -> None:
    paths = []
    for shard in (1, 2, 3):
        out = tmp_path / f"shard-{shard}"
        assert run_cli(project, "--out", str(out), "--shard", f"{shard}/3", *SELECTION) == 0
        paths.append(out / "manifest.json")
    built = [{entry["path"] for entry in json.loads(path.read_text())["leaflets"]} for path in paths]
    assert sum(len(shard) for shard in built) == 6
    assert set.union(*built) == {
        f"{brand}/{locale}/aftercare-card.pdf"
        for brand in ("harbour-lane-uk", "maple-street-us")
        for locale in ("en", "es", "fr")
    }
    merged = tmp_path / "merged.json"
    assert run_cli(project, "merge-manifests", "--out", str(merged), *map(str, paths)) == 0
    assert len(json.loads(merged.read_text())["leaflets"]) == 6


def test_the_benchmark_runs_on_a_few_leaflets_and_reports_every_figure(tmp_path: Path) -> None:
    """A smoke test: the benchmark itself is run by hand (make bench), not by
    the suite; here on 4 leaflets (2 packs, English and Spanish, 1 brand)."""
    result = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench/benchmark.py"), "--brands", "1", "--locales", "es", "--rounds", "1",
         "--scales", "", "--no-chromium", "--json", str(result)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    figures = json.loads(result.read_text())
    assert figures["leaflets"] == 4
    assert figures["noop"]["built"] == 0
    assert figures["one_catalogue_edited"]["built"] == figures["one_catalogue_edited"]["expected"] == 2
    for key in (
        "cold_vs_naive_throughput",
        "cold_vs_weasyprint_best_per_core",
        "best_pair_vs_naive_throughput",
    ):
        ratio = figures["ratios"][key]["median"]
        assert 0.05 < ratio < 20, (key, ratio)  # a ratio of two timings of the same work, not a target
    assert set(figures["by_script"]) == {"LATIN"}
    assert "cold build vs naive loop" in run.stdout
    assert "Chromium not measured: left out (--no-chromium)" in run.stdout


def test_a_build_does_not_load_the_translator_commands() -> None:
    """Babel's catalogue front end and textstat cost every build (and every
    no-op rebuild) 0.07 s of start-up; only a translator command needs them."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, patientpacks.cli, patientpacks.cli.build, patientpacks.build.pipeline; print(sorted(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "patientpacks.cli" in loaded
    assert "patientpacks.cli.translate" not in loaded


def test_every_translator_command_reaches_its_handler() -> None:
    from patientpacks import cli
    from patientpacks.cli import translate

    assert {command for command, module in cli.COMMANDS.items() if module == "translate"} == set(
        translate.COMMANDS
    )
