"""Killing a build at any moment leaves complete PDFs and a manifest that
matches them; two builds into one folder do not corrupt each other."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from ..conftest import REPO


def start_build(out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(REPO / "build_pdfs.py"), "--out", str(out), "--quiet", "--jobs", "2", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_pdfs(out: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(list(out.rglob("*.pdf"))) < count:
        assert time.monotonic() < deadline, "the build wrote no PDF in time"
        time.sleep(0.02)


def processes_writing_to(out: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            writing = entry.name.isdigit() and str(out).encode() in (entry / "cmdline").read_bytes()
            if writing and b"Z" not in (entry / "stat").read_bytes().rsplit(b")", 1)[1][:3]:  # not a zombie
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def assert_no_process_left(out: Path) -> None:
    """Killing the build kills its workers too: none keeps rendering or
    holds the output folder's lock."""
    deadline = time.monotonic() + 10
    while processes_writing_to(out):
        assert time.monotonic() < deadline, f"processes left behind: {processes_writing_to(out)}"
        time.sleep(0.1)


def assert_output_is_consistent(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())["leaflets"]
    for entry in manifest:
        pdf = out / entry["path"]
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == entry["sha256"], entry["path"]
    for pdf in out.rglob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF"), pdf
        assert len(PdfReader(pdf).pages) >= 1


def test_a_build_killed_mid_way_leaves_complete_pdfs_and_a_matching_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = start_build(out, "--locale", "en", "--locale", "es", "--locale", "fr")
    wait_for_pdfs(out, 3)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert_no_process_left(out)
    assert_output_is_consistent(out)
    written = {path: path.read_bytes() for path in out.rglob("*.pdf")}

    # The next build is killed too, while it replaces the same files.
    build = start_build(out, "--locale", "en", "--locale", "es", "--locale", "fr")
    time.sleep(1.5)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert_no_process_left(out)
    assert_output_is_consistent(out)
    assert all(path.exists() for path in written)  # nothing was lost

    # And the same command, left to finish, tidies what the killed ones left
    # behind (temporary files are removed where a build writes).
    finished = start_build(out, "--locale", "en", "--locale", "es", "--locale", "fr")
    assert finished.wait(timeout=120) == 0
    assert not list(out.rglob("*.tmp"))
    assert_output_is_consistent(out)


def test_a_second_build_into_the_same_folder_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start_build(out, "--locale", "en", "--locale", "es", "--locale", "fr")
    wait_for_pdfs(out, 1)
    second = start_build(out, "--locale", "de")
    _, error = second.communicate(timeout=60)
    assert second.returncode == 3  # the output folder cannot be used
    assert "another build is writing to this folder" in error
    assert first.wait(timeout=180) == 0
    assert_output_is_consistent(out)
