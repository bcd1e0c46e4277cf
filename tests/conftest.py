"""Shared fixtures: a tiny model, generated photos, and where the real data is."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from core.paths import SHARED_DIR  # noqa: E402 (both need PROJECT_ROOT on sys.path)
from harness.photo_files import make_photo_bytes  # noqa: E402
from tests.support.databases import database_url  # noqa: E402,F401 (a fixture: SQLite and PostgreSQL)
from tests.support.requirements import require  # noqa: E402

SHARED_DATA = SHARED_DIR / "data" / "cats_dogs"


@pytest.fixture(scope="session")
def tiny_model():
    """A 417-parameter CNN on 32×32 photos with seeded (untrained) weights."""
    import keras

    from core.models.architectures import tiny

    keras.utils.set_random_seed(0)
    return tiny(image_size=32)


@pytest.fixture
def photo_bytes() -> bytes:
    return make_photo_bytes()


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The real cats-and-dogs photos: a skip on a machine without them, a failure in CI."""
    require((SHARED_DATA / "test").is_dir(), f"The real photos ({SHARED_DATA})")
    return SHARED_DATA


def mobilenet_weights_file() -> Path | None:
    """MobileNet's ImageNet weight file as the app finds it, or None when this machine has none."""
    from core.models.weights import resolve_mobilenet_weights

    source = resolve_mobilenet_weights()
    return Path(source) if source != "imagenet" and Path(source).is_file() else None


@pytest.fixture(scope="session")
def mobilenet_weights() -> Path:
    """The MobileNet ImageNet weight file: a skip on a machine without it, a failure in CI."""
    found = mobilenet_weights_file()
    require(found is not None,
            "MobileNet's ImageNet weight file (../shared/weights or CNN_CLASSROOM_MOBILENET_WEIGHTS)")
    return found


#: The AppTest element kinds that carry the page's prose.
TEXT_KINDS = ("markdown", "caption", "subheader", "info", "warning", "error", "success", "code")


def page_text(app) -> str:
    """All prose a Streamlit ``AppTest`` run put on the page, one element per line."""
    return "\n".join(element.value for kind in TEXT_KINDS for element in app.get(kind)
                     if isinstance(getattr(element, "value", None), str))
