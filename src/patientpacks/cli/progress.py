"""What the build tells the person running it, while it runs.

Logging policy, in short: failures go to stderr, one line each, always. On a
terminal, a build of more than a handful of leaflets shows a progress bar
(rich); otherwise each leaflet gets one line, unless --quiet. The summary line
is always printed by the CLI.
"""

from __future__ import annotations

import sys

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
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Progress | None = None
        self.task = None

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
            line = f"FAILED  {result.job_label}: {result.error}"
            if self.bar is not None:
                self.bar.console.print(line, style="red", markup=False, highlight=False)
            else:
                print(line, file=sys.stderr)
        elif self.bar is None and not self.quiet:
            print(f"{result.status:<11} {result.job.relative_pdf_path} ({result.pages} pages)")
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task)
