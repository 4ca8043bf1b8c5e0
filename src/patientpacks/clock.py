"""What day it is, for the review dates that make leaflets drafts.

A leaflet's status depends on the day it is built (a pack or a translation
past its review date is a draft). ``SOURCE_DATE_EPOCH``, the reproducible-
builds convention (https://reproducible-builds.org/specs/source-date-epoch/),
fixes that day: set it, and a build gives the same PDFs and the same statuses
on any day. Without it, today is today, in UTC, the same everywhere.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from .errors import UsageError


def today() -> date:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return datetime.now(UTC).date()
    try:
        return datetime.fromtimestamp(int(value), UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, not {value!r}"
        ) from None
