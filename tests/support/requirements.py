"""What a test needs from the machine: skip without it on a laptop, fail without it in CI.

CI (``CI=true``) installs Chromium, nginx, Playwright, pillow-heif and lays ``../shared``
(real photos, MobileNet weights) beside the clone, so a missing one there means
a broken install, not a reason to skip.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(available: bool, what: str) -> None:
    """Go on if ``available``; else skip (outside CI) or fail (in CI) naming ``what`` is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} is missing, but CI is meant to have it: the install is broken.")
    pytest.skip(f"{what} is not on this machine")
