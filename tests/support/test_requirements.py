"""tests/support/requirements.py: a missing tool skips a test on a laptop and fails it in CI."""

from __future__ import annotations

import pytest

from tests.support.requirements import in_ci, require


@pytest.mark.parametrize(("value", "expected"), [
    ("true", True), ("TRUE", True), ("True", True), ("", False), ("false", False), ("1", False), ("yes", False),
])
def test_in_ci_reads_the_ci_variable(monkeypatch, value, expected):
    monkeypatch.setenv("CI", value)
    assert in_ci() is expected


def test_in_ci_is_false_without_the_variable(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert in_ci() is False


@pytest.mark.parametrize("ci", ["true", ""])
def test_something_available_goes_on_everywhere(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    assert require(True, "Chromium") is None


def test_something_missing_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as caught:
        require(False, "Chromium at /usr/bin/chromium")
    assert str(caught.value) == "Chromium at /usr/bin/chromium is not on this machine"


def test_something_missing_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as caught:
        require(False, "Chromium at /usr/bin/chromium")
    assert str(caught.value) == (
        "Chromium at /usr/bin/chromium is missing, but CI is meant to have it: the install is broken.")
