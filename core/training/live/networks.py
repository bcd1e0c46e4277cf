"""The small models and settings of live training."""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers

from core.arithmetic.numbers import format_count
from core.augment.settings import AugmentationSettings
from core.models import architectures

#: The two ways to train live: every filter learned from nothing, or a head on the frozen ImageNet base.
MODES = ("scratch", "transfer")

MODE_LABELS = {"scratch": "From scratch", "transfer": "Transfer (frozen MobileNet + a small head)"}

#: Two plain sentences each: what is learned, and what that buys.
MODE_SENTENCES = {
    "scratch": ("Every filter of a small CNN starts random and is learned from these photos alone, so it needs "
                "thousands of photos and many epochs to do well. Its curves climb slowly, epoch by epoch: this is "
                "how the shipped from-scratch models were made, only smaller."),
    "transfer": ("A network already trained on 1.3 million ImageNet photos (MobileNet) turns each photo into 256 "
                 "numbers once; only a small head on those numbers is trained here, as Teachable Machine does. "
                 "It needs few photos and seconds, because the filters that find fur, eyes and wheels already exist."),
}

ARCHITECTURE_CHOICES = ("tiny", "small", "medium")

#: The head trained in transfer mode (the base is frozen).
HEAD_ARCHITECTURE = "head"

#: How the settings name each architecture.
ARCHITECTURE_LABELS = {"tiny": "tiny (2 conv layers)", "small": "small (3 conv layers)",
                       "medium": "medium (4 conv layers, batch norm)"}

IMAGE_SIZES = (32, 48, 64, 96, 128)

#: MobileNet was trained at 224 px; smaller inputs are faster, and 160 already works well.
TRANSFER_IMAGE_SIZES = (128, 160, 192, 224)

BATCH_SIZES = (8, 16, 32, 64)

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)

MAX_EPOCHS = 50

#: MobileNet's last block has 1024 × alpha filters, so its pooled features are this many numbers.
TRANSFER_FEATURES = int(1024 * architectures.MOBILENET_ALPHA)


#: Mirror images only: cheap, always label-preserving for photos, and what the measured presets use
#: (turns and zooms slowed learning within a one-minute training at 48 px).
LIVE_AUGMENTATION = AugmentationSettings(horizontal_flip=True)


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


def medium(image_size: int = 48, num_classes: int = 2, dropout: float = 0.2) -> keras.Model:
    """Four blocks of convolution, batch normalization, ReLU and pooling (24, 48, 96, 192 filters).

    The from-scratch preset: measured on this project's 2-core CPU, 4,000 cats
    and dogs at 48 px learn to about 79% held-out accuracy in 12 epochs (under a
    minute). Batch normalization lets a high learning rate work; its momentum of
    0.9 (Keras' default is 0.99) lets the running statistics that validation
    uses catch up within an epoch of a hundred batches, so the validation curve
    rises from the first epochs instead of sitting at 50%.
    """
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    inputs = keras.Input(shape=(image_size, image_size, 3), name="pixels")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for block, filters in enumerate((24, 48, 96, 192), start=1):
        # No bias: the batch normalization that follows adds its own.
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{block}")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"norm{block}")(x)
        x = layers.ReLU(name=f"relu{block}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{block}")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    if dropout > 0:
        x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="output")(x) if num_classes == 2 else \
        layers.Dense(num_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="medium")


def head(feature_count: int = TRANSFER_FEATURES, num_classes: int = 2, dropout: float = 0.2) -> keras.Model:
    """The transfer mode's trainable part: dropout and one dense layer on the pooled MobileNet features."""
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    features = keras.Input(shape=(feature_count,), name="features")
    x = layers.Dropout(dropout, name="dropout")(features) if dropout > 0 else features
    outputs = layers.Dense(1, activation="sigmoid", name="output")(x) if num_classes == 2 else \
        layers.Dense(num_classes, activation="softmax", name="output")(x)
    return keras.Model(features, outputs, name="head")


def build_live_model(architecture: str, image_size: int, num_classes: int, dropout: float = 0.0) -> keras.Model:
    """``tiny`` (from core.models.architectures, no dropout), ``small``, ``medium`` or the transfer ``head``."""
    if num_classes < 2:
        raise ValueError(f"A classifier needs at least 2 classes, got {num_classes}.")
    if architecture == "tiny":
        return architectures.tiny(image_size=image_size, num_classes=num_classes)
    if architecture == "small":
        return small(image_size=image_size, num_classes=num_classes, dropout=dropout)
    if architecture == "medium":
        return medium(image_size=image_size, num_classes=num_classes, dropout=dropout)
    if architecture == HEAD_ARCHITECTURE:
        return head(TRANSFER_FEATURES, num_classes=num_classes, dropout=dropout)
    raise ValueError(f"Unknown live architecture {architecture!r}; choose one of "
                     f"{', '.join((*ARCHITECTURE_CHOICES, HEAD_ARCHITECTURE))}.")


def count_parameters(architecture: str, image_size: int, num_classes: int, dropout: float = 0.0) -> int:
    """Parameters of a live architecture (built and thrown away)."""
    return int(build_live_model(architecture, image_size, num_classes, dropout).count_params())


def parameter_sentence(parameters: int, frozen: bool = False) -> str:
    """'This network has 23,649 weights to learn (for two classes).'; with a frozen base, that it stays as it is."""
    if frozen:
        return (f"Only the head's {format_count(parameters)} weights are learned (for two classes); the frozen "
                "MobileNet's weights stay exactly as ImageNet training left them.")
    return f"This network has {format_count(parameters)} weights to learn (for two classes)."


def format_learning_rate(learning_rate: float) -> str:
    """0.001 -> '0.001', 0.0001 -> '0.0001': the shortest exact form."""
    return f"{learning_rate:g}"


@dataclass(frozen=True)
class LiveConfig:
    """Everything the learner chooses before pressing Train."""

    architecture: str = "medium"
    image_size: int = 48
    epochs: int = 12
    batch_size: int = 32
    learning_rate: float = 3e-3
    augmentation: bool = True
    dropout: float = 0.2
    holdout_fraction: float = 0.2
    seed: int = 0
    mode: str = "scratch"

    @property
    def is_transfer(self) -> bool:
        return self.mode == "transfer"

    def validate(self) -> LiveConfig:
        if self.mode not in MODES:
            raise ValueError(f"Unknown training mode {self.mode!r}; choose {' or '.join(MODES)}.")
        allowed = (HEAD_ARCHITECTURE,) if self.is_transfer else ARCHITECTURE_CHOICES
        if self.architecture not in allowed:
            raise ValueError(f"Unknown architecture {self.architecture!r}; choose {' or '.join(allowed)}.")
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
                     augmentation: bool, dropout: float, holdout_percent: float, mode: str = "scratch") -> LiveConfig:
        """The settings as the page's controls give them (a percentage held out; no dropout for `tiny`)."""
        return cls(mode=mode, architecture=architecture, image_size=int(image_size), epochs=int(epochs),
                   batch_size=int(batch_size), learning_rate=float(learning_rate), augmentation=bool(augmentation),
                   # `tiny` has no dropout layer: its slider is disabled, and its value must not count.
                   dropout=0.0 if architecture == "tiny" else float(dropout),
                   holdout_fraction=holdout_percent / 100)


#: Each mode's default settings and photo count, chosen by measuring on this project's 2-core CPU
#: (bench/live_training.py prints them again): from scratch about 78% held out in under a minute,
#: transfer about 94% in 15-30 s (most of it MobileNet reading each photo once), photo decoding included.
PRESETS = {
    "scratch": LiveConfig(),
    # 3e-3 rather than 1e-3: with 20 photos a class there are only a few batches per epoch, and at 1e-3 the
    # head had barely moved after 15 epochs (50-75% held out); at 3e-3 it reached 100% on three samples.
    "transfer": LiveConfig(mode="transfer", architecture=HEAD_ARCHITECTURE, image_size=224, epochs=15, batch_size=16,
                           learning_rate=3e-3, augmentation=True, dropout=0.2),
}

PRESET_PHOTOS = {"scratch": 4000, "transfer": 1500}

#: The most photos each mode samples from the dataset: decoded at 224 px a photo takes 150 kB, so 3,000
#: of them are 450 MB of memory while they are decoded (at 48 px, 8,000 take 55 MB).
MOST_PHOTOS = {"scratch": 8000, "transfer": 3000}
