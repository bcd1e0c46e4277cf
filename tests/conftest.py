"""Shared fixtures: a tiny model, generated photos, and where the real data is."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest
from PIL import Image

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from core.paths import SHARED_DIR  # noqa: E402 (both need PROJECT_ROOT on sys.path)
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


def make_photo_bytes(width: int = 64, height: int = 48, color=(200, 120, 40), fmt: str = "JPEG") -> bytes:
    """A small generated photo (a gradient with a bright square), encoded in ``fmt``."""
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[..., 0] = (x * 255 // max(width - 1, 1)).astype(np.uint8)
    pixels[..., 1] = (y * 255 // max(height - 1, 1)).astype(np.uint8)
    pixels[..., 2] = 90
    pixels[height // 4: height // 2, width // 4: width // 2] = color
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


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


def make_class_folder(root: Path, classes=("cats", "dogs"), per_class: int = 10, size: int = 40) -> Path:
    """A folder of class subfolders with generated, class-distinct photos."""
    rng = np.random.default_rng(0)
    for index, name in enumerate(classes):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(per_class):
            pixels = rng.integers(0, 60, (size, size, 3)).astype(np.uint8)
            pixels[..., index % 3] += 150  # each class leans to its own colour
            Image.fromarray(pixels).save(folder / f"{name}_{number:03d}.png")
    return root


#: The AppTest element kinds that carry the page's prose.
TEXT_KINDS = ("markdown", "caption", "subheader", "info", "warning", "error", "success", "code")


def page_text(app) -> str:
    """All prose a Streamlit ``AppTest`` run put on the page, one element per line."""
    return "\n".join(element.value for kind in TEXT_KINDS for element in app.get(kind)
                     if isinstance(getattr(element, "value", None), str))
