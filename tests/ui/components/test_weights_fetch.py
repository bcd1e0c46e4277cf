"""ui/components/weights_fetch.py: the first start fetches the weights once, and says so when it cannot."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.models import weights
from ui.components import weights_fetch


def _page():
    from ui.components.weights_fetch import fetch_weights_once

    fetch_weights_once()


@pytest.fixture
def missing(monkeypatch):
    """No weight file on this machine until a fetch succeeds; counts the fetches."""
    state = {"have": False, "fetches": 0, "fail": None}

    def fetch(progress=None, **_):
        state["fetches"] += 1
        if state["fail"]:
            raise weights.WeightsFetchError(state["fail"])
        progress(1_000_000, 2_000_000)
        progress(2_000_000, 2_000_000)
        state["have"] = True

    monkeypatch.setattr(weights, "needs_fetch", lambda *_: not state["have"])
    monkeypatch.setattr(weights, "fetch_weights", fetch)
    monkeypatch.setattr(weights_fetch, "_FAILURE", [])
    return state


def test_the_first_session_fetches_and_later_ones_do_not(missing):
    first = AppTest.from_function(_page).run()
    assert not first.exception and missing["fetches"] == 1 and missing["have"]
    assert not first.info  # nothing to apologise for
    AppTest.from_function(_page).run()
    assert missing["fetches"] == 1


def test_offline_says_why_once_per_session_and_does_not_retry(missing):
    missing["fail"] = "Could not fetch https://example/w.h5: Temporary failure in name resolution."
    app = AppTest.from_function(_page).run()
    assert not app.exception
    message = app.info[0].value
    assert "could not fetch" in message and "name resolution" in message
    assert "best model trained from scratch" in message
    app.run()
    assert not app.info  # said once in this session
    other = AppTest.from_function(_page).run()
    assert other.info and missing["fetches"] == 1  # another session is told, and nobody fetches again


def test_nothing_happens_when_the_weights_are_here(monkeypatch):
    monkeypatch.setattr(weights, "needs_fetch", lambda *_: False)
    monkeypatch.setattr(weights, "fetch_weights", lambda **_: pytest.fail("must not fetch"))
    app = AppTest.from_function(_page).run()
    assert not app.exception and not app.info and not app.get("progress")
