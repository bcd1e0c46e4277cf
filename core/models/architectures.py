"""The networks the app teaches, each a function returning an uncompiled Keras model.

Every model takes RGB pixels in the 0..255 range at its own input size and
prepares them itself (a ``Rescaling`` layer first), so training and the app
feed it exactly the same thing. Augmentation is not part of these models: the
training pipeline applies it to training batches only (see ``core.data``).
"""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras import layers

from core.models.weights import resolve_mobilenet_weights

MOBILENET_ALPHA = 0.25


def _output_layer(num_classes: int) -> layers.Layer:
    # Two classes use one sigmoid unit (probability of the second class);
    # more classes use softmax.
    if num_classes < 2:
        raise ValueError(f"A classifier needs at least 2 classes, got {num_classes}.")
    if num_classes == 2:
        return layers.Dense(1, activation="sigmoid", name="output")
    return layers.Dense(num_classes, activation="softmax", name="output")


def classic(image_size: int = 150, num_classes: int = 2) -> keras.Model:
    """The four-block CNN of the long cats-vs-dogs tutorial (3,453,121 parameters at 150×150)."""
    inputs = keras.Input(shape=(image_size, image_size, 3), name="pixels")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for block, filters in enumerate((32, 64, 128, 128), start=1):
        x = layers.Conv2D(filters, 3, activation="relu", name=f"conv{block}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{block}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(512, activation="relu", name="dense")(x)
    x = layers.Dropout(0.5, name="dropout")(x)
    outputs = _output_layer(num_classes)(x)
    return keras.Model(inputs, outputs, name="classic")


def _three_blocks(name: str, image_size: int, num_classes: int, batch_norm: bool) -> keras.Model:
    inputs = keras.Input(shape=(image_size, image_size, 3), name="pixels")
    if batch_norm:
        # Same input scaling as MobileNet: pixels to -1..1, centred on zero.
        x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale")(inputs)
    else:
        x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for block, filters in enumerate((32, 64, 64), start=1):
        x = layers.Conv2D(filters, 3, activation="relu", name=f"conv{block}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{block}")(x)
        if batch_norm:
            x = layers.BatchNormalization(name=f"batchnorm{block}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(128, activation="relu", name="dense")(x)
    x = layers.Dropout(0.5, name="dropout")(x)
    outputs = _output_layer(num_classes)(x)
    return keras.Model(inputs, outputs, name=name)


def baseline(image_size: int = 160, num_classes: int = 2) -> keras.Model:
    """Three conv blocks, trained without augmentation: the model that overfits."""
    return _three_blocks("baseline", image_size, num_classes, batch_norm=False)


def augmented(image_size: int = 160, num_classes: int = 2) -> keras.Model:
    """The baseline network; training adds random flips and rotations."""
    return _three_blocks("augmented", image_size, num_classes, batch_norm=False)


def normalized(image_size: int = 160, num_classes: int = 2) -> keras.Model:
    """The augmented network plus centred inputs and batch normalisation."""
    return _three_blocks("normalized", image_size, num_classes, batch_norm=True)


def compact(image_size: int = 150, num_classes: int = 2) -> keras.Model:
    """A better from-scratch design: batch norm, global average pooling, few parameters."""
    inputs = keras.Input(shape=(image_size, image_size, 3), name="pixels")
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale")(inputs)
    for block, filters in enumerate((32, 64, 128, 256), start=1):
        for repeat in (1, 2):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{block}_{repeat}")(x)
            x = layers.BatchNormalization(name=f"batchnorm{block}_{repeat}")(x)
            x = layers.ReLU(name=f"relu{block}_{repeat}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{block}")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    outputs = _output_layer(num_classes)(x)
    return keras.Model(inputs, outputs, name="compact")


def tiny(image_size: int = 32, num_classes: int = 2) -> keras.Model:
    """A very small CNN for tests and for live training in the browser."""
    inputs = keras.Input(shape=(image_size, image_size, 3), name="pixels")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    x = layers.Conv2D(4, 3, activation="relu", name="conv1")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(8, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    outputs = _output_layer(num_classes)(x)
    return keras.Model(inputs, outputs, name="tiny")


def mobilenet_base(image_size: int = 224, weights: str | None = "imagenet") -> keras.Model:
    """The frozen MobileNet (alpha 0.25) feature extractor, without its classifier."""
    base = keras.applications.MobileNet(
        input_shape=(image_size, image_size, 3),
        alpha=MOBILENET_ALPHA,
        include_top=False,
        weights=weights,
    )
    base.trainable = False
    return base


def transfer_head(feature_shape: tuple[int, int, int], num_classes: int = 2) -> keras.Model:
    """The small trainable classifier that sits on MobileNet's feature maps."""
    features = keras.Input(shape=feature_shape, name="features")
    x = layers.Conv2D(128, 3, padding="same", activation="relu", name="head_conv")(features)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    outputs = _output_layer(num_classes)(x)
    return keras.Model(features, outputs, name="head")


def assemble_transfer(base: keras.Model, head: keras.Model, image_size: int = 224) -> keras.Model:
    """Pixels (0..255) -> MobileNet scaling -> frozen base -> head."""
    inputs = keras.Input(shape=(image_size, image_size, 3), name="pixels")
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale")(inputs)
    # training=False keeps the base's batch-norm statistics fixed even during fit.
    x = base(x, training=False)
    outputs = head(x)
    return keras.Model(inputs, outputs, name="transfer")


def transfer(image_size: int = 384, num_classes: int = 2, weights: str | None = "auto") -> keras.Model:
    """Frozen ImageNet MobileNet(0.25) + a small head trained on the project's photos.

    384 px rather than MobileNet's usual 224: the ImageNet filters find a
    cat's or dog's features better when the animal is drawn larger (a linear
    classifier on its features: 93.3% test accuracy at 224 px, 95.3% at 384),
    and the base stays cheap (about 0.12 GFLOPs per photo).

    ``weights``: ``"auto"`` (see :func:`resolve_mobilenet_weights`), a file,
    ``"imagenet"`` (download), or None for random weights (tests, diagrams).
    """
    # "auto": the ImageNet weights from wherever they are found; None: random (Keras' meaning).
    source = resolve_mobilenet_weights(None if weights == "auto" else weights) if weights is not None else None
    base = mobilenet_base(image_size, source)
    head = transfer_head(tuple(base.output.shape[1:]), num_classes)
    return assemble_transfer(base, head, image_size)


ARCHITECTURES: dict[str, Callable[..., keras.Model]] = {
    "classic": classic,
    "baseline": baseline,
    "augmented": augmented,
    "normalized": normalized,
    "compact": compact,
    "transfer": transfer,
    "tiny": tiny,
}


#: The input size each architecture was designed for.
DEFAULT_IMAGE_SIZE = {
    "classic": 150,
    "baseline": 160,
    "augmented": 160,
    "normalized": 160,
    "compact": 150,
    "transfer": 384,
    "tiny": 32,
}


def build(name: str, image_size: int | None = None, num_classes: int = 2, **options) -> keras.Model:
    """Build an architecture by name (see :data:`ARCHITECTURES`)."""
    if name not in ARCHITECTURES:
        raise ValueError(f"Unknown architecture {name!r}; choose one of {', '.join(ARCHITECTURES)}.")
    size = image_size or DEFAULT_IMAGE_SIZE[name]
    return ARCHITECTURES[name](image_size=size, num_classes=num_classes, **options)
