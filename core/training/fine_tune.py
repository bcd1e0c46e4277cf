"""Fine-tune the top blocks of a transfer model's MobileNet base, on a CPU.

Transfer learning first trains only a head on the frozen ImageNet base; fine
tuning then lets the last few blocks of the base adapt too, with a learning
rate low enough not to wreck what ImageNet taught them. Here the lower blocks
stay frozen, so their output for a photo never changes: it is computed once
per photo and per augmented view, kept in memory as float16, and every epoch
trains only the top blocks and the head on it. That makes an epoch about a
minute on two CPU cores instead of half an hour.

The views are fixed per photo (seeded): the photo, its mirror image, a
low-resolution copy (shrunk to 32-96 px and blown up again, as a tiny phone
photo is) and a closer crop with a brightness change.

The top blocks' batch norms stay frozen, which in Keras 3 also keeps them in
inference mode (the usual advice for fine-tuning: their statistics were
measured on ImageNet, and batches of 32 photos would only make them noisy).
So only the depthwise and pointwise convolution kernels train, and only those
layers are saved: the batch norms come from the ImageNet weight file at
loading, like the rest of the base.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import keras
import numpy as np

from core.data.files import LabeledFiles
from core.data.pipeline import make_dataset
from core.imaging.resize import resize_for_model
from core.models.fine_tuned import top_block_layers
from core.models.folder import transfer_parts
from core.models.outputs import class_count
from core.training.compiling import compile_model

VIEW_NAMES = ("photo", "mirror image", "low resolution", "closer and brighter or darker")

AUGMENTATION_TEXT = (
    "four fixed views of each training photo, computed once: the photo, its mirror image, a low-resolution "
    "copy (shrunk to 32-96 px and enlarged again, mirrored at random) and a closer crop (65-90 % of the "
    "photo, brightness ×0.75-1.25, mirrored at random)"
)


def lower_part(base: keras.Model, blocks: int) -> keras.Model:
    """The frozen blocks below the top ``blocks``: -1..1 pixels -> the feature maps the top blocks read."""
    first_tuned = top_block_layers(base, blocks)[0]
    return keras.Model(base.input, first_tuned.input, name="frozen_lower_blocks")


def top_part(base: keras.Model, head: keras.Model, blocks: int) -> keras.Model:
    """Cached lower-block maps -> the top blocks (the base's own layer objects) -> the head.

    Training this model trains the assembled transfer model, because the
    layers are shared, not copied.
    """
    tuned = top_block_layers(base, blocks)
    inputs = keras.Input(shape=tuple(tuned[0].input.shape[1:]), name="lower_block_maps")
    maps = inputs
    for layer in tuned:
        # MobileNet v1 is a plain chain, so its layers can be called one after another.
        maps = layer(maps, training=False)
    return keras.Model(inputs, head(maps), name="top_blocks_and_head")


def set_trainable_top(base: keras.Model, blocks: int) -> list[str]:
    """Unfreeze the top blocks' convolutions (their batch norms stay frozen); return their names."""
    tuned = [layer.name for layer in top_block_layers(base, blocks)
             if layer.weights and not isinstance(layer, keras.layers.BatchNormalization)]
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name in tuned
    return tuned


def training_views(pixels: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """The four views (see :data:`VIEW_NAMES`) of a batch of (N, S, S, 3) photos in 0..255."""
    pixels = np.clip(np.rint(np.asarray(pixels)), 0, 255).astype(np.uint8)
    size = pixels.shape[1:3]
    mirror = pixels[:, :, ::-1]
    low, closer = [], []
    for photo in pixels:
        flipped = photo[:, ::-1] if rng.random() < 0.5 else photo
        side = int(rng.integers(32, 97))
        low.append(resize_for_model(resize_for_model(flipped, (side, side)), size))
        flipped = photo[:, ::-1] if rng.random() < 0.5 else photo
        keep = rng.uniform(0.65, 0.9)
        height, width = int(size[0] * keep), int(size[1] * keep)
        top = int(rng.integers(0, size[0] - height + 1))
        left = int(rng.integers(0, size[1] - width + 1))
        crop = resize_for_model(flipped[top:top + height, left:left + width], size)
        closer.append(np.clip(crop.astype(np.float32) * rng.uniform(0.75, 1.25), 0, 255).astype(np.uint8))
    return [pixels, np.ascontiguousarray(mirror), np.stack(low), np.stack(closer)]


def cached_lower_maps(model: keras.Model, blocks: int, files: LabeledFiles, image_size: int, *, augmented: bool,
                      seed: int, batch_size: int = 64,
                      on_batch: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(float16 maps, float32 targets) of the frozen lower blocks for every photo (and view, if ``augmented``)."""
    base, _ = transfer_parts(model)
    lower = lower_part(base, blocks)
    rescale = model.get_layer("rescale")
    views = len(VIEW_NAMES) if augmented else 1
    shape = tuple(int(dimension) for dimension in lower.output.shape[1:])
    maps = np.empty((len(files) * views, *shape), np.float16)
    targets = np.empty((len(files) * views,), np.float32)
    rng = np.random.default_rng(seed)
    dataset = make_dataset(files, image_size, batch_size, training=False, cache=False)
    row = 0
    for done, (pixels, batch_targets) in enumerate(dataset, start=1):
        pixels = keras.ops.convert_to_numpy(pixels)
        batch_targets = keras.ops.convert_to_numpy(batch_targets).reshape(len(pixels), -1)[:, -1]
        for view in (training_views(pixels, rng) if augmented else [pixels]):
            output = lower(rescale(view.astype(np.float32)), training=False)
            maps[row:row + len(view)] = keras.ops.convert_to_numpy(output)
            targets[row:row + len(view)] = batch_targets
            row += len(view)
        if on_batch is not None:
            on_batch(done, math.ceil(len(files) / batch_size))
    return maps, targets


class MapBatches(keras.utils.PyDataset):
    """Shuffled float32 batches from the float16 cache (a 4 GB array cannot become one TensorFlow constant)."""

    def __init__(self, maps: np.ndarray, targets: np.ndarray, batch_size: int, seed: int, shuffle: bool):
        super().__init__()
        self.maps, self.targets, self.batch_size, self.shuffle = maps, targets, batch_size, shuffle
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(len(maps)) if shuffle else np.arange(len(maps))

    def __len__(self) -> int:
        return math.ceil(len(self.maps) / self.batch_size)

    def __getitem__(self, index: int):
        rows = np.sort(self._order[index * self.batch_size:(index + 1) * self.batch_size])
        return self.maps[rows].astype(np.float32), self.targets[rows]

    def on_epoch_end(self):
        if self.shuffle:
            self._order = self._rng.permutation(len(self.maps))


@dataclass(frozen=True)
class FineTuneSettings:
    blocks: int
    epochs: int
    batch_size: int
    learning_rate: float
    seed: int
    warmup_epochs: int = 3  # head-only epochs first, for a head that starts untrained (0 for a trained one)
    warmup_learning_rate: float = 1e-3  # the head's constant rate during the warm-up
    validation_batch_size: int = 128  # batches of cached maps for validation (memory only, not the result)
    verbose: int = 1

    def __post_init__(self):
        for name in ("epochs", "batch_size", "validation_batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"Fine-tuning's {name} must be at least 1, not {getattr(self, name)}.")
        if self.warmup_epochs < 0:
            raise ValueError(f"Fine-tuning's warmup_epochs must be 0 or more, not {self.warmup_epochs}.")
        if not (self.learning_rate > 0 and self.warmup_learning_rate > 0):
            raise ValueError("Fine-tuning's learning rates must be above 0.")


def fine_tune(model: keras.Model, settings: FineTuneSettings, train_files: LabeledFiles,
              validation_files: LabeledFiles, image_size: int, callbacks: Sequence[keras.callbacks.Callback],
              on_status: Callable[[str], None] = print) -> list[str]:
    """Train the top ``settings.blocks`` blocks and the head of an assembled transfer model in place.

    Returns the names of the layers whose weights changed (the convolutions).
    """
    base, head = transfer_parts(model)
    on_status(f"Running the frozen lower blocks once on {len(train_files)} training photos × {len(VIEW_NAMES)} views")
    train_maps, train_targets = cached_lower_maps(model, settings.blocks, train_files, image_size, augmented=True,
                                                  seed=settings.seed)
    validation_maps, validation_targets = cached_lower_maps(model, settings.blocks, validation_files, image_size,
                                                            augmented=False, seed=settings.seed)
    on_status(f"Cached {train_maps.nbytes / 1e9:.1f} GB of maps; training")
    train_batches = MapBatches(train_maps, train_targets, settings.batch_size, settings.seed, shuffle=True)
    validation_batches = MapBatches(validation_maps, validation_targets, settings.validation_batch_size,
                                    settings.seed, shuffle=False)
    top = top_part(base, head, settings.blocks)
    num_classes = class_count(head.output_shape[-1])
    if settings.warmup_epochs:
        base.trainable = False
        compile_model(top, settings.warmup_learning_rate, num_classes)
        top.fit(train_batches, validation_data=validation_batches, epochs=settings.warmup_epochs,
                verbose=settings.verbose)
    tuned_names = set_trainable_top(base, settings.blocks)
    schedule = keras.optimizers.schedules.CosineDecay(settings.learning_rate, settings.epochs * len(train_batches))
    compile_model(top, schedule, num_classes)
    top.fit(train_batches, validation_data=validation_batches, epochs=settings.epochs, callbacks=list(callbacks),
            verbose=settings.verbose)
    # The tuned layers stay marked trainable (as loading marks them), so the card counts them as trained.
    return tuned_names

