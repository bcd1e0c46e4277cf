"""The training command's settings: one record with every default, checked before any photo is read.

:class:`TrainingConfig` is the only home of the command's defaults:
``python -m core.training.train`` reads its command-line defaults from it, so
the two cannot drift apart. :func:`check_settings` refuses a combination that
cannot work with a clear ``ValueError``, before the run reads a photo or
builds a model.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from core.augment.settings import PRESETS
from core.models import architectures
from core.models.fine_tuned import MOBILENET_BLOCKS
from core.training.devices import STRATEGIES


@dataclass
class TrainingConfig:
    arch: str
    data: Path
    out: Path
    name: str
    epochs: int = 30
    batch_size: int = 32
    image_size: int | None = None
    seed: int = 1337
    learning_rate: float = 1e-3
    augmentation: str = "training"
    patience: int = 8
    weights: str | None = None
    strategy: str = "default"
    resume: bool = True
    verbose: int = 1
    limit: int | None = None  # use only this many training photos (quick experiments)
    extra: dict = field(default_factory=dict)  # more model-card fields
    callbacks: list = field(default_factory=list)  # more Keras callbacks (progress, stop buttons, tests)
    finalize: bool = False  # write the model from an interrupted run's best epoch, without training more
    cache_features: bool = False  # transfer only: run the frozen base once per photo, then train the head
    fine_tune_blocks: int = 0  # transfer only: also train MobileNet's top N blocks (see core.training.fine_tune)
    start_from: Path | None = None  # transfer only: a model folder whose head (and fine-tuned blocks) to start from

    @property
    def size(self) -> int:
        return self.image_size or architectures.DEFAULT_IMAGE_SIZE[self.arch]

    @property
    def work_dir(self) -> Path:
        """Where an unfinished run keeps its history and checkpoints (renamed away only when complete)."""
        return Path(self.out) / f".{self.name}.run"


def default_settings() -> dict[str, object]:
    """Every setting that has a default, with that default (what the command line starts from)."""
    defaults = {}
    for setting in dataclasses.fields(TrainingConfig):
        if setting.default is not dataclasses.MISSING:
            defaults[setting.name] = setting.default
        elif setting.default_factory is not dataclasses.MISSING:
            defaults[setting.name] = setting.default_factory()
    return defaults


def check_settings(config: TrainingConfig) -> None:
    """Raise ``ValueError`` naming the option when ``config`` cannot work; read no photo."""
    if config.arch not in architectures.ARCHITECTURES:
        raise ValueError(f"Unknown architecture {config.arch!r}; choose one of "
                         f"{', '.join(sorted(architectures.ARCHITECTURES))}.")
    for name, value in (("--epochs", config.epochs), ("--batch-size", config.batch_size)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, not {value}.")
    if config.patience < 0:
        raise ValueError(f"--patience must be 0 or more epochs, not {config.patience}.")
    if config.limit is not None and config.limit < 1:
        raise ValueError(f"--limit must be at least 1 photo, not {config.limit}.")
    if config.image_size is not None and config.image_size < 1:
        raise ValueError(f"--image-size must be at least 1 pixel, not {config.image_size}.")
    if not config.learning_rate > 0:
        raise ValueError(f"--learning-rate must be above 0, not {config.learning_rate}.")
    if config.augmentation not in PRESETS:
        raise ValueError(f"--augmentation must be one of {', '.join(PRESETS)}.")
    if config.strategy not in STRATEGIES:
        raise ValueError(f"Unknown strategy {config.strategy!r}; choose {', '.join(STRATEGIES)}.")
    if config.cache_features and config.arch != "transfer":
        raise ValueError("--cache-features only applies to --arch transfer (its base is frozen).")
    if (config.fine_tune_blocks or config.start_from) and config.arch != "transfer":
        raise ValueError("--fine-tune-blocks and --start-from only apply to --arch transfer.")
    if not 0 <= config.fine_tune_blocks <= MOBILENET_BLOCKS:
        raise ValueError(f"MobileNet has {MOBILENET_BLOCKS} blocks; --fine-tune-blocks must be 0 to "
                         f"{MOBILENET_BLOCKS}, not {config.fine_tune_blocks}.")
    if config.fine_tune_blocks and config.cache_features:
        raise ValueError("Choose --cache-features (head only) or --fine-tune-blocks, not both.")
    if config.finalize and not config.resume:
        raise ValueError("--finalize writes an interrupted run's best epoch; --no-resume would delete that run.")
    if config.finalize and not (config.work_dir / "best.weights.h5").exists():
        raise ValueError(f"--finalize needs an interrupted run in {config.work_dir}, and there is none.")
