"""Training batches: a tf.data pipeline (parallel decode, cache, shuffle, augment, prefetch), or batches from memory
under other Keras backends."""

from __future__ import annotations

from typing import TYPE_CHECKING

import keras
import numpy as np

from core.augment.layers import build_augmentation
from core.augment.settings import AugmentationSettings
from core.data.files import LabeledFiles, load_arrays, load_pixels

if TYPE_CHECKING:  # TensorFlow loads only when a tf.data pipeline is built.
    import tensorflow as tf


def label_targets(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """What the loss expects: (N, 1) floats for one sigmoid unit, integer labels for softmax."""
    labels = np.asarray(labels)
    if num_classes == 2:
        return labels.astype(np.float32)[:, None]
    return labels.astype(np.int32)


class MemoryBatches(keras.utils.PyDataset):
    """Batches from photos decoded once into memory, for any Keras backend.

    Same contract as :func:`make_dataset`: float32 pixels 0..255 and targets,
    reshuffled every epoch and augmented on the fly when training.
    """

    def __init__(self, files: LabeledFiles, image_size: int, batch_size: int = 32, *, training: bool = False,
                 augmentation: AugmentationSettings | None = None, seed: int = 0):
        super().__init__()
        self.images, labels = load_arrays(files, image_size)
        self.targets = label_targets(labels, len(files.class_names))
        self.batch_size = batch_size
        self.training = training
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(self.images)) if training else np.arange(len(self.images))
        self.augment = (build_augmentation(augmentation, seed=seed)
                        if training and augmentation is not None and not augmentation.is_identity() else None)

    def __len__(self) -> int:
        return int(np.ceil(len(self.images) / self.batch_size))

    def __getitem__(self, index: int):
        if not 0 <= index < len(self):
            raise IndexError(index)
        chosen = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        pixels = self.images[chosen].astype(np.float32)
        if self.augment is not None:
            pixels = keras.ops.clip(self.augment(pixels, training=True), 0.0, 255.0)
        return pixels, self.targets[chosen]

    def on_epoch_end(self) -> None:
        if self.training:
            self.order = self.rng.permutation(len(self.images))


def make_dataset(
    files: LabeledFiles,
    image_size: int,
    batch_size: int = 32,
    *,
    training: bool = False,
    augmentation: AugmentationSettings | None = None,
    seed: int = 0,
    cache: bool = True,
) -> tf.data.Dataset | MemoryBatches:
    """A batched, prefetched dataset of (float32 pixels 0..255, targets)."""
    if len(files) == 0:
        raise ValueError("No images to build a dataset from.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    if keras.backend.backend() != "tensorflow":
        return MemoryBatches(files, image_size, batch_size, training=training, augmentation=augmentation, seed=seed)
    import tensorflow as tf

    num_classes = len(files.class_names)
    paths = tf.constant(files.paths)
    labels = tf.constant(files.labels, dtype=tf.int32)
    dataset = tf.data.Dataset.from_tensor_slices((paths, labels))

    def decode(path: tf.Tensor, label: tf.Tensor):
        pixels = tf.numpy_function(lambda p: load_pixels(p, image_size), [path], tf.uint8)
        pixels.set_shape((image_size, image_size, 3))
        return pixels, label

    dataset = dataset.map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if cache:
        dataset = dataset.cache()
    if training:
        dataset = dataset.shuffle(min(len(files), 10_000), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    augment = None
    if training and augmentation is not None and not augmentation.is_identity():
        augment = build_augmentation(augmentation, seed=seed)

    def to_model_input(pixels: tf.Tensor, batch_labels: tf.Tensor):
        pixels = tf.cast(pixels, tf.float32)
        if augment is not None:
            pixels = tf.clip_by_value(augment(pixels, training=True), 0.0, 255.0)
        if num_classes == 2:  # one sigmoid unit: (batch, 1) floats
            return pixels, tf.cast(tf.expand_dims(batch_labels, -1), tf.float32)
        return pixels, batch_labels

    dataset = dataset.map(to_model_input, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
