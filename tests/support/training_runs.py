"""Training runs small enough for a test: generated class folders and the tiny CNN for two epochs."""

from __future__ import annotations

from pathlib import Path

from core.training import train
from harness.photo_files import make_class_folder


def make_split_data(root: Path) -> Path:
    """train/validation/test folders of generated cats and dogs (12, 4 and 5 photos per class)."""
    make_class_folder(root / "train", per_class=12, size=36)
    make_class_folder(root / "validation", per_class=4, size=36)
    make_class_folder(root / "test", per_class=5, size=36)
    return root


def run_tiny(data: Path, out: Path, **overrides) -> Path:
    """Train the tiny CNN on ``data`` into ``out`` (2 epochs, 32 px, no augmentation unless overridden)."""
    options = dict(arch="tiny", data=data, out=out, name="tiny", epochs=2, batch_size=8, image_size=32,
                   augmentation="none", verbose=0, learning_rate=0.01)
    options.update(overrides)
    return train.train(train.TrainingConfig(**options))
