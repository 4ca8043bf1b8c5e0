"""What a build is asked to do: which leaflets, where, with how many workers.

The values are checked here, when the options are made, for the command line
and every other caller of the API alike: a limit that is not a number or not
finite, or a count of workers beyond reason, is a UsageError naming it, never
a crash deep in the worker pool (``inf`` overflowed, ``-1`` could not be
pickled, 10000 workers started as many as there were leaflets).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import clock
from ..errors import UsageError
from ..jobs import STANDARD_EDITION, Edition

#: The most worker processes a build starts: each holds about 110 MB and
#: takes a core, so more than the cores only adds memory and start-up time.
MAX_JOBS = 64
#: A worker's memory limit, in MB: below 256 not even WeasyPrint loads.
MEMORY_LIMIT_MB = (256, 1_048_576)
#: The most shards a build can be cut into (--shard K/N).
MAX_SHARDS = 1000


def check_seconds(value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        shown = f"{value:g}" if isinstance(value, float) else repr(value)
        raise UsageError(f"must be more than 0 seconds (and finite), not {shown}")
    return value


def check_whole_number(value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UsageError(f"must be a whole number from {low} to {high}, not {value!r}")
    return value


def check_shard(shard: tuple[int, int]) -> tuple[int, int]:
    whole = isinstance(shard, tuple) and len(shard) == 2
    whole = whole and all(isinstance(part, int) and not isinstance(part, bool) for part in shard)
    if not (whole and 1 <= shard[0] <= shard[1] <= MAX_SHARDS):
        shown = "/".join(map(str, shard)) if isinstance(shard, tuple) else repr(shard)
        raise UsageError(f"K must be from 1 to N, and N at most {MAX_SHARDS}, not {shown}")
    return shard


def _checked(name: str, check: Callable[..., object], *arguments: object) -> None:
    """Run ``check``; its UsageError names the option."""
    try:
        check(*arguments)
    except UsageError as error:
        raise UsageError(error.message, key=name) from None


@dataclass(frozen=True)
class Limits:
    """Per-leaflet limits: wall-clock seconds, and the worker's address space."""

    seconds: float = 120.0
    memory_mb: int = 2048

    def __post_init__(self) -> None:
        _checked("time limit", check_seconds, self.seconds)
        _checked("memory limit", check_whole_number, self.memory_mb, *MEMORY_LIMIT_MB)


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path
    packs: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    jobs: int = 1
    write_html: bool = False
    #: The day review dates are checked against (SOURCE_DATE_EPOCH, else today).
    today: date = field(default_factory=clock.today)
    limits: Limits = field(default_factory=Limits)
    #: Rebuild every leaflet, even those whose inputs and PDF are unchanged.
    force: bool = False
    #: (K, N): build only the K-th of N deterministic shards (1-based).
    shard: tuple[int, int] | None = None
    #: The editions of every leaflet to build (see jobs.Edition).
    editions: tuple[Edition, ...] = (STANDARD_EDITION,)

    def __post_init__(self) -> None:
        _checked("jobs", check_whole_number, self.jobs, 1, MAX_JOBS)
        if self.shard is not None:
            _checked("shard", check_shard, self.shard)
