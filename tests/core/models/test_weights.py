"""core/models/weights.py: the first start's fetch of the MobileNet weights, against a local file server.

No test touches the network: a ThreadingHTTPServer on 127.0.0.1 serves the
bytes (the real weight file from ../shared/weights when it is there, else made-up
bytes with their own checksum).
"""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading

import pytest

from core.models import registry, weights
from core.models.weights import MOBILENET_WEIGHTS_ENV, MOBILENET_WEIGHTS_FILE
from core.paths import SHARED_DIR
from tests.support.requirements import require

REAL_FILE = SHARED_DIR / "weights" / MOBILENET_WEIGHTS_FILE


class _Files(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802 - the name http.server calls
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Files.files
    httpd.shutdown()


def test_the_real_file_is_fetched_checked_and_kept_where_keras_caches_it(server, tmp_path, monkeypatch):
    base, files = server
    require(REAL_FILE.is_file(), f"the MobileNet weight file {REAL_FILE}")
    files["/mobilenet.h5"] = REAL_FILE.read_bytes()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    seen = []
    path = weights.fetch_weights(f"{base}/mobilenet.h5", progress=lambda done, total: seen.append((done, total)))
    assert path == tmp_path / "keras" / "models" / MOBILENET_WEIGHTS_FILE
    assert path.read_bytes() == REAL_FILE.read_bytes()
    total = len(files["/mobilenet.h5"])
    assert seen[-1] == (total, total) and all(a[0] < b[0] for a, b in zip(seen, seen[1:]))
    # The Keras cache is where the registry looks: the transfer model is now available without any setting.
    monkeypatch.delenv(MOBILENET_WEIGHTS_ENV, raising=False)
    monkeypatch.setattr(weights, "SHARED_DIR", tmp_path / "no-shared")
    assert not weights.needs_fetch()
    assert registry.get_model_info("transfer").available


def test_a_wrong_checksum_leaves_nothing_behind(server, tmp_path):
    base, files = server
    files["/broken.h5"] = b"not the weights" * 100
    target = tmp_path / "weights.h5"
    with pytest.raises(weights.WeightsFetchError, match="wrong checksum"):
        weights.fetch_weights(f"{base}/broken.h5", destination=target)
    assert list(tmp_path.iterdir()) == []


def test_any_bytes_with_their_checksum_are_accepted(server, tmp_path):
    base, files = server
    files["/made-up.h5"] = bytes(range(256)) * 1000
    target = weights.fetch_weights(f"{base}/made-up.h5", destination=tmp_path / "w.h5",
                                   sha256=hashlib.sha256(files["/made-up.h5"]).hexdigest())
    assert target.read_bytes() == files["/made-up.h5"]


def test_offline_or_missing_fails_fast_with_one_line(server, tmp_path):
    base, _ = server
    with pytest.raises(weights.WeightsFetchError, match="Could not fetch .*Not Found"):
        weights.fetch_weights(f"{base}/nothing-here.h5", destination=tmp_path / "w.h5")
    with socket.socket() as sock:  # a port nobody listens on: what a classroom without internet sees
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with pytest.raises(weights.WeightsFetchError, match="Could not fetch") as caught:
        weights.fetch_weights(f"http://127.0.0.1:{closed}/w.h5", destination=tmp_path / "w.h5", timeout=2)
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_huge_answer_is_refused(server, tmp_path, monkeypatch):
    base, files = server
    files["/huge.h5"] = b"x" * 5000
    monkeypatch.setattr(weights, "MOST_BYTES", 1000)
    with pytest.raises(weights.WeightsFetchError, match="not the 2 MB MobileNet weight file"):
        weights.fetch_weights(f"{base}/huge.h5", destination=tmp_path / "w.h5")


def test_the_address_is_the_one_keras_downloads_from():
    assert weights.MOBILENET_URL.startswith("https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/")
    assert weights.MOBILENET_URL.endswith("/mobilenet_2_5_224_tf_no_top.h5")
    if REAL_FILE.is_file():
        assert hashlib.sha256(REAL_FILE.read_bytes()).hexdigest() == weights.MOBILENET_SHA256
