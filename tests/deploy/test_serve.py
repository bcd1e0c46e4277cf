"""deploy/serve.py: two Streamlit replicas behind a real nginx on loopback, with sticky sessions."""

from __future__ import annotations

import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from deploy import serve
from tests.support.requirements import require


def _nginx() -> str:
    binary = serve.nginx_binary()
    require(binary is not None, "nginx (Debian package nginx)")
    return binary


def test_the_generated_config_is_valid_nginx(tmp_path: Path):
    binary = _nginx()
    config = tmp_path / "nginx.conf"
    config.write_text(serve.nginx_config(18080, [18501, 18502], tmp_path))
    checked = subprocess.run([binary, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "server 127.0.0.1:18501;" in config.read_text() and "server 127.0.0.1:18502;" in config.read_text()


def test_the_room_address_makes_nginx_listen_there_and_the_replicas_stay_on_loopback(tmp_path: Path):
    """Issue #26 item 11: served on 127.0.0.1 only, no phone in the room can open the lesson's QR code."""
    binary = _nginx()
    config = tmp_path / "nginx.conf"
    config.write_text(serve.nginx_config(18080, [18501], tmp_path, listen_address="0.0.0.0"))
    checked = subprocess.run([binary, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    text = config.read_text()
    assert "listen 0.0.0.0:18080;" in text and "listen 127.0.0.1" not in text
    assert "server 127.0.0.1:18501;" in text
    assert "listen 127.0.0.1:18080;" in serve.nginx_config(18080, [18501], tmp_path)  # the default: this computer


def test_config_needs_a_replica(tmp_path: Path):
    with pytest.raises(ValueError, match="at least one replica"):
        serve.nginx_config(18080, [], tmp_path)
    with pytest.raises(ValueError, match="at least one replica"):
        serve.start(0)


def _cookie_after_first_visit(url: str, cookie: str | None = None) -> str | None:
    request = urllib.request.Request(url, headers={"Cookie": f"{serve.COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        header = response.headers.get("Set-Cookie") or ""
    found = re.search(rf"{serve.COOKIE}=([^;]+)", header)
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    _nginx()
    running = serve.start(2, log_dir=tmp_path_factory.mktemp("replica-logs"))
    yield running
    running.stop()


def test_new_browsers_are_spread_over_both_replicas_and_then_stay(deployment):
    first = _cookie_after_first_visit(deployment.url)
    second = _cookie_after_first_visit(deployment.url)
    expected = {f"127.0.0.1:{port}" for port in deployment.replica_ports}
    assert {first, second} == expected  # round-robin: one each
    # A browser that has its cookie is not moved (no new cookie), a forged one is replaced.
    assert _cookie_after_first_visit(deployment.url, first) is None
    assert _cookie_after_first_visit(deployment.url, "127.0.0.1:1") in expected
    with urllib.request.urlopen(f"{deployment.url}/healthz", timeout=5) as response:
        assert response.read() == b"ok\n"
