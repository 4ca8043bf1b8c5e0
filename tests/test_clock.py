"""The day review dates are checked against: SOURCE_DATE_EPOCH makes a build
give the same statuses on any day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from patientpacks import clock
from patientpacks.errors import UsageError

from .conftest import REPO, TODAY, run_cli


def test_source_date_epoch_is_the_day_of_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    assert clock.today() == TODAY  # as conftest sets it for every test
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2031, 5, 6, 23, 59, tzinfo=UTC).timestamp())))
    assert clock.today().isoformat() == "2031-05-06"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert clock.today() == datetime.now(UTC).date()


def test_a_leaflet_past_its_packs_review_date_on_the_build_day_is_a_draft_for_that_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2028, 1, 1, tzinfo=UTC).timestamp())))
    out = tmp_path / "out"
    arguments = (
        "--out",
        str(out),
        "--pack",
        "aftercare-card",
        "--brand",
        "harbour-lane-uk",
        "--locale",
        "en",
    )
    assert run_cli(REPO, *arguments, "-q") == 0
    assert "draft(s)" in capsys.readouterr().out
    reasons = (out / "manifest.json").read_text()
    assert "pack past its review-due date 2027-11-22" in reasons


def test_a_malformed_source_date_epoch_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH must be a whole number of seconds"):
        clock.today()
    assert run_cli(REPO, "--out", "/tmp/never-built", "--pack", "nothing") == 2
    assert "SOURCE_DATE_EPOCH must be" in capsys.readouterr().err
