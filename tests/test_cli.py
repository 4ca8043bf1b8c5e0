"""The command line: one program under three names, any project folder, one
line and a documented exit status for every mistake, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from patientpacks.cli import EXIT_CODES

from .conftest import REPO, run_cli

CARD = ("--pack", "aftercare-card", "--brand", "harbour-lane-uk", "--locale", "en")


def patientpacks(*arguments: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The console script the set-up installs, as a user runs it."""
    command = Path(sys.executable).with_name("patientpacks")
    return subprocess.run([str(command), *arguments], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "program",
    [
        [str(Path(sys.executable).with_name("patientpacks"))],
        [sys.executable, "-m", "patientpacks"],
        [sys.executable, str(REPO / "build_pdfs.py")],
    ],
    ids=["patientpacks", "python -m patientpacks", "build_pdfs.py"],
)
def test_one_program_under_three_names(program: list[str]) -> None:
    result = subprocess.run([*program, "--version"], capture_output=True, text=True, check=True, timeout=60)
    assert re.fullmatch(r"patientpacks \d+\.\d+\.\d+\n", result.stdout)


def test_a_project_in_any_folder_is_built_with_project_dir(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    result = patientpacks("--project", str(project), "--out", str(out), *CARD, "-q", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (out / "harbour-lane-uk/en/aftercare-card.pdf").is_file()
    # In the project's folder, no --project is needed; stats reads that project.
    assert "locale" in patientpacks("stats", cwd=project).stdout


def test_a_folder_that_is_no_project_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = patientpacks("--project", str(tmp_path), "stats")
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path} is not a patientpacks project: it has no packs/ folder\n"


def test_a_mistyped_command_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(REPO, "stat") == 2
    assert capsys.readouterr().err == "error: unknown command 'stat'; did you mean 'stats'?\n"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        # The README's example; the values an attacker tries are in hostile/test_command_line.py.
        ("--jobs", "abc", "argument --jobs: must be a whole number from 1 to 64, not 'abc'"),
    ],
)
def test_a_bad_option_value_says_what_it_wants(option: str, value: str, message: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        run_cli(REPO, option, value)
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"patientpacks: error: {message}"


def test_a_template_bug_names_the_template_and_its_line(project: Path, tmp_path: Path, capsys) -> None:
    base = project / "templates/base.html"
    base.write_text(base.read_text().replace("{{ brand.name|isolate }} ·", "{{ brand.nmae|isolate }} ·", 1))
    assert run_cli(project, "--out", str(tmp_path / "out"), *CARD, "-q") == 1
    error = capsys.readouterr().err
    assert re.search(
        r"FAILED  harbour-lane-uk/en/aftercare-card: \S*templates/base.html:\d+: .*'nmae'", error
    )
    assert "Traceback" not in error and "None" not in error


def test_a_pack_date_given_as_a_date_and_time_is_one_clear_error(
    project: Path, tmp_path: Path, capsys
) -> None:
    pack = project / "packs/aftercare-card/pack.toml"
    pack.write_text(pack.read_text().replace("published = 2026-11-22", "published = 2026-11-22T09:00:00"))
    assert run_cli(project, "--out", str(tmp_path / "out"), *CARD, "-q") == 1
    error = capsys.readouterr().err
    assert (
        "pack.toml: published: must be a date (YYYY-MM-DD), not datetime.datetime(2026, 11, 22, 9, 0)"
        in error
    )
    assert "Traceback" not in error


def test_stats_piped_into_head_ends_quietly() -> None:
    command = f"{Path(sys.executable).with_name('patientpacks')} stats | head -n 2"
    result = subprocess.run(command, shell=True, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr == ""


def test_the_readme_lists_every_exit_status_as_the_program_does() -> None:
    readme = (REPO / "README.md").read_text()
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in readme, code


def test_build_pdfs_uses_the_set_ups_environment_when_run_with_another_python(tmp_path: Path) -> None:
    # A Python without the dependencies (here: isolated from site-packages).
    environment = {**os.environ, "PYTHONNOUSERSITE": "1"}
    result = subprocess.run(
        ["python3", "-S", "-I", str(REPO / "build_pdfs.py"), "--version"],
        capture_output=True, text=True, timeout=120, env=environment,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("patientpacks ")
