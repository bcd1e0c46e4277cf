"""Fetching the MobileNet(0.25) ImageNet weights the transfer model is rebuilt from.

The project never ships these weights (they are not ours). On a machine with
internet the first start fetches the 2 MB file once, from the address Keras
itself uses, checks its SHA-256 and keeps it where Keras caches it
(``$KERAS_HOME/models``, by default ``~/.keras/models``). Offline, the fetch
fails fast with a one-line reason and the app uses the best from-scratch model.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from core.paths import SHARED_DIR

#: Environment variable naming a local MobileNet weight file (the offline case).
MOBILENET_WEIGHTS_ENV = "CNN_CLASSROOM_MOBILENET_WEIGHTS"
#: The weight file's name, as Keras names it in its cache.
MOBILENET_WEIGHTS_FILE = "mobilenet_2_5_224_tf_no_top.h5"

#: Where keras.applications.MobileNet(alpha=0.25, include_top=False) downloads its weights from.
MOBILENET_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
                 + MOBILENET_WEIGHTS_FILE)
#: SHA-256 of that file: a truncated or altered download is refused.
MOBILENET_SHA256 = "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf"
#: A classroom with no internet should not wait: the first start gives up after this long without data.
TIMEOUT_SECONDS = 10.0
#: The real file is 2.1 MB; anything far larger is not it.
MOST_BYTES = 20 * 1024 * 1024
CHUNK_BYTES = 64 * 1024

Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes or None)


class WeightsFetchError(RuntimeError):
    """The weights could not be fetched; the message says why in one line."""


def keras_cache_file() -> Path:
    """Where Keras keeps the MobileNet weights it downloads."""
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    return keras_home / "models" / MOBILENET_WEIGHTS_FILE


def resolve_mobilenet_weights(weights: str | None = None) -> str:
    """Where MobileNet's ImageNet weights come from.

    ``weights`` may be a file path or ``"imagenet"`` (Keras downloads and
    caches the 2 MB file on a machine with internet). Without an argument the
    environment variable ``CNN_CLASSROOM_MOBILENET_WEIGHTS`` is used, then a
    copy in the Keras cache or in ``../shared/weights`` beside the project,
    and finally ``"imagenet"``.
    """
    if weights:
        return weights
    from_env = os.environ.get(MOBILENET_WEIGHTS_ENV)
    if from_env:
        return from_env
    for candidate in (keras_cache_file(), SHARED_DIR / "weights" / MOBILENET_WEIGHTS_FILE):
        if candidate.is_file():
            return str(candidate)
    return "imagenet"


def needs_fetch(weights: str | None = None) -> bool:
    """True when no weight file is on this machine, so building the base would need the internet."""
    return resolve_mobilenet_weights(weights) == "imagenet"


def fetch_weights(url: str = MOBILENET_URL, destination: Path | None = None, sha256: str = MOBILENET_SHA256,
                  timeout: float = TIMEOUT_SECONDS, progress: Progress | None = None) -> Path:
    """Download ``url`` to ``destination`` (default: the Keras cache), checked against ``sha256``.

    The file appears only once it is complete and its checksum matches; on any
    failure nothing is left behind and :class:`WeightsFetchError` says why.
    """
    destination = Path(destination) if destination is not None else keras_cache_file()
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    handle, partial = tempfile.mkstemp(prefix=".download-", dir=destination.parent)
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > MOST_BYTES:
                raise WeightsFetchError(f"{url} is {total / 1e6:.0f} MB, not the 2 MB MobileNet weight file.")
            done = 0
            while chunk := response.read(CHUNK_BYTES):
                done += len(chunk)
                if done > MOST_BYTES:
                    raise WeightsFetchError(f"{url} sent more than {MOST_BYTES / 1e6:.0f} MB: not the weight file.")
                digest.update(chunk)
                out.write(chunk)
                if progress is not None:
                    progress(done, total)
        if digest.hexdigest() != sha256:
            raise WeightsFetchError(f"The file from {url} has the wrong checksum (a broken or different download).")
        os.replace(partial, destination)
        return destination
    except WeightsFetchError:
        raise
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise WeightsFetchError(f"Could not fetch {url}: {reason}.") from error
    finally:
        if os.path.exists(partial):
            os.remove(partial)
