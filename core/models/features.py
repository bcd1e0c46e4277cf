"""The frozen MobileNet base as a feature extractor: one pooled feature vector per photo, cached.

Live transfer learning (as Teachable Machine does it) runs each photo through
the frozen ImageNet base once, averages its last feature maps into one vector
(256 numbers for MobileNet alpha 0.25), and trains only a small head on those
vectors. Because the base never changes, a photo's vector never changes either,
so it is kept in a bounded cache keyed by the photo's pixel digest and the
extractor, and a second training on the same photos skips the base entirely.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
from keras import layers

from core.imaging.digest import digest
from core.models import architectures
from core.models.folder import transfer_parts

#: Cached feature vectors at most (256 float32 each: 40,000 vectors are about 40 MB).
MOST_CACHED_FEATURES = 40_000


def frozen_base_output(model: keras.Model, pixels) -> np.ndarray:
    """The frozen base's feature maps for a batch of 0..255 pixels of an assembled transfer model."""
    base, _ = transfer_parts(model)
    rescale = model.get_layer("rescale")
    return keras.ops.convert_to_numpy(base(rescale(pixels), training=False))


class FeatureCache:
    """Feature vectors keyed by (extractor, photo digest); least recently used go first; thread-safe."""

    def __init__(self, max_entries: int = MOST_CACHED_FEATURES):
        if max_entries < 1:
            raise ValueError(f"The feature cache needs room for at least one photo, got {max_entries}.")
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: tuple[str, str]) -> np.ndarray | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: tuple[str, str], value: np.ndarray) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


@dataclass
class FrozenBase:
    """A pixels -> pooled features model, its name (part of every cache key) and its cache."""

    model: keras.Model = field(repr=False)
    name: str
    cache: FeatureCache = field(default_factory=FeatureCache, repr=False)
    # Keras models are not safe to call from two threads at once; one lock per extractor.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def image_size(self) -> int:
        return int(self.model.input_shape[1])

    @property
    def feature_count(self) -> int:
        return int(self.model.output_shape[-1])

    def features(self, images: np.ndarray, batch_size: int = 64, on_batch=None) -> np.ndarray:
        """(N, features) float32 for (N, size, size, 3) uint8 photos; only photos not cached run the base.

        ``on_batch(done, total)`` is called after each batch the base runs (for a progress bar).
        """
        images = np.asarray(images)
        if images.ndim != 4 or images.shape[1:3] != (self.image_size, self.image_size):
            raise ValueError(f"The frozen base takes photos of {self.image_size}×{self.image_size} pixels, "
                             f"got an array of shape {images.shape}.")
        keys = [(self.name, digest(image)) for image in images]
        found = [self.cache.get(key) for key in keys]
        missing = [index for index, value in enumerate(found) if value is None]
        for start in range(0, len(missing), batch_size):
            chunk = missing[start:start + batch_size]
            with self._lock:
                vectors = keras.ops.convert_to_numpy(
                    self.model(images[chunk].astype(np.float32), training=False)).astype(np.float32)
            for index, vector in zip(chunk, vectors):
                found[index] = vector
                self.cache.put(keys[index], vector)
            if on_batch is not None:
                on_batch(min(start + batch_size, len(missing)), len(missing))
        if not found:
            return np.zeros((0, self.feature_count), np.float32)
        return np.stack(found).astype(np.float32)


def pooled_extractor(image_size: int, weights: str | None = "auto") -> keras.Model:
    """Pixels (0..255) -> the shipped transfer model's rescaling and frozen base -> global average pooling.

    ``weights`` as for :func:`core.models.architectures.transfer`: ``"auto"``
    finds the ImageNet file, None gives random weights (tests).
    """
    assembled = architectures.transfer(image_size=image_size, num_classes=2, weights=weights)
    base, _ = transfer_parts(assembled)
    inputs = keras.Input(shape=(image_size, image_size, 3), name="pixels")
    maps = base(assembled.get_layer("rescale")(inputs), training=False)
    pooled = layers.GlobalAveragePooling2D(name="pooled_features")(maps)
    return keras.Model(inputs, pooled, name="frozen_mobilenet")


def frozen_base(image_size: int, weights: str | None = "auto", max_entries: int = MOST_CACHED_FEATURES) -> FrozenBase:
    """A :class:`FrozenBase` at ``image_size`` with an empty cache of its own."""
    name = f"mobilenet-{architectures.MOBILENET_ALPHA}-{image_size}-{'random' if weights is None else 'imagenet'}"
    return FrozenBase(pooled_extractor(image_size, weights), name, FeatureCache(max_entries))


def base_weights_problem() -> str:
    """Why the MobileNet base cannot be built offline here, or '' when its ImageNet weights are found."""
    source = architectures.resolve_mobilenet_weights()
    if source != "imagenet" and Path(source).is_file():
        return ""
    if source != "imagenet":
        return f"The MobileNet weight file {source} does not exist."
    return ("The MobileNet base needs its ImageNet weights (2 MB), which are not on this machine: run "
            "`python -m core.models.registry download-weights` once with internet, or set "
            f"{architectures.MOBILENET_WEIGHTS_ENV}.")
