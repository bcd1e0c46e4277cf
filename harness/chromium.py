"""The Chromium the browser tests and the benchmarks launch: Debian's, with the flags a headless run needs.

Playwright cannot download its own browser here, so it launches ``/usr/bin/chromium``
(override with CHROMIUM_PATH).
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOM_HOST = "classroom.test"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    # A name for the test server as the room's network would give it: the lesson draws its QR code only for an
    # address a phone can open, never for 127.0.0.1.
    f"--host-resolver-rules=MAP {ROOM_HOST} 127.0.0.1",
]
