"""What the build tells the person running it, while it runs.

Logging policy, in short: failures go to stderr, always, each distinct
error once (a broken brand fails every leaflet of that brand with the same
error: one line, then how many leaflets it failed). On a terminal, a build of
more than a handful of leaflets shows a progress bar (rich). With -v, each
leaflet gets one line, with its draft reasons, and every failure its own
line. The summary is always printed by the CLI: the counts, and each distinct
draft reason once with how many leaflets it makes drafts.
"""

from __future__ import annotations

import sys
from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..jobs import Failure, Leaflet

#: Fewer leaflets than this get a line each instead of a progress bar.
PROGRESS_BAR_FROM = 6


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint found the HarfBuzz-Subset library (it falls back to
    the much slower fontTools subsetter without it)."""
    from weasyprint.text import ffi  # loads the C libraries: only when needed

    return getattr(ffi, "harfbuzz_subset", None) is not None


class BuildProgress:
    def __init__(self, quiet: bool, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.bar: Progress | None = None
        self.task = None
        #: Each failure's error, and the leaflets it failed.
        self.failures: dict[str, list[str]] = {}

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def start(self, count: int) -> None:
        if count and not harfbuzz_subset_available():
            print(
                "WARNING: the HarfBuzz-Subset library is missing, so every PDF is written 5-10 times slower. "
                "Install it (Debian/Ubuntu: apt-get install libharfbuzz-subset0; `make leaflets` does).",
                file=sys.stderr,
            )
        if count >= PROGRESS_BAR_FROM and sys.stderr.isatty():
            self.bar = Progress(
                TextColumn("building"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("leaflets", total=count)
            self.bar.start()

    def result(self, result: Leaflet | Failure) -> None:
        if isinstance(result, Failure):
            labels = self.failures.setdefault(result.error, [])
            labels.append(result.job_label)
            if self.verbose or len(labels) == 1:
                self._error(f"FAILED  {result.job_label}: {result.error}")
        elif self.verbose and self.bar is None and not self.quiet:
            print(f"{result.status:<11} {result.job.relative_pdf_path} ({result.pages} pages)")
            for reason in result.reasons:
                print(f"            - {reason}")
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task)

    def _error(self, line: str) -> None:
        if self.bar is not None:
            self.bar.console.print(line, style="red", markup=False, highlight=False)
        else:
            print(line, file=sys.stderr)

    def repeated_failures(self) -> list[str]:
        """One line for each error that failed more than one leaflet (printed once, above)."""
        return [
            f"FAILED  the same error for {len(labels) - 1} more leaflet(s): "
            + (
                ", ".join(labels[1:])
                if self.verbose or len(labels) <= 4
                else f"{', '.join(labels[1:4])}, … (-v lists all)"
            )
            for labels in self.failures.values()
            if len(labels) > 1
        ]


def draft_reasons_summary(entries: list[dict]) -> list[str]:
    """Each distinct draft reason once, with how many leaflets it makes drafts, most first."""
    counts = Counter(reason for entry in entries for reason in entry["reasons"])
    return [
        f"  {count} leaflet{'s' * (count > 1)}: {reason}"
        for reason, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
