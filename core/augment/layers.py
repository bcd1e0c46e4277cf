"""Data augmentation as Keras preprocessing layers.

Training and the dataset page's preview build their augmentation from the
same :class:`AugmentationSettings`, so what the page shows is what the
network is trained on.

The geometric changes (flip, rotation, shift, shear, zoom) are one layer,
:class:`RandomAffine`: it multiplies the five random matrices together and
resamples each photo once. Keras' separate ``RandomFlip``, ``RandomRotation``,
``RandomTranslation``, ``RandomShear`` and ``RandomZoom`` layers give the same
kinds of change, but each resamples the whole batch again (five times the
work, and five rounds of interpolation blur). Brightness and contrast are
:class:`RandomLighting`. Both are plain Keras layers built on ``keras.ops``,
so they run under every Keras backend and inside ``tf.data``.
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from core.augment.settings import AugmentationSettings, check_settings


@keras.saving.register_keras_serializable(package="cnn_classroom")
class RandomAffine(layers.Layer):
    """Random flip, rotation, shift, shear and zoom, as one resampling per photo.

    Works on (batch, height, width, channels) pixels and is the identity
    unless called with ``training=True``. Every photo gets its own random
    draw of each change, uniformly within the given limits.
    """

    def __init__(self, rotation_degrees: float = 0.0, shift_fraction: float = 0.0, shear_fraction: float = 0.0,
                 zoom_fraction: float = 0.0, horizontal_flip: bool = False, fill_mode: str = "nearest",
                 interpolation: str = "bilinear", seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rotation_degrees = float(rotation_degrees)
        self.shift_fraction = float(shift_fraction)
        self.shear_fraction = float(shear_fraction)
        self.zoom_fraction = float(zoom_fraction)
        self.horizontal_flip = bool(horizontal_flip)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _uniform(self, batch, limit: float):
        return keras.random.uniform((batch,), -limit, limit, seed=self.seed_generator)

    def transform_matrices(self, batch, height, width):
        """(batch, 8) Keras affine transforms mapping each output pixel to where it is read from."""
        ones = ops.ones((batch,))
        angle = self._uniform(batch, math.radians(self.rotation_degrees)) if self.rotation_degrees else 0 * ones
        shear_x = self._uniform(batch, self.shear_fraction) if self.shear_fraction else 0 * ones
        shear_y = self._uniform(batch, self.shear_fraction) if self.shear_fraction else 0 * ones
        # Reading from a smaller area than the output zooms in, from a larger one zooms out.
        scale = 1.0 + self._uniform(batch, self.zoom_fraction) if self.zoom_fraction else ones
        flip = ones
        if self.horizontal_flip:
            flip = ops.where(keras.random.uniform((batch,), seed=self.seed_generator) < 0.5, -ones, ones)
        shift_x = self._uniform(batch, self.shift_fraction) * width if self.shift_fraction else 0 * ones
        shift_y = self._uniform(batch, self.shift_fraction) * height if self.shift_fraction else 0 * ones
        cos, sin = ops.cos(angle), ops.sin(angle)
        # M = rotation · shear · scale, then mirror x: input = centre + M (output - centre) + shift.
        m00 = (cos - sin * shear_y) * scale * flip
        m01 = (cos * shear_x - sin) * scale
        m10 = (sin + cos * shear_y) * scale * flip
        m11 = (sin * shear_x + cos) * scale
        centre_x = (ops.cast(width, "float32") - 1.0) / 2.0
        centre_y = (ops.cast(height, "float32") - 1.0) / 2.0
        offset_x = centre_x - m00 * centre_x - m01 * centre_y + shift_x
        offset_y = centre_y - m10 * centre_x - m11 * centre_y + shift_y
        zeros = 0 * ones
        return ops.stack([m00, m01, offset_x, m10, m11, offset_y, zeros, zeros], axis=1)

    def call(self, images, training=False):
        if not training:
            return images
        images = ops.convert_to_tensor(images, dtype=self.compute_dtype)
        shape = ops.shape(images)
        transforms = self.transform_matrices(shape[0], ops.cast(shape[1], "float32"), ops.cast(shape[2], "float32"))
        return ops.image.affine_transform(images, transforms, interpolation=self.interpolation,
                                          fill_mode=self.fill_mode, data_format="channels_last")

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rotation_degrees": self.rotation_degrees,
                "shift_fraction": self.shift_fraction, "shear_fraction": self.shear_fraction,
                "zoom_fraction": self.zoom_fraction, "horizontal_flip": self.horizontal_flip,
                "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed}


def contrast_factor_range(contrast_fraction: float) -> tuple[float, float]:
    """The range :class:`RandomLighting` draws its contrast factor from: lower and higher contrast alike."""
    return 1.0 - contrast_fraction, 1.0 + contrast_fraction


@keras.saving.register_keras_serializable(package="cnn_classroom")
class RandomLighting(layers.Layer):
    """Random brightness shift and contrast change per photo, for pixels in 0..255.

    Brightness adds up to ±``brightness_fraction``·255; contrast scales each
    channel's distance from its mean by a factor in 1 ± ``contrast_fraction``
    (both lower and higher contrast). Results stay within 0..255.
    """

    def __init__(self, brightness_fraction: float = 0.0, contrast_fraction: float = 0.0, seed: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.brightness_fraction = float(brightness_fraction)
        self.contrast_fraction = float(contrast_fraction)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        images = ops.convert_to_tensor(images, dtype=self.compute_dtype)
        batch = ops.shape(images)[0]
        if self.contrast_fraction:
            low, high = contrast_factor_range(self.contrast_fraction)
            factor = keras.random.uniform((batch, 1, 1, 1), low, high, seed=self.seed_generator)
            mean = ops.mean(images, axis=(1, 2), keepdims=True)
            images = mean + (images - mean) * factor
        if self.brightness_fraction:
            limit = 255.0 * self.brightness_fraction
            images = images + keras.random.uniform((batch, 1, 1, 1), -limit, limit, seed=self.seed_generator)
        return ops.clip(images, 0.0, 255.0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "brightness_fraction": self.brightness_fraction,
                "contrast_fraction": self.contrast_fraction, "seed": self.seed}


def build_augmentation(settings: AugmentationSettings, seed: int | None = None) -> keras.Sequential:
    """A ``keras.Sequential`` of random layers, active only when called with ``training=True``.

    It works on batches of 0..255 float pixels and keeps that range.
    """
    check_settings(settings)
    steps: list[layers.Layer] = []
    if (settings.horizontal_flip or settings.rotation_degrees or settings.shift_fraction or settings.shear_fraction
            or settings.zoom_fraction):
        steps.append(RandomAffine(settings.rotation_degrees, settings.shift_fraction, settings.shear_fraction,
                                  settings.zoom_fraction, settings.horizontal_flip, settings.fill_mode, seed=seed,
                                  name="geometry"))
    if settings.brightness_fraction or settings.contrast_fraction:
        steps.append(RandomLighting(settings.brightness_fraction, settings.contrast_fraction, seed=seed,
                                    name="lighting"))
    return keras.Sequential(steps, name="augmentation")
