"""Values on the command line (and in the API's options) that once crashed a
build deep inside the worker pool or quietly did something else: each is now
one line saying what the option wants, and exit status 2, before anything
is built. And ``check`` never reports "0 problems" for leaflets it could not
build, or did not try to."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from patientpacks import api
from patientpacks.errors import UsageError

from ..conftest import REPO, run_cli

WHOLE_JOBS = "must be a whole number from 1 to 64"
SECONDS = "must be more than 0 seconds (and finite)"
MEMORY = "must be a whole number from 256 to 1048576"
SHARD = "K must be from 1 to N, and N at most 1000"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        pytest.param(
            "--time-limit", "-1", f"{SECONDS}, not -1", id="negative time limit (was a PicklingError)"
        ),
        pytest.param("--time-limit", "nan", f"{SECONDS}, not nan", id="time limit nan (was a ValueError)"),
        pytest.param(
            "--time-limit", "inf", f"{SECONDS}, not inf", id="time limit inf (was an OverflowError)"
        ),
        pytest.param("--time-limit", "0", f"{SECONDS}, not 0", id="time limit 0 (turned the limit off)"),
        pytest.param("--time-limit", "soon", "must be a number of seconds, not 'soon'", id="time limit text"),
        pytest.param("--jobs", "10000", f"{WHOLE_JOBS}, not 10000", id="10000 jobs (started 48 workers)"),
        pytest.param("--jobs", "0", f"{WHOLE_JOBS}, not 0", id="no jobs"),
        pytest.param("--jobs", "-2", f"{WHOLE_JOBS}, not -2", id="negative jobs"),
        pytest.param("--jobs", "1.5", f"{WHOLE_JOBS}, not '1.5'", id="a fraction of a job"),
        pytest.param("--memory-limit", "12", f"{MEMORY}, not 12", id="memory too small to start"),
        pytest.param("--memory-limit", "-1", f"{MEMORY}, not -1", id="negative memory"),
        pytest.param("--memory-limit", "inf", f"{MEMORY}, not 'inf'", id="memory inf"),
        pytest.param(
            "--memory-limit", "99999999999", f"{MEMORY}, not 99999999999", id="memory beyond reason"
        ),
        pytest.param("--shard", "3/2", f"{SHARD}, not 3/2", id="shard past the count"),
        pytest.param("--shard", "0/3", f"{SHARD}, not 0/3", id="shard 0"),
        pytest.param("--shard", "1/0", f"{SHARD}, not 1/0", id="zero shards"),
        pytest.param("--shard", "-1/2", f"{SHARD}, not -1/2", id="negative shard"),
        pytest.param("--shard", "1/1001", f"{SHARD}, not 1/1001", id="too many shards"),
        pytest.param("--shard", "1/2/3", "use K/N, e.g. 2/4, not '1/2/3'", id="three parts"),
        pytest.param("--shard", "a/b", "use K/N, e.g. 2/4, not 'a/b'", id="shard text"),
    ],
)
def test_a_bad_value_is_one_line_saying_what_the_option_wants_and_exit_2(
    option: str, value: str, message: str, capsys
) -> None:
    with pytest.raises(SystemExit) as stopped:
        run_cli(REPO, f"{option}={value}")
    assert stopped.value.code == 2
    error = capsys.readouterr().err.splitlines()
    assert error[-1] == f"patientpacks: error: argument {option}: {message}"
    assert not any("Traceback" in line for line in error)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(
            lambda: api.Limits(seconds=-1), f"time limit: {SECONDS}, not -1", id="negative time limit"
        ),
        pytest.param(lambda: api.Limits(seconds=float("nan")), f"time limit: {SECONDS}, not nan", id="nan"),
        pytest.param(lambda: api.Limits(seconds=float("inf")), f"time limit: {SECONDS}, not inf", id="inf"),
        pytest.param(lambda: api.Limits(memory_mb=0), f"memory limit: {MEMORY}, not 0", id="no memory"),
        pytest.param(
            lambda: api.BuildOptions(out_dir=Path("dist"), jobs=10000),
            f"jobs: {WHOLE_JOBS}, not 10000",
            id="10000 jobs",
        ),
        pytest.param(
            lambda: api.BuildOptions(out_dir=Path("dist"), shard=(3, 2)),
            f"shard: {SHARD}, not 3/2",
            id="shard past the count",
        ),
    ],
)
def test_the_api_refuses_the_same_values(options, message: str) -> None:
    with pytest.raises(UsageError) as refused:
        options()
    assert str(refused.value) == message


def check_summary(project: Path, *arguments: str, capsys) -> tuple[int, str, str]:
    """check's exit status, its findings, and its summary line."""
    status = run_cli(project, "check", *arguments)
    captured = capsys.readouterr()
    return status, captured.out, captured.err.splitlines()[-1]


def test_check_counts_every_leaflet_that_failed_to_build_as_a_problem(project: Path, capsys) -> None:
    # A safety message left untranslated: no Spanish leaflet can be built.
    po = project / "locales/es/LC_MESSAGES/messages.po"
    po.write_text(
        po.read_text().replace('msgstr "Seguridad: cuándo pedir ayuda"', 'msgstr ""', 1), encoding="utf-8"
    )
    status, findings, summary = check_summary(project, "--locale", "es", capsys=capsys)
    not_built = re.findall(r"leaflet (\S+/es/\S+) was not built", findings)
    assert len(not_built) == 4  # 2 brands x 2 packs
    problems = int(re.match(r"(\d+) problem\(s\)", summary).group(1))
    assert problems >= len(not_built) + 1  # and the untranslated message itself
    assert status == 1


def test_check_without_layout_says_the_leaflets_were_not_checked(capsys) -> None:
    status, _, summary = check_summary(REPO, "--locale", "es", "--no-layout", capsys=capsys)
    assert summary.startswith("catalogues only: 0 problem(s)")
    assert summary.endswith(
        "; no leaflet built (--no-layout), so build failures, page budgets and margins are not checked"
    )
    assert status == 0


def test_check_of_an_unreadable_catalogue_builds_no_other_locales_leaflets(project: Path, capsys) -> None:
    po = project / "locales/es/LC_MESSAGES/messages.po"
    po.write_text(po.read_text().replace('msgid "What to do"', 'msgid What to do"', 1), encoding="utf-8")
    status, findings, summary = check_summary(project, "--locale", "es", capsys=capsys)
    assert "was not built" not in findings  # it tried no leaflet of another locale
    assert summary.endswith("; the leaflets of es not built: the catalogue cannot be used")
    assert not summary.startswith("0 problem")
    assert status == 1


def test_check_of_every_locale_lays_out_the_source_leaflets_too(project: Path, capsys) -> None:
    # One brand, Spanish only, and a card budget no card can meet.
    (project / "brands/maple-street-us.toml").unlink()
    for catalogue in (project / "locales").iterdir():
        if catalogue.is_dir() and catalogue.name != "es":
            shutil.rmtree(catalogue)
    pack = project / "packs/aftercare-card/pack.toml"
    pack.write_text(pack.read_text().replace("max_pages = 2", "max_pages = 1"), encoding="utf-8")
    status, findings, _ = check_summary(project, capsys=capsys)
    over = re.findall(
        r"leaflet harbour-lane-uk/(\w+)/aftercare-card has 2 pages, 1 over the budget", findings
    )
    assert sorted(over) == ["en", "es"]
    assert status == 1
