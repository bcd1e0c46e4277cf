"""The small models and settings of live training."""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers

from core.arithmetic.numbers import format_count
from core.augment.settings import AugmentationSettings
from core.models import architectures

ARCHITECTURE_CHOICES = ("tiny", "small")

#: How the settings name each architecture.
ARCHITECTURE_LABELS = {"tiny": "tiny (2 conv layers)", "small": "small (3 conv layers)"}

IMAGE_SIZES = (32, 48, 64, 96, 128)

BATCH_SIZES = (8, 16, 32, 64)

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)

MAX_EPOCHS = 50


#: Mild, label-preserving changes: flips, small turns and zooms.
LIVE_AUGMENTATION = AugmentationSettings(rotation_degrees=15, zoom_fraction=0.1, horizontal_flip=True)


def small(image_size: int = 64, num_classes: int = 2, dropout: float = 0.25) -> keras.Model:
    """Three conv blocks (16, 32, 64 filters), global average pooling, dropout, output.

    About 24,000 parameters: big enough to learn cats from dogs a little,
    small enough that an epoch on a few hundred 64×64 photos takes seconds on a
    laptop CPU. Global pooling (instead of Flatten) keeps the size independent
    of the image size.
    """
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    inputs = keras.Input(shape=(image_size, image_size, 3), name="pixels")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for block, filters in enumerate((16, 32, 64), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{block}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{block}")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    if dropout > 0:
        x = layers.Dropout(dropout, name="dropout")(x)
    if num_classes == 2:
        outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    else:
        outputs = layers.Dense(num_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="small")


def build_live_model(architecture: str, image_size: int, num_classes: int, dropout: float = 0.0) -> keras.Model:
    """``tiny`` (from core.models.architectures, no dropout) or ``small`` (with dropout)."""
    if num_classes < 2:
        raise ValueError(f"A classifier needs at least 2 classes, got {num_classes}.")
    if architecture == "tiny":
        return architectures.tiny(image_size=image_size, num_classes=num_classes)
    if architecture == "small":
        return small(image_size=image_size, num_classes=num_classes, dropout=dropout)
    raise ValueError(f"Unknown live architecture {architecture!r}; choose one of {', '.join(ARCHITECTURE_CHOICES)}.")


def count_parameters(architecture: str, image_size: int, num_classes: int, dropout: float = 0.0) -> int:
    """Parameters of a live architecture (built and thrown away)."""
    return int(build_live_model(architecture, image_size, num_classes, dropout).count_params())


def parameter_sentence(parameters: int) -> str:
    """'This network has 23,649 weights to learn (for two classes).'"""
    return f"This network has {format_count(parameters)} weights to learn (for two classes)."


def format_learning_rate(learning_rate: float) -> str:
    """0.001 -> '0.001', 0.0001 -> '0.0001': the shortest exact form."""
    return f"{learning_rate:g}"


@dataclass(frozen=True)
class LiveConfig:
    """Everything the learner chooses before pressing Train."""

    architecture: str = "small"
    image_size: int = 64
    epochs: int = 8
    batch_size: int = 16
    learning_rate: float = 1e-3
    augmentation: bool = False
    dropout: float = 0.25
    holdout_fraction: float = 0.2
    seed: int = 0

    def validate(self) -> LiveConfig:
        if self.architecture not in ARCHITECTURE_CHOICES:
            raise ValueError(f"Unknown architecture {self.architecture!r}; choose {' or '.join(ARCHITECTURE_CHOICES)}.")
        if not 16 <= self.image_size <= 256:
            raise ValueError(f"Image size must be between 16 and 256 pixels, got {self.image_size}.")
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"Epochs must be between 1 and {MAX_EPOCHS}, got {self.epochs}.")
        if not 1 <= self.batch_size <= 512:
            raise ValueError(f"Batch size must be between 1 and 512, got {self.batch_size}.")
        if not 0 < self.learning_rate <= 1:
            raise ValueError(f"The learning rate must be in (0, 1], got {self.learning_rate}.")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"Dropout must be in [0, 1), got {self.dropout}.")
        if not 0 < self.holdout_fraction < 0.9:
            raise ValueError(f"The held-out fraction must be between 0 and 0.9, got {self.holdout_fraction}.")
        return self

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_choices(cls, *, architecture: str, image_size: int, epochs: int, batch_size: int, learning_rate: float,
                     augmentation: bool, dropout: float, holdout_percent: float) -> LiveConfig:
        """The settings as the page's controls give them (a percentage held out; dropout for `small` only)."""
        return cls(architecture=architecture, image_size=int(image_size), epochs=int(epochs),
                   batch_size=int(batch_size), learning_rate=float(learning_rate), augmentation=bool(augmentation),
                   # `tiny` has no dropout layer: its slider is disabled, and its value must not count.
                   dropout=0.0 if architecture == "tiny" else float(dropout),
                   holdout_fraction=holdout_percent / 100)
