"""The worker pool loses only what crashed, and a build stops when asked.

Each test runs a real build process and does to it what the world does: the
kernel's OOM killer takes a worker, a logo hangs the renderer, someone
presses Ctrl-C, a service manager sends SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from patientpacks import api
from patientpacks.build import brands

from .conftest import REPO, run_cli
from .hostile.test_interruption import assert_no_process_left, assert_output_is_consistent, wait_for_pdfs

LEAFLETS = 48  # 2 packs x 12 locales x 2 brands


def start_build(out: Path, *extra: str, project: Path = REPO, temp: Path | None = None) -> subprocess.Popen:
    """A build in a session of its own, as if started from a terminal: a
    signal to the session's process group reaches the build and its workers.
    With ``temp``, its temporary files go there (TMPDIR)."""
    return subprocess.Popen(
        [sys.executable, str(REPO / "build_pdfs.py"), "--out", str(out), "--jobs", "2", "-q", *extra],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(temp)} if temp else None,
    )


def worker_processes(build: subprocess.Popen) -> list[int]:
    children = []
    for task in Path(f"/proc/{build.pid}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    return children


def is_rendering(pid: int) -> bool:
    """Whether the process is on a CPU now (state R): a busy worker."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "R"


def manifest_paths(out: Path) -> set[str]:
    return {entry["path"] for entry in json.loads((out / "manifest.json").read_text())["leaflets"]}


def test_a_killed_worker_fails_only_the_leaflet_it_was_rendering(tmp_path: Path) -> None:
    out, temp = tmp_path / "out", tmp_path / "tmp"
    temp.mkdir()
    leaflets = 16  # 2 packs x 4 locales x 2 brands
    build = start_build(
        out, "--locale", "en", "--locale", "es", "--locale", "fr", "--locale", "de", temp=temp
    )
    wait_for_pdfs(out, 2)
    deadline = time.monotonic() + 30
    while not (busy := [pid for pid in worker_processes(build) if is_rendering(pid)]):
        assert time.monotonic() < deadline, "no worker was seen rendering"
        time.sleep(0.01)
    os.kill(busy[0], signal.SIGKILL)  # as the kernel's OOM killer does
    stdout, stderr = build.communicate(timeout=180)
    assert build.returncode == 1
    failed = [line for line in stderr.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1, stderr
    assert "its worker process died while rendering it (killed by SIGKILL" in failed[0]
    assert f"{leaflets - 1} built, 0 unchanged, 1 failed" in stdout
    assert len(manifest_paths(out)) == leaflets - 1
    assert_output_is_consistent(out)
    # The killed worker's temporary files (WeasyPrint's copies of the fonts,
    # which only its __del__ removes) went with the build.
    assert list(temp.iterdir()) == []


def test_a_servers_workers_leave_no_temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # What a build killed outright left (its process is gone): removed too.
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (tmp_path / f"patientpacks-workers-{ended.stdout.strip()}-x1y2z3" / "123").mkdir(parents=True)
    pool = api.RenderPool(api.open_project(REPO), workers=1, queue=1)
    try:
        pool.render(pack="aftercare-card", locale="es", brand="harbour-lane-uk").result(timeout=120)
        (root,) = tmp_path.iterdir()
        assert list(root.rglob("weasyprint-*"))  # each worker's own, in the pool's folder
    finally:
        pool.close()
    assert list(tmp_path.iterdir()) == []


def test_a_leaflet_that_hangs_the_renderer_is_stopped_from_outside_at_its_time_limit(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An SVG logo of nested <use> elements (8^7 rectangles): WeasyPrint's SVG
    # code catches BaseException, so a timer inside the worker never stopped it.
    # The logo check refuses it up front (tests/hostile/test_hostile_logos.py);
    # let through here, it shows the time limit holds on its own.
    monkeypatch.setattr(brands, "check_logo", lambda path: None)
    uses = {level: f'<use href="#g{level - 1}"/>' * 8 for level in range(1, 8)}
    groups = "".join(f'<g id="g{level}">{use}</g>' for level, use in uses.items())
    (project / "brands/logos/nested.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10"><defs>'
        f'<g id="g0"><rect width="1" height="1"/></g>{groups}</defs><use href="#g7"/></svg>'
    )
    brand = (project / "brands/harbour-lane-uk.toml").read_text()
    (project / "brands/hanging.toml").write_text(brand.replace("logos/harbour-lane.svg", "logos/nested.svg"))
    out = tmp_path / "out"
    started = time.monotonic()
    code = run_cli(
        project, "--out", str(out), "--pack", "aftercare-card", "--locale", "en", "--time-limit", "3", "-q"
    )
    assert code == 1
    assert time.monotonic() - started < 30
    assert manifest_paths(out) == {
        "harbour-lane-uk/en/aftercare-card.pdf",
        "maple-street-us/en/aftercare-card.pdf",
    }
    assert "FAILED  hanging/en/aftercare-card: stopped after 3 s, the time limit" in capsys.readouterr().err


def test_ctrl_c_stops_the_build_within_two_seconds_with_one_line_and_nothing_half_done(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    build = start_build(out)
    wait_for_pdfs(out, 3)
    os.killpg(build.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    stopped = time.monotonic()
    _, stderr = build.communicate(timeout=30)
    assert time.monotonic() - stopped < 2
    assert build.returncode == 130
    assert stderr.strip().splitlines() == [stderr.strip()], stderr  # one line, no traceback
    assert stderr.startswith("interrupted: ")
    assert_no_process_left(out)
    assert not list(out.rglob("*.tmp"))
    on_disk = {str(path.relative_to(out)) for path in out.rglob("*.pdf")}
    assert on_disk == manifest_paths(out)
    assert 3 <= len(on_disk) < LEAFLETS
    assert_output_is_consistent(out)


def test_sigterm_stops_the_build_as_ctrl_c_does(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = start_build(out)
    wait_for_pdfs(out, 1)
    build.terminate()
    stopped = time.monotonic()
    _, stderr = build.communicate(timeout=30)
    assert time.monotonic() - stopped < 2
    assert build.returncode == 130
    assert stderr.startswith("interrupted: ")
    assert_no_process_left(out)
    assert {str(path.relative_to(out)) for path in out.rglob("*.pdf")} == manifest_paths(out)
