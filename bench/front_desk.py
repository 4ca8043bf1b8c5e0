#!/usr/bin/env python3
"""Front desk benchmark: a warm `patientpacks serve` on this machine, measured
from outside over HTTP (not a test; asserts nothing).

- a personalised 4-page guide (the English guide for the UK clinic, A4,
  every treatment record field filled in), from the POST of the print form
  to the last byte of the PDF, with 1 user and with 4 users at once;
- a blank leaflet served from the build (the same guide, built);
- the server's memory (the server process and its render workers, RSS)
  after start-up and after 500 requests.

Usage: .venv/bin/python bench/front_desk.py [--requests 500] [--workers 2] [--json FILE]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

from patientpacks import api  # noqa: E402

GUIDE = {"pack": "neuromodulators", "locale": "en", "brand": "harbour-lane-uk"}
RECORD = {
    "date_of_treatment": "2026-12-01", "areas_treated": "forehead, frown lines and crow's feet",
    "product": "Azzalure", "batch_number": "C4521-B", "units": "50", "injector": "Ana Ruiz",
    "prescriber": "Dr J. Pérez",
}  # fmt: skip


class Desk:
    """One browser at the front desk: its cookies, and the form's token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.opener.open(base + "/").read().decode()
        self.token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)[1]

    def print_guide(self) -> float:
        form = urllib.parse.urlencode(
            {"csrf_token": self.token, "edition": "standard", **GUIDE, **RECORD}
        ).encode()
        request = urllib.request.Request(self.base + "/print", data=form, headers={"Origin": self.base})
        started = time.perf_counter()
        with self.opener.open(request) as response:
            body = response.read()
        elapsed = time.perf_counter() - started
        assert body.startswith(b"%PDF-"), body[:200]
        return elapsed

    def blank_guide(self) -> float:
        started = time.perf_counter()
        with self.opener.open(self.base + "/leaflets/harbour-lane-uk/en/neuromodulators.pdf") as response:
            body = response.read()
        elapsed = time.perf_counter() - started
        assert body.startswith(b"%PDF-")
        return elapsed


def percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[max(0, round(0.95 * len(ordered)) - 1)], 1),
        "n": len(ordered),
    }


def concurrent(base: str, users: int, each: int) -> list[float]:
    desks = [Desk(base) for _ in range(users)]
    times: list[float] = []
    lock = threading.Lock()

    def user(desk: Desk) -> None:
        for _ in range(each):
            elapsed = desk.print_guide()
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=user, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def rss_mb(pid: int) -> float:
    """The RSS of a process and its children, in MB."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    total = 0
    for process in [str(pid), *children]:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+) kB", status)[1])
    return round(total / 1024, 1)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=500, help="requests before the last memory reading")
    parser.add_argument("--workers", type=int, default=2, help="the server's render workers")
    parser.add_argument("--json", type=Path, help="also write the results here")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="patientpacks-desk-bench-") as folder:
        out = Path(folder) / "dist"
        report = api.build(api.open_project(REPO), api.BuildOptions(out_dir=out, packs=("neuromodulators",), locales=("en",), brands=("harbour-lane-uk",)))  # fmt: skip
        assert not report.failures
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "patientpacks", "serve", "--project", str(REPO), "--out", str(out),
             "--port", str(port), "--workers", str(arguments.workers)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    desk = Desk(base)
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            for _ in range(2 * arguments.workers):  # every worker warm
                desk.print_guide()
            rss_start = rss_mb(server.pid)
            one_user = [desk.print_guide() for _ in range(60)]
            four_users = concurrent(base, 4, 20)
            blank = [desk.blank_guide() for _ in range(200)]
            done = 2 * arguments.workers + len(one_user) + len(four_users) + len(blank)
            rss_middle, done_middle = rss_mb(server.pid), done
            while done < arguments.requests:
                desk.print_guide() if done % 3 else desk.blank_guide()
                done += 1
            rss_end = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)

    results = {
        "personalised_guide_1_user": percentiles(one_user),
        "personalised_guide_4_users": percentiles(four_users),
        "built_leaflet": percentiles(blank),
        "rss_mb": {
            "after_start": rss_start,
            f"after_{done_middle}_requests": rss_middle,
            f"after_{done}_requests": rss_end,
        },
        "workers": arguments.workers,
    }
    print(json.dumps(results, indent=2))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
